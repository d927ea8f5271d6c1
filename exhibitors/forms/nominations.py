"""The steps of the nomination form a trade body fills in.

The forms only validate: the views hand ``data()`` to ``services.nomination_create`` or
``services.nomination_update``, which write. Every model field is optional at each step so
that a draft can be saved half done; what must be filled before submitting is checked by
``services.nomination_missing`` and listed on the review page. Images arrive as
``UploadedImage`` (checked and re-encoded by ``ImageUploadField``) or None.
"""

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from expo.forms import ImageUploadField

from ..models import STEP_FIELDS, Certification, Nomination, NominationProduct, StallSize

MAX_PRODUCTS = 10


def _helper(*rows) -> FormHelper:
    """A crispy helper without its own <form> tag; each row is a tuple of fields sharing a line on wide screens."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    layout = []
    for fields in rows:
        if not isinstance(fields, tuple):
            layout.append(fields)
        else:
            width = 12 // len(fields)
            layout.append(Row(*(Column(name, css_class=f"col-12 col-md-{width}") for name in fields)))
    helper.layout = Layout(*layout)
    return helper


class NominationStepForm(forms.ModelForm):
    """One step of the form. Bind it to a copy of the nomination: an invalid form must not alter the page's header."""

    def data_for_service(self) -> dict:
        """What the services take: the cleaned values of this step's fields."""
        return dict(self.cleaned_data)


class EnterpriseForm(NominationStepForm):
    step = Nomination.Step.ENTERPRISE

    logo = ImageUploadField(label=_("Logo"), required=False)
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    facebook = forms.URLField(label=_("Facebook page"), required=False, max_length=200, assume_scheme="https")
    instagram = forms.URLField(label=_("Instagram"), required=False, max_length=200, assume_scheme="https")
    linkedin = forms.URLField(label=_("LinkedIn"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Nomination
        fields = STEP_FIELDS[Nomination.Step.ENTERPRISE]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "turnover_band": _("Decides the size class: micro, small or medium."),
            "cluster": _("The cluster pavilion the enterprise belongs to."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance and self.instance.logo):
            del self.fields["remove_logo"]
        self.helper = _helper(
            ("legal_name", "brand_name"),
            ("ntn", "legal_form"),
            ("year_founded", "employees", "turnover_band"),
            ("city", "province"),
            "cluster",
            "description",
            ("website", "facebook"),
            ("instagram", "linkedin"),
            "logo",
            *(["remove_logo"] if "remove_logo" in self.fields else []),
        )

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        remove = data.pop("remove_logo", False)
        if data.get("logo") is None:
            # No new upload: keep the logo, unless asked to remove it (the services take False for that).
            data.pop("logo", None)
            if remove:
                data["logo"] = False
        return data


class OwnerForm(NominationStepForm):
    step = Nomination.Step.OWNER

    class Meta:
        model = Nomination
        fields = STEP_FIELDS[Nomination.Step.OWNER]
        widgets = {
            "owner_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "owner_cnic": _("Kept private to you and SMEDA. Example: 12345-1234567-1"),
            "owner_phone": _("Kept private. Example: +92 300 1234567"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            ("owner_name", "owner_gender"),
            "women_led",
            ("owner_cnic", "owner_phone"),
            ("contact_name", "contact_designation"),
            ("contact_email", "contact_phone"),
        )


class ProductsForm(NominationStepForm):
    """Certifications and exports; the products themselves are the ``ProductFormSet`` beside it."""

    step = Nomination.Step.PRODUCTS

    certifications = forms.ModelMultipleChoiceField(
        label=_("Certifications"),
        queryset=Certification.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Nomination
        fields = STEP_FIELDS[Nomination.Step.PRODUCTS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(InlineCheckboxes("certifications"), ("export_experience", "export_markets"))


class ProductForm(forms.ModelForm):
    """One product of the nomination. ``id`` says which existing product it edits (None for a new one)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    photo = ImageUploadField(label=_("Photo"), required=False)

    class Meta:
        model = NominationProduct
        fields = ["name", "description", "hs_code"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"hs_code": _("Optional. 4 to 10 digits, e.g. 9018.90.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("id", ("name", "hs_code"), "description", "photo")
        self.helper.form_show_labels = True


class BaseProductFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this product")
            form.helper.layout.append("DELETE")

    def product_rows(self) -> list[dict]:
        """The products as the services take them; forms left empty are skipped."""
        rows = []
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None)
            if not cleaned:
                continue
            delete = bool(cleaned.get("DELETE"))
            if delete and not cleaned.get("id"):
                continue
            rows.append(
                {
                    "id": cleaned.get("id"),
                    "name": cleaned.get("name", ""),
                    "description": cleaned.get("description", ""),
                    "hs_code": cleaned.get("hs_code", ""),
                    "photo": cleaned.get("photo"),
                    "delete": delete,
                }
            )
        return rows


ProductFormSet = forms.formset_factory(
    ProductForm,
    formset=BaseProductFormSet,
    extra=0,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_PRODUCTS,
    validate_max=True,
    absolute_max=MAX_PRODUCTS,
)


def product_formset(*, nomination: Nomination, data=None, files=None) -> BaseProductFormSet:
    """The products of ``nomination`` and up to two empty forms for new ones, never more than ``MAX_PRODUCTS``."""
    products = list(nomination.products.all())
    initial = [
        {"id": product.pk, "name": product.name, "description": product.description, "hs_code": product.hs_code}
        for product in products
    ]
    formset = ProductFormSet(
        data=data,
        files=files,
        initial=initial,
        prefix="products",
        form_kwargs={"empty_permitted": True},
    )
    formset.extra = min(1 if products else 2, MAX_PRODUCTS - len(products))
    for index, form in enumerate(formset.forms):
        # The template shows each saved product's photo beside its form.
        form.product = products[index] if index < len(products) else None
    return formset


class JustificationForm(NominationStepForm):
    step = Nomination.Step.JUSTIFICATION

    class Meta:
        model = Nomination
        fields = STEP_FIELDS[Nomination.Step.JUSTIFICATION]
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 6}),
            "requested_stall_size": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_stall_size"].choices = StallSize.choices
        self.helper = _helper("justification", "requested_stall_size", "wants_women_pavilion")

    def clean_wants_women_pavilion(self):
        wants = self.cleaned_data["wants_women_pavilion"]
        if wants and not self.instance.women_led:
            raise forms.ValidationError(
                _(
                    "Only women-led enterprises can be placed in the women entrepreneurs pavilion. "
                    "Tick “women-led” at step 2 first."
                )
            )
        return wants


STEP_FORMS = {
    Nomination.Step.ENTERPRISE: EnterpriseForm,
    Nomination.Step.OWNER: OwnerForm,
    Nomination.Step.PRODUCTS: ProductsForm,
    Nomination.Step.JUSTIFICATION: JustificationForm,
}
