"""The demo awards load with the demo command, twice without duplicates: each candidate checked against its rules,
scored by the jury in both rounds, the rounds closed, and the winners and runners-up approved and published."""

import pytest

from awards.models import Assignment, Candidate, Category, Criterion, Result, Round, ScoreSheet
from tests.conftest import demo_load

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Category.objects.count(),
        Round.objects.count(),
        Criterion.objects.count(),
        Candidate.objects.count(),
        Assignment.objects.count(),
        ScoreSheet.objects.count(),
        Result.objects.count(),
    )


def test_demo_awards_load_twice_with_eligible_candidates():
    demo_load()
    counts = _counts()
    demo_load()

    assert _counts() == counts
    assert counts[:4] == (3, 6, 24, 5)
    women = Candidate.objects.get(category__name="Woman entrepreneur of the year")
    assert (women.exhibitor.name, women.route, women.eligible) == ("Zahra Sports", "trade_body", True)
    assert set(Candidate.objects.values_list("eligible", flat=True)) == {True}


def test_demo_jury_scored_every_candidate_in_both_rounds_and_closed_them():
    demo_load()

    assert not Round.objects.filter(closed_at__isnull=True).exists()
    for round_ in Round.objects.all():
        for candidate in Candidate.objects.filter(category=round_.category):
            sheets = ScoreSheet.objects.filter(assignment__round=round_, assignment__candidate=candidate)
            assert sheets.count() == round_.jurors_per_candidate
    sheets = ScoreSheet.objects.all()
    assert set(sheets.values_list("status", "abstained")) == {(ScoreSheet.Status.SUBMITTED, False)}
    assert not sheets.filter(locked_at__isnull=True).exists()
    assert all(sheet.scores.count() == 4 for sheet in sheets)


def test_demo_results_are_published_with_winners_and_runners_up(client):
    demo_load()

    published = Result.objects.filter(published_at__isnull=False, approved_by__isnull=False)
    assert sorted(published.values_list("category__name", "place", "candidate__exhibitor__name")) == [
        ("Export excellence", "runner_up", "Zahra Sports"),
        ("Export excellence", "winner", "Hilal Surgical"),
        ("Micro enterprise of the year", "runner_up", "Zahra Sports"),
        ("Micro enterprise of the year", "winner", "Wazirabad Cutlery House"),
        ("Woman entrepreneur of the year", "winner", "Zahra Sports"),
    ]
    assert Result.objects.count() == published.count()
    winners = client.get("/api/v1/award-winners/").json()["results"]
    assert sorted((w["category"]["name"], w["place"]) for w in winners) == sorted(
        published.values_list("category__name", "place")
    )
    page = client.get("/awards/").content.decode()
    assert "Wazirabad Cutlery House" in page
    assert "Hilal Surgical" in page
