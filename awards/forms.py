"""Forms of the awards: putting a candidate forward, with evidence files checked by their content."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from exhibitors.models import Exhibitor
from expo import images
from expo.forms import image_messages

from . import evidence as pdfs
from .models import Candidate, Category
from .services import MAX_EVIDENCE_FILES, Evidence

EVIDENCE_PDF_MAX_BYTES = 10 * 2**20


def pdf_messages() -> dict[str, str]:
    """The reasons ``awards.evidence`` gives for refusing a PDF, in the active language."""
    return {
        "too_large": str(_("The PDF is larger than %(size)d MB.") % {"size": EVIDENCE_PDF_MAX_BYTES // 2**20}),
        "not_pdf": str(_("This file is not a PDF.")),
        "broken": str(_("The PDF is damaged or incomplete and cannot be read.")),
        "encrypted": str(_("The PDF is protected by a password; upload it without one.")),
        "active": str(_("The PDF contains scripts, attachments or actions; upload a plain document.")),
        "too_many_pages": str(_("The PDF has more than %(pages)d pages.") % {"pages": pdfs.MAX_PAGES}),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to ``MAX_EVIDENCE_FILES`` PDFs (checked by ``awards.evidence``) or JPEG, PNG or WebP images (checked by
    ``expo.images``), each recognised by its content, never its name. ``cleaned_data`` holds ``Evidence`` items."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Up to %(count)d files: PDFs up to %(pdf)d MB, or JPEG, PNG or WebP images up to %(image)d MB.")
            % {
                "count": MAX_EVIDENCE_FILES,
                "pdf": EVIDENCE_PDF_MAX_BYTES // 2**20,
                "image": settings.EXPO_IMAGE_MAX_BYTES // 2**20,
            },
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "application/pdf,image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("Attach at most %(count)d files.") % {"count": MAX_EVIDENCE_FILES})
        return [self._checked(super(EvidenceField, self).clean(upload, initial)) for upload in uploads]

    def _checked(self, upload) -> Evidence:
        name = upload.name or ""
        largest = max(EVIDENCE_PDF_MAX_BYTES, settings.EXPO_IMAGE_MAX_BYTES)
        if upload.size > largest:
            raise self._refused(name, _("The file is larger than %(size)d MB.") % {"size": largest // 2**20})
        data = upload.read()
        if pdfs.looks_like_pdf(data):
            try:
                pdfs.check_pdf(data, max_bytes=EVIDENCE_PDF_MAX_BYTES, messages=pdf_messages())
            except pdfs.PdfRejected as error:
                raise self._refused(name, str(error)) from error
            return Evidence(name=name, content=data, kind="pdf", extension="pdf")
        messages = image_messages()
        messages["not_image"] = str(_("This file is neither a PDF nor an image. Upload a PDF, JPEG, PNG or WebP."))
        try:
            checked = images.check_image(
                data,
                max_bytes=settings.EXPO_IMAGE_MAX_BYTES,
                max_pixels=settings.EXPO_IMAGE_MAX_PIXELS,
                messages=messages,
            )
        except images.ImageRejected as error:
            raise self._refused(name, str(error)) from error
        return Evidence(name=name, content=data, kind="image", extension=checked.extension)

    @staticmethod
    def _refused(name: str, reason: str) -> forms.ValidationError:
        return forms.ValidationError(_("%(file)s: %(reason)s") % {"file": name, "reason": reason})


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.display_name


class CandidacyForm(forms.Form):
    """An exhibitor put forward for a category; a trade body also picks which of its exhibitors."""

    category = CategoryChoiceField(label=_("Award category"), queryset=Category.objects.none())
    statement = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        help_text=_("Why the exhibitor deserves this award, in up to 2,000 characters."),
    )
    evidence = EvidenceField(label=_("Evidence"))

    def __init__(self, *args, categories, exhibitors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        if exhibitors is not None:
            self.fields = {
                "exhibitor": forms.ModelChoiceField(label=_("Exhibitor"), queryset=exhibitors),
                **self.fields,
            }


class OverrideForm(forms.Form):
    """The secretariat's decision on a candidate's eligibility against the rules."""

    DECISIONS = {"eligible": True, "ineligible": False, "rules": None}

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("eligible", _("Eligible, whatever the rules say")),
            ("ineligible", _("Not eligible, whatever the rules say")),
            ("rules", _("As the rules say")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    @property
    def eligible(self) -> bool | None:
        return self.DECISIONS[self.cleaned_data["decision"]]


class StaffCandidateForm(forms.ModelForm):
    """The admin's form to put a candidate forward as staff; the service checks and saves it."""

    evidence = EvidenceField(label=_("Evidence"))

    class Meta:
        model = Candidate
        fields = ["category", "exhibitor", "statement"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("expo").order_by("-expo__year", "order")
        self.fields["exhibitor"].queryset = Exhibitor.objects.select_related("expo").order_by("-expo__year", "name")

    def clean(self):
        cleaned = super().clean()
        category, exhibitor = cleaned.get("category"), cleaned.get("exhibitor")
        if category and exhibitor and exhibitor.expo_id != category.expo_id:
            self.add_error("exhibitor", _("The exhibitor is not at this category's edition."))
        return cleaned
