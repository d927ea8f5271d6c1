from django import forms
from django.utils.translation import gettext_lazy as _

from expo.forms import ImageUploadField

from .models import Session, Speaker


class SpeakerProfileForm(forms.ModelForm):
    """What a speaker confirms and edits about themselves."""

    photo = ImageUploadField(label=_("Photo"), required=False)
    photo_clear = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Speaker
        fields = ["name", "title", "organisation", "bio", "bio_ur"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5}), "bio_ur": forms.Textarea(attrs={"rows": 5, "dir": "rtl"})}

    def profile_data(self) -> dict:
        """The cleaned fields for ``services.speaker_profile_update``, with the photo's change."""
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        photo = self.cleaned_data.get("photo")
        data["photo"] = photo if photo is not None else (False if self.cleaned_data.get("photo_clear") else None)
        return data


class SpeakerAdminForm(forms.ModelForm):
    """The admin's speaker form: the photo passes the same checks as every uploaded image."""

    photo = ImageUploadField(label=_("Photo"), required=False)
    photo_clear = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Speaker
        # The admin lists the fields; the photo is the checked upload above, members come from invitations.
        exclude = ["members", "photo"]  # noqa: DJ006 - the admin's fieldsets name the fields shown

    def photo_change(self):
        photo = self.cleaned_data.get("photo")
        return photo if photo is not None else (False if self.cleaned_data.get("photo_clear") else None)


class SessionAdminForm(forms.ModelForm):
    """The admin's session form: the speakers are chosen here so that their clashes are checked with the time."""

    speaker_list = forms.ModelMultipleChoiceField(
        queryset=Speaker.objects.order_by("name"), required=False, label=_("Speakers")
    )

    class Meta:
        model = Session
        # Speakers come through a model with a role, chosen in ``speaker_list`` to be checked with the time.
        exclude = ["speakers"]  # noqa: DJ006 - the admin's fieldsets name the fields shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["speaker_list"].initial = list(
                self.instance.sessionspeaker_set.order_by("order").values_list("speaker_id", flat=True)
            )

    def clean(self):
        from . import services

        cleaned = super().clean()
        room, starts_at, ends_at = cleaned.get("room"), cleaned.get("starts_at"), cleaned.get("ends_at")
        if room and starts_at and ends_at:
            candidate = Session(
                pk=self.instance.pk,
                room=room,
                starts_at=starts_at,
                ends_at=ends_at,
                cancelled_at=self.instance.cancelled_at,
            )
            try:
                services.session_check(
                    session=candidate, speaker_ids=[speaker.pk for speaker in cleaned.get("speaker_list") or []]
                )
            except services.ProgrammeError as error:
                self.add_error(error.field if error.field in self.fields else None, str(error))
        return cleaned


class DoorScanForm(forms.Form):
    """One scan from a session door, without its payload: that may be anything a scanner types and is judged as
    such."""

    scan_id = forms.UUIDField()
    session = forms.IntegerField(min_value=1)
    scanned_at = forms.DateTimeField(required=False)
