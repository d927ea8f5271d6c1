"""A juror flagged as conflicted after scoring: the sheet is left out of the leaderboards, the normalisation and the
results, shown to the secretariat as excluded with the reason, and counts again once the flag is cleared; the
automatic assignment gives the candidate another juror and no longer counts the flagged assignment as a load."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import jury, leaderboards
from awards.models import Assignment, ConflictFlag, Result, Score, ScoreSheet
from expo import roles
from tests.awards.jury import assign, juror_with_account, round_with_rubric
from tests.awards.scored import NAMES, scored_round
from tests.awards.test_leaderboards import _explanations, _rows
from tests.conftest import staff_member
from tests.factories import AwardCandidateFactory, AwardCategoryFactory, ExhibitorFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# The hand example (``tests.awards.scored``) without the harsh juror's sheet for the first candidate. The harsh
# juror's weighted scores are then 2 and 1 over two candidates: z = +1, −1. The lenient juror's stay −0.2673,
# +1.3363, −1.0690; the third juror's +1, −1. Means: first (−0.2673 + 1) / 2 = 0.366, second (1 + 1.3363 − 1) / 3
# = 0.445, third (−1 − 1.0690) / 2 = −1.035. Raw: first (8 + 7) / 2 = 7.5, second 6, third 4.
WITHOUT_HARSH_ON_FIRST = {
    "normalised": [
        ["1", "Gujranwala Fans", "Winner", "0.445"],
        ["2", "Sialkot Surgical Works", "Runner-up", "0.366"],
        ["3", "Faisalabad Weavers", "", "-1.035"],
    ],
    "raw": [
        ["1", "Sialkot Surgical Works", "Winner", "7.500"],
        ["2", "Gujranwala Fans", "Runner-up", "6.000"],
        ["3", "Faisalabad Weavers", "", "4.000"],
    ],
}
HAND_EXAMPLE_NORMALISED = [
    ["1", "Sialkot Surgical Works", "Winner", "0.652"],
    ["2", "Gujranwala Fans", "Runner-up", "0.112"],
    ["3", "Faisalabad Weavers", "", "-1.147"],
]


@pytest.fixture
def secretary():
    return staff_member(roles.AWARDS_SECRETARIAT)


@pytest.fixture
def scored(category, exhibitor):
    """The hand example, its first candidate being the chamber's exhibitor (Sialkot Surgical Works)."""
    category.winners, category.runners_up = 1, 1
    category.save()
    others = [ExhibitorFactory(nomination__expo=category.expo, name=name) for name in NAMES[1:]]
    return scored_round(category, exhibitors=[exhibitor, *others])


def _flag_harsh_by_the_admin_action(client, scored, chamber):
    """The harsh juror joins the first candidate's trade body after scoring; the secretariat looks for conflicts."""
    harsh = scored.jurors["harsh"]
    MembershipFactory(trade_body=chamber, user=harsh.user)
    response = client.post(
        reverse("admin:awards_juror_changelist"),
        {"action": "find_conflicts", "_selected_action": [harsh.pk]},
        follow=True,
    )
    assert "1 new conflict flag." in response.content.decode()
    return ConflictFlag.objects.get(juror=harsh)


def _leaderboard(client, scored) -> str:
    response = client.get(reverse("awards_staff_leaderboard", args=[scored.round.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_sheet_flagged_after_scoring_is_excluded_with_its_reason_until_the_flag_is_cleared(
    client, scored, secretary, chamber
):
    client.force_login(secretary)
    flag = _flag_harsh_by_the_admin_action(client, scored, chamber)

    html = _leaderboard(client, scored)
    assert _rows(html, "normalised") == WITHOUT_HARSH_ON_FIRST["normalised"]
    assert _rows(html, "raw") == WITHOUT_HARSH_ON_FIRST["raw"]
    reason = (
        "Member of the candidate&#x27;s trade body: The juror is a member of Sialkot Chamber of Commerce and "
        "Industry, the candidate&#x27;s trade body."
    )
    excluded = html.split('data-testid="excluded"', 1)[1].split("</table>", 1)[0]
    assert excluded.count('data-testid="excluded-sheet"') == 1
    assert "Juror harsh" in excluded
    assert "Sialkot Surgical Works" in excluded
    assert reason in excluded
    assert "1 submitted sheet does not count" in html
    explanation = _explanations(html, "raw")[0]
    assert "mean weighted score 7.500 over 2 jurors" in explanation
    assert "Juror harsh: not counted, an open conflict flag (Member of the candidate's trade body" in explanation

    # Cleared with a reason by the secretariat: the sheet counts again, the hand example comes back.
    response = client.post(
        reverse("admin:awards_conflictflag_changelist"),
        {"action": "clear_selected", "_selected_action": [flag.pk], "confirm": "yes", "reason": "Joined in 2027."},
    )
    assert response.status_code == 302
    html = _leaderboard(client, scored)
    assert _rows(html, "normalised") == HAND_EXAMPLE_NORMALISED
    assert 'data-testid="excluded"' not in html
    assert "does not count" not in html


def test_clearing_needs_the_permission_and_a_reason_and_the_sheet_stays_excluded_meanwhile(
    client, scored, secretary, chamber
):
    client.force_login(secretary)
    flag = _flag_harsh_by_the_admin_action(client, scored, chamber)
    url = reverse("admin:awards_conflictflag_changelist")
    refused = client.post(url, {"action": "clear_selected", "_selected_action": [flag.pk], "confirm": "yes"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]

    from django.contrib.auth.models import Permission

    viewer = staff_member()
    viewer.user_permissions.add(Permission.objects.get(codename="view_conflictflag"))
    client.force_login(viewer)
    client.post(url, {"action": "clear_selected", "_selected_action": [flag.pk], "confirm": "yes", "reason": "So."})

    client.force_login(secretary)
    assert _rows(_leaderboard(client, scored), "normalised") == WITHOUT_HARSH_ON_FIRST["normalised"]


def test_a_declared_conflict_after_scoring_keeps_the_sheet_out_of_the_approved_results(
    client, scored, secretary, category
):
    harsh = scored.jurors["harsh"]
    jury.conflict_declare(juror=harsh, candidate=scored.candidates[0], reason="My cousin runs it.", by=harsh.user)
    client.force_login(secretary)

    client.post(reverse("awards_staff_results_approve", args=[category.pk]), {"mode": "normalised"})

    results = list(Result.objects.filter(category=category).order_by("rank"))
    assert [(r.rank, r.candidate.exhibitor.name, r.place) for r in results] == [
        (1, "Gujranwala Fans", "winner"),
        (2, "Sialkot Surgical Works", "runner_up"),
    ]
    assert round(results[1].score, 3) == 0.366
    assert "Juror harsh: not counted, an open conflict flag (Declared by the juror: My cousin runs it.)" in (
        results[1].explanation
    )


def test_an_abstention_flagged_afterwards_is_excluded_too(client, scored, secretary, chamber):
    """The third juror abstained on the third candidate; flagged, the abstention is listed as excluded and no
    longer in the explanation as an abstention."""
    third = scored.jurors["third"]
    jury.conflict_declare(juror=third, candidate=scored.candidates[2], reason="I advised it.", by=third.user)
    boards = leaderboards.round_boards(round=scored.round)
    assert [(sheet.juror, sheet.candidate.exhibitor.name) for sheet in boards.excluded] == [
        ("Juror third", "Faisalabad Weavers")
    ]
    [line] = [line for line in boards.normalised.lines if line.candidate == scored.candidates[2]]
    assert not any("abstained" in part for part in line.explanation)
    assert "Juror third: not counted, an open conflict flag (Declared by the juror: I advised it.)" in (
        line.explanation
    )


def test_leaderboard_queries_constant_with_one_or_many_excluded_sheets(client, expo, secretary, chamber):
    client.force_login(secretary)

    def count(round) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("awards_staff_leaderboard", args=[round.pk]))
        assert 'data-testid="excluded"' in response.content.decode()
        return len(queries)

    one = scored_round(AwardCategoryFactory(expo=expo), names=["A1", "A2", "A3"])
    jury.conflict_declare(
        juror=one.jurors["harsh"], candidate=one.candidates[0], reason="Mine.", by=one.jurors["harsh"].user
    )
    many = scored_round(AwardCategoryFactory(expo=expo), names=["B1", "B2", "B3"])
    for key in ("harsh", "lenient"):
        for candidate in many.candidates[:2]:
            jury.conflict_declare(juror=many.jurors[key], candidate=candidate, reason="Mine.", by=many.jurors[key].user)
    assert len(leaderboards.round_boards(round=many.round).excluded) == 4
    assert count(one.round) == count(many.round)


# --- Automatic assignment ---------------------------------------------------------------------------------------


def _submit(assignment: Assignment, round) -> None:
    sheet = ScoreSheet.objects.create(
        assignment=assignment, status=ScoreSheet.Status.SUBMITTED, submitted_at=timezone.now()
    )
    for criterion in round.criteria.all():
        Score.objects.create(sheet=sheet, criterion=criterion, value=5)


def _auto(client, round):
    return client.post(
        reverse("admin:awards_round_changelist"),
        {"action": "assign_automatically", "_selected_action": [round.pk]},
        follow=True,
    )


def test_automatic_assignment_replaces_a_juror_flagged_after_scoring_whose_sheet_no_longer_counts(
    client, secretary, category, exhibitor, expo, chamber
):
    round = round_with_rubric(category, k=2)
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor)
    jurors = [juror_with_account(expo, round=round, name=f"Juror {n}") for n in range(3)]
    scored_early = assign(jurors[0], candidate, round)
    _submit(scored_early, round)
    MembershipFactory(trade_body=chamber, user=jurors[0].user)  # flagged at the next look for conflicts
    client.force_login(secretary)

    _auto(client, round)

    assert ConflictFlag.objects.filter(juror=jurors[0], candidate=candidate, cleared_at__isnull=True).exists()
    assert Assignment.objects.filter(pk=scored_early.pk).exists()  # kept, with its sheet, for the record
    counting = set(Assignment.objects.filter(candidate=candidate).exclude(juror=jurors[0]).values_list("juror_id"))
    assert counting == {(jurors[1].pk,), (jurors[2].pk,)}
    for assignment in Assignment.objects.exclude(pk=scored_early.pk):
        _submit(assignment, round)
    jury.round_close(round=round, by=secretary)

    boards = leaderboards.round_boards(round=round)
    [line] = boards.raw.lines
    assert line.jurors == 2
    assert [sheet.juror for sheet in boards.excluded] == ["Juror 0"]
    assert leaderboards.round_progress(round=round)["excluded"] == 1


def test_automatic_assignment_counts_no_load_for_an_assignment_flagged_elsewhere(
    client, secretary, expo, exhibitor, chamber
):
    """Juror A holds two assignments in another open round, both flagged since: they are no load of A's, so the
    two candidates here go one to A and one to B rather than both to B."""
    elsewhere = round_with_rubric(AwardCategoryFactory(expo=expo, name="Elsewhere"), k=1)
    here = round_with_rubric(AwardCategoryFactory(expo=expo, name="Here"), k=1)
    a = juror_with_account(expo, round=here, name="A")
    juror_with_account(expo, round=here, name="B")
    for _ in range(2):
        flagged = AwardCandidateFactory(category=elsewhere.category, exhibitor=ExhibitorFactory(nomination__expo=expo))
        _submit(assign(a, flagged, elsewhere), elsewhere)
        jury.conflict_declare(juror=a, candidate=flagged, reason="Since joined its board.", by=a.user)
    for _ in range(2):
        AwardCandidateFactory(category=here.category, exhibitor=ExhibitorFactory(nomination__expo=expo))
    client.force_login(secretary)

    _auto(client, here)

    loads = Counter(Assignment.objects.filter(round=here).values_list("juror__name", flat=True))
    assert loads == {"A": 1, "B": 1}
