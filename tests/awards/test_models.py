"""The awards tables refuse what no service should write, and the migrations grant the roles their permissions."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from awards.models import Assignment, Candidate, EligibilityOverride, Score, ScoreSheet
from expo import roles
from tests.factories import (
    AwardAssignmentFactory,
    AwardCandidateFactory,
    AwardCriterionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def _refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_assignment_twice_for_the_same_juror_candidate_and_round_refused():
    assignment = AwardAssignmentFactory()
    assert _refused(
        lambda: Assignment.objects.create(
            juror=assignment.juror, candidate=assignment.candidate, round=assignment.round
        )
    )
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize(("value", "refused"), [(0, True), (1, False), (10, False), (11, True)])
def test_score_outside_1_to_10_refused(value, refused):
    assignment = AwardAssignmentFactory()
    criterion = AwardCriterionFactory(round=assignment.round)
    sheet = ScoreSheet.objects.create(assignment=assignment)
    assert _refused(lambda: Score.objects.create(sheet=sheet, criterion=criterion, value=value)) is refused


def test_score_sheets_and_scores_list_in_their_default_order():
    assignment = AwardAssignmentFactory()
    criterion = AwardCriterionFactory(round=assignment.round)
    sheet = ScoreSheet.objects.create(assignment=assignment)
    score = Score.objects.create(sheet=sheet, criterion=criterion, value=7)

    assert list(ScoreSheet.objects.all()) == [sheet]
    assert list(Score.objects.all()) == [score]


def test_abstention_without_a_reason_refused():
    assignment = AwardAssignmentFactory()
    assert _refused(lambda: ScoreSheet.objects.create(assignment=assignment, abstained=True))
    assert not _refused(
        lambda: ScoreSheet.objects.create(assignment=assignment, abstained=True, abstain_reason="I advised them.")
    )


def test_second_candidacy_in_a_category_refused():
    candidate = AwardCandidateFactory()
    assert _refused(
        lambda: Candidate.objects.create(
            category=candidate.category, exhibitor=candidate.exhibitor, route="self", statement="Again."
        )
    )


def test_eligible_is_the_override_when_there_is_one_and_the_rules_otherwise():
    candidate = AwardCandidateFactory(rules_eligible=False)
    candidate.refresh_from_db()
    assert candidate.eligible is False
    Candidate.objects.filter(pk=candidate.pk).update(override_eligible=True)
    candidate.refresh_from_db()
    assert candidate.eligible is True
    Candidate.objects.filter(pk=candidate.pk).update(override_eligible=None, rules_eligible=True)
    candidate.refresh_from_db()
    assert candidate.eligible is True


def test_override_without_a_reason_refused():
    candidate = AwardCandidateFactory()
    assert _refused(
        lambda: EligibilityOverride.objects.create(
            candidate=candidate, eligible=True, reason="", decided_by=StaffFactory()
        )
    )


def test_secretariat_and_jurors_granted_their_permissions():
    secretariat = {p.codename for p in Group.objects.get(name=roles.AWARDS_SECRETARIAT).permissions.all()}
    assert {
        "add_category",
        "change_candidate",
        "override_eligibility",
        "clear_conflictflag",
        "view_score",
    } <= secretariat
    # Scores are the jurors' own: the secretariat reads them and never writes them.
    assert not {"add_score", "change_score", "change_scoresheet", "change_eligibilityoverride"} & secretariat
    assert {p.codename for p in Group.objects.get(name="Jurors").permissions.all()} == {"score_candidates"}
