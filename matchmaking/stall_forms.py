"""Forms of the stall's lead capture. They only validate; the views hand ``cleaned_data`` to ``stall_leads``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Lead, NextStep


class LeadInterestForm(forms.Form):
    """What booth staff note of a visitor: a rating, the product, the quantity, the next step and a note."""

    rating = forms.ChoiceField(label=_("Rating"), choices=[("", "—"), *Lead.Rating.choices], required=False)
    interest_product = forms.CharField(label=_("Product of interest"), max_length=200, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=100, required=False)
    next_step = forms.ChoiceField(label=_("Next step"), choices=[("", "—"), *NextStep.choices], required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def interest(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("rating", "interest_product", "quantity", "next_step")}


class StallScanForm(LeadInterestForm):
    """One scan as the phone uploads it: the badge code, the id the phone gave it and when it was made."""

    code = forms.CharField(label=_("Badge code or number"), max_length=200)
    scan_id = forms.UUIDField()
    scanned_at = forms.DateTimeField(required=False)
