"""Forms of the outcome pages and the one-click answers. They only validate; the services decide the rest."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Currency, Lead, NextStep
from .outcomes import MAX_VALUE


class ValueFields(forms.Form):
    value_amount = forms.DecimalField(
        label=_("Estimated value"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=MAX_VALUE,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    value_currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.PKR)


class OutcomeForm(ValueFields):
    """One side's outcome of a lead. The rating (how hot the contact is) is the exhibitor's own judgement."""

    status = forms.ChoiceField(label=_("Status"), choices=Lead.Status.choices)
    next_step = forms.ChoiceField(label=_("Next step"), choices=[("", "—"), *NextStep.choices], required=False)
    rating = forms.ChoiceField(label=_("Interest"), choices=[("", "—"), *Lead.Rating.choices], required=False)
    interest_product = forms.CharField(label=_("Product of interest"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["status", "next_step", "rating", "interest_product", "value_amount", "value_currency", "note"]

    def __init__(self, *args, lead: Lead | None, exhibitor_side: bool, **kwargs):
        if lead is not None:
            kwargs.setdefault(
                "initial",
                {
                    "status": lead.status,
                    "next_step": lead.next_step,
                    "rating": lead.rating,
                    "interest_product": lead.interest_product,
                    "value_amount": lead.value_amount,
                    "value_currency": lead.value_currency,
                },
            )
        super().__init__(*args, **kwargs)
        if not exhibitor_side:
            del self.fields["rating"]

    def outcome(self, lead: Lead | None) -> dict:
        """The keyword arguments of ``outcomes.lead_outcome_record``; a side without a rating keeps the lead's."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "next_step": data["next_step"],
            "rating": data.get("rating", lead.rating if lead else ""),
            "interest_product": data["interest_product"],
            "value_amount": data["value_amount"],
            "value_currency": data["value_currency"],
            "note": data["note"],
        }


class AnswerForm(ValueFields):
    """The page behind a one-click link: the answer is in the link; the value is optional, except for "value"."""

    def __init__(self, *args, value_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_amount"].required = value_required
