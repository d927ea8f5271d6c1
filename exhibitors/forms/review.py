"""Forms of the staff review in the Django admin (hence its widgets): a reviewer's rubric, decisions.

They validate only; the admin views hand the cleaned data to ``services.review_save`` and
``services.nomination_decide`` / ``nominations_decide``, which check the rules again.
"""

from django import forms
from django.contrib.admin.widgets import AdminRadioSelect
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from expo.models import TradeBody

from ..models import Nomination, Review, ReviewCriterion

Status = Nomination.Status

SCORE_CHOICES = [
    (1, _("1 – poor")),
    (2, _("2 – weak")),
    (3, _("3 – fair")),
    (4, _("4 – good")),
    (5, _("5 – excellent")),
]
SCORE_PREFIX = "score_"
REASON_REQUIRED = _("Give the trade body a reason for waitlisting or rejecting.")


class ReviewForm(forms.Form):
    """One reviewer's scores on an edition's rubric (one field per criterion, 1–5) and a comment.

    ``criteria`` are the edition's ``ReviewCriterion`` rows in order; ``review`` is the
    reviewer's earlier review, whose scores and comment fill the form.
    """

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Seen by SMEDA staff only, not by the trade body."),
    )

    def __init__(self, *args, criteria: list[ReviewCriterion], review: Review | None = None, **kwargs):
        if review is not None:
            kwargs.setdefault(
                "initial",
                {
                    "comment": review.comment,
                    **{f"{SCORE_PREFIX}{key}": value for key, value in review.scores.items()},
                },
            )
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"{SCORE_PREFIX}{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=AdminRadioSelect(attrs={"class": "radiolist inline"}),
                help_text=_("Weight %(weight)s") % {"weight": floatformat(criterion.weight, "-2")},
                error_messages={"required": _("Score this criterion from 1 to 5.")},
            )
        self.order_fields([*(f"{SCORE_PREFIX}{criterion.key}" for criterion in criteria), "comment"])

    def scores(self) -> dict[str, int]:
        """The cleaned scores keyed by criterion key, as ``services.review_save`` takes them."""
        return {criterion.key: self.cleaned_data[f"{SCORE_PREFIX}{criterion.key}"] for criterion in self.criteria}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"{SCORE_PREFIX}{criterion.key}"] for criterion in self.criteria]


class DecisionForm(forms.Form):
    """Approve, waitlist or reject one nomination, with the reason the trade body is told."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Status.APPROVED, _("Approve")), (Status.WAITLISTED, _("Waitlist")), (Status.REJECTED, _("Reject"))],
        widget=AdminRadioSelect(attrs={"class": "radiolist inline"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Sent to the trade body. Required to waitlist or reject."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in (Status.WAITLISTED, Status.REJECTED) and not cleaned.get("reason", "").strip():
            self.add_error("reason", REASON_REQUIRED)
        return cleaned


class BulkDecisionForm(forms.Form):
    """The reason given with a decision on several nominations; the decision is the admin action chosen."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Sent to each trade body."),
    )

    def __init__(self, *args, decision: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        if decision != Status.APPROVED:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = REASON_REQUIRED
            self.fields["reason"].help_text = _("Sent to each trade body. Required to waitlist or reject.")

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if self.decision != Status.APPROVED and not reason:
            raise forms.ValidationError(REASON_REQUIRED)
        return reason


class TradeBodyChoiceForm(forms.Form):
    """The trade body whose spreadsheet staff upload."""

    trade_body = forms.ModelChoiceField(
        label=_("Trade body"), queryset=TradeBody.objects.filter(is_active=True).order_by("name")
    )
