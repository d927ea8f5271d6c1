"""Forms of an exhibitor's own pages (public profile, products, booth staff) and of the public directory's filters.

The forms only validate: the views hand ``cleaned_data`` to the services, which write.
Images arrive as ``UploadedImage`` (checked and re-encoded by ``ImageUploadField``) or None.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from expo.forms import ImageUploadField
from expo.models import Cluster, Province, Sector

from ..models import BoothStaff, Certification, Exhibitor, ExhibitorProduct, SizeClass


class ExhibitorProfileForm(forms.ModelForm):
    """The public profile. Bound to a copy of the exhibitor: an invalid form must not alter the one shown."""

    logo = ImageUploadField(label=_("Logo"), required=False)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    certifications = forms.ModelMultipleChoiceField(
        label=_("Certifications"),
        queryset=Certification.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Exhibitor
        fields = [
            "name",
            "description",
            "description_ur",
            "certifications",
            "export_experience",
            "export_markets",
            "website",
            "public_email",
            "public_phone",
            "whatsapp",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_ur": forms.Textarea(attrs={"rows": 5, "dir": "rtl", "lang": "ur"}),
            "public_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "whatsapp": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "name": _("Your brand or company name as visitors will see it."),
            "description": _("What you make, for whom, and what makes it special. Needed to be listed."),
            "description_ur": _("Shown to visitors who read the portal in Urdu."),
            "export_markets": _("Countries, separated by commas."),
            "public_email": _("Shown publicly. Leave empty to keep email private."),
            "public_phone": _("Shown publicly, e.g. +92 300 1234567."),
            "whatsapp": _("Shown publicly as a WhatsApp chat link."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The directory lists only profiles with a description: ask for it here rather than list an empty card.
        self.fields["description"].required = True


class ListingDecisionForm(forms.Form):
    """Staff's reason for unlisting exhibitors from the public directory, or for listing them again."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept in the exhibitor's history; an unlisting reason is shown to the exhibitor."),
    )


class ExhibitorProductForm(forms.ModelForm):
    photo = ImageUploadField(label=_("Photo"), required=False)

    class Meta:
        model = ExhibitorProduct
        fields = ["name", "description", "hs_code"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


def normalise_id_number(value: str) -> str:
    """Upper-case a passport number and write 13 CNIC digits in the 12345-1234567-1 form the validator expects."""
    value = re.sub(r"\s+", "", value or "").upper()
    if re.fullmatch(r"\d{13}", value):
        return f"{value[:5]}-{value[5:12]}-{value[12]}"
    return value


class IdNumberField(forms.CharField):
    def to_python(self, value):
        return normalise_id_number(super().to_python(value))


class BoothStaffForm(forms.ModelForm):
    class Meta:
        model = BoothStaff
        fields = ["full_name", "designation", "id_number", "email"]
        field_classes = {"id_number": IdNumberField}
        widgets = {"id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})}
        help_texts = {
            "full_name": _("As on the CNIC or passport: the badge carries this name."),
            "id_number": _(
                "CNIC as 12345-1234567-1, or a passport number. Kept private: checked at the gate, never published."
            ),
            "email": _("Optional: the badge can be emailed here."),
        }


class SectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Sector) -> str:
        return obj.display_name


class DirectoryFilterForm(forms.Form):
    """The directory's search and filters, read from the query string. Invalid values are ignored, not fatal."""

    q = forms.CharField(label=_("Search by name or product"), required=False, max_length=100)
    sector = SectorChoiceField(
        label=_("Sector"), queryset=Sector.objects.order_by("name"), required=False, empty_label=_("All sectors")
    )
    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.order_by("name"),
        required=False,
        empty_label=_("All clusters"),
    )
    province = forms.ChoiceField(
        label=_("Province"), choices=[("", _("All provinces")), *Province.choices], required=False
    )
    size_class = forms.ChoiceField(
        label=_("Size"),
        choices=[("", _("All sizes")), *[(c.value, c.label) for c in SizeClass if c != SizeClass.LARGE]],
        required=False,
    )
    women_led = forms.BooleanField(label=_("Women-led"), required=False)
    export_ready = forms.BooleanField(label=_("Export-ready"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"placeholder": _("e.g. football, honey, forceps"), "autocomplete": "off"})
        # Laid out by hand in the template (a compact filter bar), so the Bootstrap classes are set here.
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def filters(self) -> dict:
        """The valid filters as keyword arguments of ``selectors.DirectoryFilters``."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": (data.get("q") or "").strip(),
            "cluster": data["cluster"].pk if data.get("cluster") else None,
            "sector": data["sector"].pk if data.get("sector") else None,
            "province": data.get("province") or "",
            "women_led": bool(data.get("women_led")),
            "size_class": data.get("size_class") or "",
            "export_ready": bool(data.get("export_ready")),
        }
