"""Forms of the visitors app. They only validate; the views hand ``cleaned_data`` to the services."""

import datetime
import itertools
from operator import attrgetter

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from exhibitors.models import Exhibitor, phone_validator
from expo.models import Cluster, Expo
from pavilions.models import Pavilion

from .countries import COUNTRIES
from .models import DESIGNATION_REQUIRED, ORGANISATION_REQUIRED, Badge, BadgeType, Category


def _day_choices(expo: Expo) -> list:
    return [(day.isoformat(), formats.date_format(day, "l j F")) for day in expo.days]


class DaysField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=datetime.date.fromisoformat, widget=forms.CheckboxSelectMultiple, **kwargs)


class _ClustersBySector(forms.models.ModelChoiceIterator):
    """The clusters as choices grouped under their sector's name in the active language."""

    def __iter__(self):
        for sector, clusters in itertools.groupby(self.queryset, key=attrgetter("sector")):
            yield sector.display_name, [self.choice(cluster) for cluster in clusters]


class InterestsField(forms.ModelMultipleChoiceField):
    """Clusters to tick, by sector: each is named by its city, under its sector's name (in Urdu too)."""

    iterator = _ClustersBySector
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Cluster.objects.select_related("sector").order_by("sector__name", "city"), **kwargs)

    def label_from_instance(self, obj: Cluster) -> str:
        return obj.city


class RegistrationForm(forms.Form):
    category = forms.ChoiceField(label=_("I am visiting as"), choices=[("", "—"), *Category.choices])
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, validators=[phone_validator])
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, help_text=_("Company, institution or publication.")
    )
    designation = forms.CharField(label=_("Designation"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES, initial="PK")
    city = forms.CharField(label=_("City"), max_length=100)
    days = DaysField(label=_("Days I will attend"))
    interests = InterestsField(label=_("Clusters I am interested in"), required=False)
    consent = forms.BooleanField(
        label=_("I agree that my details are used to register me and run the expo, as the privacy notice explains.")
    )
    share_contact_with_exhibitors = forms.BooleanField(
        label=_("Exhibitors who scan my badge at their stall may see my email and phone."),
        required=False,
        help_text=_("Without this, they see only your name and organisation."),
    )
    # Left empty by people; scripts that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, expo: Expo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = _day_choices(expo)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def interest_groups(self) -> list[dict]:
        """The interest checkboxes by sector, as the template draws them: the sector's ``name``, its ``options``
        (the widget's: ``name``, ``value``, ``label``, ``selected``, ``attrs`` with the ``id``) and ``open`` when
        one of them is ticked, so that a form sent back with errors shows what the visitor chose."""
        field = self["interests"]
        widget = field.field.widget
        groups = widget.optgroups(field.html_name, widget.format_value(field.value()), {"id": field.auto_id})
        return [
            {"name": name, "options": options, "open": any(option["selected"] for option in options)}
            for name, options, _index in groups
        ]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if category in ORGANISATION_REQUIRED and not data.get("organisation", "").strip():
            self.add_error("organisation", _("Give the organisation you come from."))
        if category in DESIGNATION_REQUIRED and not data.get("designation", "").strip():
            self.add_error("designation", _("Give your designation in the organisation."))
        return data

    def person(self) -> dict:
        """The cleaned answers as ``services.registration_create`` takes them."""
        data = self.cleaned_data
        fields = ["category", "full_name", "email", "phone", "organisation", "designation", "country", "city"]
        fields.append("share_contact_with_exhibitors")
        return {field: data[field] for field in fields} | {"dates": data["days"], "interests": data["interests"]}


class ChangeDaysForm(forms.Form):
    days = DaysField(label=_("Days I will attend"))

    def __init__(self, *args, expo: Expo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = _day_choices(expo)


class PrintBatchForm(forms.Form):
    """Which badges to print on one sheet: a badge type, a visitor category, one pavilion's or one exhibitor's staff."""

    type = forms.ChoiceField(label=_("Badge type"), choices=[("", _("Any")), *BadgeType.choices], required=False)
    category = forms.ChoiceField(
        label=_("Visitor category"), choices=[("", _("Any")), *Category.choices], required=False
    )
    pavilion = forms.ModelChoiceField(
        label=_("Pavilion"), queryset=None, required=False, help_text=_("The booth staff of its exhibitors.")
    )
    exhibitor = forms.ModelChoiceField(label=_("Exhibitor"), queryset=None, required=False)

    def __init__(self, *args, expo: Expo, **kwargs):
        super().__init__(*args, **kwargs)
        self.expo = expo
        self.fields["pavilion"].queryset = Pavilion.objects.filter(hall__expo=expo).select_related("hall")
        self.fields["exhibitor"].queryset = Exhibitor.objects.filter(expo=expo).order_by("name")

    def badges(self):
        badges = Badge.objects.filter(expo=self.expo, revoked=False)
        data = self.cleaned_data
        if data.get("type"):
            badges = badges.filter(type=data["type"])
        if data.get("category"):
            badges = badges.filter(category=data["category"])
        if data.get("pavilion"):
            badges = badges.filter(booth_staff__exhibitor__stall_allocations__stall__pavilion=data["pavilion"])
        if data.get("exhibitor"):
            badges = badges.filter(booth_staff__exhibitor=data["exhibitor"])
        return badges.distinct()

    def label(self) -> str:
        data = self.cleaned_data
        parts = [
            str(dict(BadgeType.choices).get(data.get("type"), "")),
            str(dict(Category.choices).get(data.get("category"), "")),
            str(data.get("pavilion") or ""),
            str(data.get("exhibitor") or ""),
        ]
        return " · ".join(part for part in parts if part) or str(_("All badges"))


class ScanForm(forms.Form):
    """One scan from a gate page, without its payload: that may be anything a scanner types and is judged as such."""

    scan_id = forms.UUIDField()
    gate = forms.IntegerField(min_value=1)
    scanned_at = forms.DateTimeField(required=False)
