"""Forms of the support desk: asking for support (an exhibitor, or staff for any enterprise), the queue's filters,
and the desk's actions on a request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exhibitors.models import Enterprise
from expo.models import Cluster, Province
from matchmaking.models import Lead

from . import followup_desk, selectors
from .models import Kind, SupportRequest

DESCRIPTION_HELP = _("What you need help with, what you have done so far, and by when you need it.")


class ExhibitorRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=[("", "---------"), *Kind.choices])
    description = forms.CharField(
        label=_("What you need"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, help_text=DESCRIPTION_HELP
    )

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if len(description) < 20:
            raise forms.ValidationError(_("Please describe what you need in at least 20 characters."))
        return description


class StaffRequestForm(ExhibitorRequestForm):
    """Staff ask on behalf of any enterprise, exhibiting or not."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.order_by("legal_name"))
    province = forms.ChoiceField(
        label=_("Province"),
        choices=[("", _("The enterprise's province")), *Province.choices],
        required=False,
    )
    contact_email = forms.EmailField(
        label=_("Contact email"), required=False, help_text=_("Told of each change of status.")
    )
    field_order = ["enterprise", "kind", "province", "description", "contact_email"]


OWNER_ME = "me"
OWNER_NONE = "none"


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the URL so that a filtered queue can be bookmarked and shared."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices], required=False)
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("Any province")), *Province.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *SupportRequest.Status.choices], required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=selectors.teams(), required=False, empty_label=_("Any team")
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in selectors.support_staff()}
        self.fields["owner"].choices = [
            ("", _("Anyone")),
            (OWNER_ME, _("Me")),
            (OWNER_NONE, _("Nobody yet")),
            *[(pk, user.get_full_name()) for pk, user in self.staff.items()],
        ]

    def filters(self, *, user) -> selectors.QueueFilters:
        """The filters chosen; a queue with an invalid filter shows everything rather than nothing."""
        if not self.is_valid():
            return selectors.QueueFilters()
        data = self.cleaned_data
        owner = data["owner"]
        return selectors.QueueFilters(
            kind=data["kind"],
            province=data["province"],
            status=data["status"],
            team=data["team"].pk if data["team"] else None,
            owner=user if owner == OWNER_ME else self.staff.get(owner),
            unowned=owner == OWNER_NONE,
            overdue=data["overdue"],
        )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=selectors.support_staff(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=selectors.teams(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name()

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not data.get("team"):
            self.add_error("owner", _("Choose an owner or a team."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=SupportRequest.Status.choices)
    note = forms.CharField(
        label=_("Note to the exhibitor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Emailed with the change of status."),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What the support achieved: a certificate obtained, a loan approved, a buyer linked …"),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note for staff"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


# --- The follow-up desk ---------------------------------------------------------------------


class DeskFilterForm(forms.Form):
    """The follow-up desk's filters, read from the URL; ``stages`` are the lead stages or the request statuses."""

    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.select_related("sector").order_by("name"),
        required=False,
        empty_label=_("Any cluster"),
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("Any province")), *Province.choices], required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    min_value = forms.DecimalField(
        label=_("Value at least"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    older_than_days = forms.IntegerField(label=_("Older than (days)"), min_value=0, max_value=3650, required=False)
    newer_than_days = forms.IntegerField(label=_("Newer than (days)"), min_value=1, max_value=3650, required=False)

    def __init__(self, *args, stages, with_value: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *stages]
        if not with_value:
            del self.fields["min_value"]

    def filters(self) -> followup_desk.DeskFilters | None:
        """The filters chosen; with an invalid one the list is empty, its error shown next to the field."""
        if not self.is_bound:
            return followup_desk.DeskFilters()
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return followup_desk.DeskFilters(
            cluster=data["cluster"].pk if data["cluster"] else None,
            province=data["province"],
            stage=data["stage"],
            min_value=data.get("min_value"),
            older_than_days=data["older_than_days"],
            newer_than_days=data["newer_than_days"],
        )


class LeadBulkForm(forms.Form):
    MARK_LOST = "mark_lost"
    ADD_NOTE = "add_note"

    leads = forms.ModelMultipleChoiceField(label=_("Leads"), queryset=Lead.objects.none())
    action = forms.ChoiceField(label=_("Action"), choices=[(MARK_LOST, _("Mark lost")), (ADD_NOTE, _("Add a note"))])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, expo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leads"].queryset = Lead.objects.filter(expo=expo)
        self.fields["leads"].error_messages["required"] = _("Tick at least one lead.")


class RequestBulkForm(forms.Form):
    ASSIGN = "assign"
    CLOSE = "close"

    requests = forms.ModelMultipleChoiceField(label=_("Requests"), queryset=SupportRequest.objects.none())
    action = forms.ChoiceField(label=_("Action"), choices=[(ASSIGN, _("Assign")), (CLOSE, _("Close"))])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=selectors.support_staff(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=selectors.teams(), required=False)
    note = forms.CharField(
        label=_("Note to the exhibitors"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        help_text=_("Emailed with the closing."),
    )

    def __init__(self, *args, expo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = SupportRequest.objects.filter(expo=expo)
        self.fields["requests"].error_messages["required"] = _("Tick at least one request.")
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name()

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.ASSIGN and not data.get("owner") and not data.get("team"):
            self.add_error("owner", _("Choose an owner or a team."))
        if action == self.CLOSE and not data.get("note"):
            self.add_error("note", _("Say why the requests are closed."))
        return data
