"""Forms of the matchmaking app. They only validate; the views hand ``cleaned_data`` to the services."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from visitors.forms import InterestsField

from .models import MatchmakingSettings, Meeting, MeetingRequest, Participant, Priority, Slot, Table


class ProfileForm(forms.ModelForm):
    clusters = InterestsField(required=False, label=_("Clusters you source from or work with"))

    class Meta:
        model = Participant
        fields = [
            "organisation",
            "country",
            "clusters",
            "sectors",
            "product_keywords",
            "hs_codes",
            "volume",
            "target_markets",
            "languages",
            "delegation_members",
        ]
        widgets = {"sectors": forms.CheckboxSelectMultiple, "delegation_members": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, delegation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not delegation:
            del self.fields["delegation_members"]

    def profile(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("clusters", "sectors")}


def slot_label(slot: Slot) -> str:
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    return (
        f"{formats.date_format(start, 'D j M')} {formats.time_format(start, 'H:i')}–{formats.time_format(end, 'H:i')}"
    )


class AvailabilityForm(forms.Form):
    slots = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("When you can meet"),
        help_text=_("Untick the slots when you are busy."),
    )

    def __init__(self, *args, offered: list[Slot], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slots"].choices = [(slot.pk, slot_label(slot)) for slot in offered]


class RequestForm(forms.Form):
    priority = forms.ChoiceField(
        choices=Priority.choices, initial=Priority.WOULD, widget=forms.RadioSelect, label=_("How much you want it")
    )
    message = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Message"),
        help_text=_("What you would like to talk about (500 characters at most)."),
    )
    at_stall = forms.BooleanField(required=False, label=_("Meet at the exhibitor's stall rather than in the lounge"))


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(choices=MeetingRequest.DeclineReason.choices, label=_("Reason"))


class HandMeetingForm(forms.Form):
    slot = forms.ModelChoiceField(queryset=Slot.objects.none(), label=_("Slot"))
    table = forms.ModelChoiceField(
        queryset=Table.objects.none(),
        required=False,
        label=_("Table"),
        help_text=_("Leave empty for a meeting at the stall."),
    )

    def __init__(self, *args, expo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = Slot.objects.filter(expo=expo, kind=Slot.Kind.MEETING).order_by("start")
        self.fields["slot"].label_from_instance = slot_label
        self.fields["table"].queryset = Table.objects.filter(expo=expo).order_by("number")


class SlotGenerateForm(forms.Form):
    slot_minutes = forms.TypedChoiceField(
        coerce=int,
        choices=MatchmakingSettings.SlotLength.choices,
        label=_("Slot length"),
        help_text=_("The meeting windows are cut into slots of this length, around the breaks."),
    )


def meeting_label(meeting: Meeting) -> str:
    where = str(meeting.table) if meeting.table_id else _("At the stall")
    return f"{slot_label(meeting.slot)} · {where} · {meeting.request.sender} · {meeting.request.receiver}"


class SwapForm(forms.Form):
    other = forms.ModelChoiceField(queryset=Meeting.objects.none(), label=_("Swap with"))

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = meetings
        self.fields["other"].label_from_instance = meeting_label


class BadgeCodeForm(forms.Form):
    """A badge as a scanner or camera reads it (its QR code), or its printed number typed by hand."""

    code = forms.CharField(label=_("Badge code or number"), max_length=200, strip=True)
