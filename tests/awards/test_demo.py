"""The demo awards load with the demo command, twice without duplicates, each candidate checked against its rules."""

import pytest
from django.core.management import call_command

from awards.models import Candidate, Category, Criterion, Round

pytestmark = pytest.mark.django_db


def test_demo_awards_load_twice_with_eligible_candidates():
    call_command("load_demo")
    counts = (Category.objects.count(), Round.objects.count(), Criterion.objects.count(), Candidate.objects.count())
    call_command("load_demo")

    assert (
        (
            Category.objects.count(),
            Round.objects.count(),
            Criterion.objects.count(),
            Candidate.objects.count(),
        )
        == counts
        == (3, 6, 24, 4)
    )
    women = Candidate.objects.get(category__name="Woman entrepreneur of the year")
    assert (women.exhibitor.name, women.route, women.eligible) == ("Zahra Sports", "trade_body", True)
    assert set(Candidate.objects.values_list("eligible", flat=True)) == {True}
