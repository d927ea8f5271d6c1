"""Helpers of the jury's tests: a round with a rubric, jurors with their accounts, sheets posted as a juror would."""

from django.contrib.auth.models import Group

from awards.access import JURORS
from awards.models import Assignment, PanelMembership
from tests.conftest import staff_groups_ensure, with_totp
from tests.factories import AwardCriterionFactory, AwardRoundFactory, JurorFactory, UserFactory


def round_with_rubric(category, *, k: int = 2, kind: str = "final"):
    """A round of ``category`` scored on two criteria, each with its score bands described."""
    round = AwardRoundFactory(category=category, kind=kind, jurors_per_candidate=k)
    for n, name in enumerate(["Export growth", "Innovation"]):
        AwardCriterionFactory(
            round=round,
            name=name,
            order=n,
            weight=2 - n,
            band_1_2=f"{name}: none to speak of",
            band_9_10=f"{name}: best in the country",
        )
    return round


def juror_with_account(expo, *, round=None, mfa: bool = True, email: str | None = None, **kwargs):
    """A juror of ``expo`` whose account accepted the invitation (a member, in the jurors' group), on ``round``'s
    panel when given; with an authenticator unless ``mfa`` is false. ``juror.user`` is the account."""
    staff_groups_ensure()
    juror = JurorFactory(expo=expo, **({"email": email} if email else {}), **kwargs)
    user = UserFactory(email=juror.email)
    juror.members.add(user)
    user.groups.add(Group.objects.get(name=JURORS))
    if mfa:
        with_totp(user)
    if round is not None:
        PanelMembership.objects.create(juror=juror, round=round)
    juror.user = user
    return juror


def assign(juror, candidate, round) -> Assignment:
    return Assignment.objects.create(juror=juror, candidate=candidate, round=round)


def sheet_data(round, scores: dict[str, tuple[int | str, str]] | None = None, **extra) -> dict:
    """The scoring form's POST: ``scores`` maps a criterion's name to (score, comment)."""
    data = {}
    for criterion in round.criteria.all():
        value, comment = (scores or {}).get(criterion.name, ("", ""))
        data[f"score_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = comment
    return {**data, **extra}
