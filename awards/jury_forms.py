"""Forms of the jury: a juror's score sheet (one score and comment per criterion of the round's rubric, or an
abstention with a reason) and a declaration of conflict. The sheet's rules are checked by ``jury.sheet_save``;
the form only reads the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HIGHEST_SCORE, LOWEST_SCORE, Candidate, Criterion, Score, ScoreSheet


class ScoreSheetForm(forms.Form):
    abstain = forms.BooleanField(label=_("I abstain from scoring this candidate"), required=False)
    abstain_reason = forms.CharField(
        label=_("Why you abstain"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, criteria: list[Criterion], sheet: ScoreSheet | None, scores: dict[int, Score], **kwargs):
        initial = {}
        if sheet is not None:
            initial = {"abstain": sheet.abstained, "abstain_reason": sheet.abstain_reason}
        for criterion_id, score in scores.items():
            initial[f"score_{criterion_id}"] = score.value
            initial[f"comment_{criterion_id}"] = score.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Score"),
                choices=[("", "—"), *((n, n) for n in range(LOWEST_SCORE, HIGHEST_SCORE + 1))],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required for a score of 1–2 or 9–10."),
            )

    def rows(self):
        """Each criterion with its score and comment fields, for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def values(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}") or "")
            for c in self.criteria
        }


class DeclarationForm(forms.Form):
    candidate = forms.ModelChoiceField(label=_("Candidate"), queryset=Candidate.objects.none())
    reason = forms.CharField(
        label=_("What ties you to this candidate"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates
        self.fields["candidate"].label_from_instance = lambda c: f"{c.exhibitor.name} — {c.category.display_name}"
