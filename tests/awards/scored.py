"""A closed final round scored by hand (the example the leaderboard tests compute on paper), for the results'
and certificates' tests too.

Two criteria, growth (weight 2) and quality (weight 1); three jurors: a harsh one (weighted 3, 2, 1), a lenient one
(8, 10, 7) and one who scores the first two candidates 7 and 6 and abstains on the third. By hand:

- normalised: harsh z = +1.2247, 0, −1.2247; lenient z = −0.2673, +1.3363, −1.0690; the third +1, −1. Means:
  first 0.652, second 0.112, third −1.147.
- raw: first (3 + 8 + 7) / 3 = 6.000, second (2 + 10 + 6) / 3 = 6.000, third (1 + 7) / 2 = 4.000; the tie goes
  to the first, ranked first by two jurors against one.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.utils import timezone

from awards.access import JURORS
from awards.models import Assignment, Candidate, Round, Score, ScoreSheet
from tests.conftest import staff_groups_ensure, with_totp
from tests.factories import (
    AwardCandidateFactory,
    AwardCriterionFactory,
    AwardRoundFactory,
    ExhibitorFactory,
    JurorFactory,
    UserFactory,
)

# (juror, candidate index) → (growth, quality), or None for an abstention
HAND_EXAMPLE = {
    ("harsh", 0): (4, 1),
    ("harsh", 1): (2, 2),
    ("harsh", 2): (1, 1),
    ("lenient", 0): (8, 8),
    ("lenient", 1): (10, 10),
    ("lenient", 2): (7, 7),
    ("third", 0): (7, 7),
    ("third", 1): (6, 6),
    ("third", 2): None,
}
NAMES = ["Sialkot Surgical Works", "Gujranwala Fans", "Faisalabad Weavers"]


@dataclass
class Scored:
    round: Round
    candidates: list[Candidate]
    jurors: dict


def scored_round(category, *, closed: bool = True, names=NAMES, exhibitors=None) -> Scored:
    """``category``'s final round, scored as ``HAND_EXAMPLE`` says (every sheet submitted), closed unless not."""
    staff_groups_ensure()
    round = AwardRoundFactory(category=category, kind=Round.Kind.FINAL, jurors_per_candidate=3)
    growth = AwardCriterionFactory(round=round, name="Growth", weight=2, order=0)
    quality = AwardCriterionFactory(round=round, name="Quality", weight=1, order=1)
    exhibitors = exhibitors or [ExhibitorFactory(nomination__expo=category.expo, name=name) for name in names]
    candidates = [AwardCandidateFactory(category=category, exhibitor=exhibitor) for exhibitor in exhibitors]
    jurors = {}
    for key in ("harsh", "lenient", "third"):
        juror = JurorFactory(expo=category.expo, name=f"Juror {key}")
        user = UserFactory(email=juror.email)
        juror.members.add(user)
        user.groups.add(Group.objects.get(name=JURORS))
        with_totp(user)
        juror.user = user
        jurors[key] = juror
    for (key, index), values in HAND_EXAMPLE.items():
        assignment = Assignment.objects.create(juror=jurors[key], candidate=candidates[index], round=round)
        sheet = ScoreSheet.objects.create(
            assignment=assignment,
            status=ScoreSheet.Status.SUBMITTED,
            submitted_at=timezone.now(),
            abstained=values is None,
            abstain_reason="I advised this firm last year." if values is None else "",
        )
        if values is not None:
            Score.objects.create(sheet=sheet, criterion=growth, value=values[0])
            Score.objects.create(sheet=sheet, criterion=quality, value=values[1])
    if closed:
        round.closed_at = timezone.now()
        round.save(update_fields=["closed_at"])
    return Scored(round=round, candidates=candidates, jurors=jurors)
