"""Staff forms of the pavilions app: laying out rows of stalls, moving an exhibitor by hand, starting a run."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exhibitors.models import Exhibitor

from . import allocator
from .models import Stall
from .services import DEFAULT_TIME_LIMIT, stall_validate

METRES = {"max_digits": 7, "decimal_places": 2, "min_value": Decimal("0")}


class StallAdminForm(forms.ModelForm):
    """One stall edited by hand: its geometry is checked against its pavilion and the hall's other stalls."""

    class Meta:
        model = Stall
        fields = ["pavilion", "code", "x", "y", "width", "depth", "status", "note"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            candidate = self.instance
            for field in self.Meta.fields:
                setattr(candidate, field, cleaned.get(field))
            candidate._clean_size()
            stall_validate(stall=candidate)
        return cleaned


class StallRowsForm(forms.Form):
    x = forms.DecimalField(label=_("First stall: x (m)"), **METRES)
    y = forms.DecimalField(label=_("First stall: y (m)"), **METRES)
    stall_width = forms.DecimalField(label=_("Stall width (m)"), initial=Decimal("3"), **METRES)
    stall_depth = forms.DecimalField(label=_("Stall depth (m)"), initial=Decimal("3"), **METRES)
    per_row = forms.IntegerField(label=_("Stalls per row"), min_value=1, max_value=60)
    rows = forms.IntegerField(label=_("Rows"), min_value=1, max_value=20, initial=2)
    aisle = forms.DecimalField(label=_("Aisle width (m)"), initial=Decimal("3"), **METRES)
    back_to_back = forms.BooleanField(
        label=_("Rows stand back to back in pairs"),
        required=False,
        initial=True,
        help_text=_("Pairs of rows touch at the back, with an aisle between pairs."),
    )

    def clean(self):
        cleaned = super().clean()
        for field in ("stall_width", "stall_depth"):
            if cleaned.get(field) is not None and cleaned[field] <= 0:
                self.add_error(field, _("Must be more than 0 m."))
        return cleaned


class HandMoveForm(forms.Form):
    exhibitor = forms.ModelChoiceField(label=_("Exhibitor"), queryset=Exhibitor.objects.none())
    stalls = forms.CharField(
        label=_("Stall codes"),
        help_text=_("One stall, or adjacent stalls to merge, separated by commas: H1-B-014, H1-B-015."),
    )

    def __init__(self, *args, expo, **kwargs):
        super().__init__(*args, **kwargs)
        self.expo = expo
        self.fields["exhibitor"].queryset = Exhibitor.objects.filter(expo=expo).order_by("name")

    def clean_stalls(self):
        codes = [code.strip().upper() for code in self.cleaned_data["stalls"].split(",") if code.strip()]
        stalls = list(Stall.objects.filter(pavilion__hall__expo=self.expo, code__in=codes).select_related("pavilion"))
        missing = sorted(set(codes) - {stall.code for stall in stalls})
        if missing:
            raise ValidationError(_("No stall %(codes)s in this expo.") % {"codes": ", ".join(missing)})
        if len(stalls) != len(set(codes)):
            raise ValidationError(_("A stall code matches stalls in several pavilions; edit the codes to be unique."))
        return stalls


class AllocationRunForm(forms.Form):
    same_cluster_adjacent = forms.FloatField(
        label=_("Weight: same cluster side by side"),
        min_value=0,
        max_value=100,
        initial=allocator.Weights.same_cluster_adjacent,
    )
    corner_to_ranked = forms.FloatField(
        label=_("Weight: corner stalls to the highest-ranked"),
        min_value=0,
        max_value=100,
        initial=allocator.Weights.corner_to_ranked,
    )
    trade_body_near = forms.FloatField(
        label=_("Weight: members of a trade body near each other"),
        min_value=0,
        max_value=100,
        initial=allocator.Weights.trade_body_near,
    )
    competitors_facing = forms.FloatField(
        label=_("Penalty: direct competitors facing each other"),
        min_value=0,
        max_value=100,
        initial=allocator.Weights.competitors_facing,
    )
    time_limit = forms.FloatField(
        label=_("Time limit (seconds)"), min_value=1, max_value=600, initial=DEFAULT_TIME_LIMIT
    )
    strict_rank = forms.BooleanField(
        label=_("Strict rank order"),
        required=False,
        help_text=_(
            "Never leave a better-ranked exhibitor out to fit more. Without it, as many exhibitors as possible "
            "are placed first, then the better ranked among them."
        ),
    )

    def weights(self) -> allocator.Weights:
        return allocator.Weights(
            **{key: value for key, value in self.cleaned_data.items() if key not in {"time_limit", "strict_rank"}}
        )
