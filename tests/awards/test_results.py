"""Results: the secretariat approves the winners and runners-up from the final round's leaderboard, publishes
them, and the public sees only what is published (the awards page, the profile, the floor plan); the running
order for the ceremony; and who may not do any of it."""

import pytest
from django.urls import reverse

from awards.models import Result
from expo import roles
from pavilions.models import StallAllocation
from tests.awards.scored import scored_round
from tests.conftest import staff_member
from tests.factories import AwardCategoryFactory, HallFactory, PavilionFactory, StallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return staff_member(roles.AWARDS_SECRETARIAT)


@pytest.fixture
def scored(category):
    category.winners, category.runners_up = 1, 1
    category.save()
    return scored_round(category)


def _approve(client, category, mode="normalised"):
    return client.post(reverse("awards_staff_results_approve", args=[category.pk]), {"mode": mode}, follow=True)


def test_secretariat_approves_from_the_normalised_or_the_raw_leaderboard(client, category, scored, secretary):
    client.force_login(secretary)
    response = _approve(client, category)
    assert "The results of Best export newcomer are approved." in response.content.decode()
    results = list(Result.objects.filter(category=category).order_by("rank"))
    assert [(r.rank, r.candidate.exhibitor.name, r.place, r.mode) for r in results] == [
        (1, "Sialkot Surgical Works", "winner", "normalised"),
        (2, "Gujranwala Fans", "runner_up", "normalised"),
    ]
    assert round(results[0].score, 3) == 0.652
    assert "mean z-score 0.652 over 3 jurors" in results[0].explanation
    assert results[0].approved_by == secretary
    assert results[0].published_at is None
    # Approving again from the raw leaderboard replaces the unpublished approval.
    _approve(client, category, "raw")
    results = list(Result.objects.filter(category=category).order_by("rank"))
    assert [(r.rank, r.mode, round(r.score, 3)) for r in results] == [(1, "raw", 6.0), (2, "raw", 6.0)]
    assert "placed by the jurors who ranked it first (2)" in results[0].explanation


def test_approval_refused_before_the_final_round_closes(client, category, secretary):
    scored_round(category, closed=False)
    client.force_login(secretary)
    response = _approve(client, category)
    assert "The final round must be closed before its winners are approved." in response.content.decode()
    assert not Result.objects.exists()


def test_approval_with_an_unknown_mode_saves_nothing(client, category, scored, secretary):
    client.force_login(secretary)
    response = _approve(client, category, "loudest")
    assert "Choose the normalised or the raw leaderboard." in response.content.decode()
    assert not Result.objects.exists()


def test_published_results_cannot_be_approved_again(
    client, category, scored, secretary, django_capture_on_commit_callbacks
):
    client.force_login(secretary)
    _approve(client, category)
    client.post(reverse("awards_staff_results_publish"), {"category": category.pk})
    response = _approve(client, category, "raw")
    assert "they can no longer change" in response.content.decode()
    assert set(Result.objects.values_list("mode", flat=True)) == {"normalised"}


def test_public_page_shows_only_published_winners_and_is_renewed_on_publication(
    client, expo, category, scored, secretary, django_capture_on_commit_callbacks
):
    other = AwardCategoryFactory(expo=expo, name="Micro enterprise of the year")
    scored_round(other, names=["Peshawar Chappals", "Quetta Carpets", "Multan Pottery"])
    url = reverse("awards_public")
    before = client.get(url).content.decode()  # kept in the cache for anonymous visitors
    assert "The winners will be announced at the awards ceremony." in before

    client.force_login(secretary)
    _approve(client, category)
    _approve(client, other)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("awards_staff_results_publish"), {"category": category.pk}, follow=True)
    assert "2 results published" in response.content.decode()
    client.logout()

    page = client.get(url).content.decode()
    assert "Sialkot Surgical Works" in page
    assert "Gujranwala Fans" in page
    assert "Best export newcomer" in page
    # Approved but not published: not shown.
    assert "Micro enterprise of the year" not in page
    assert "Peshawar Chappals" not in page
    urdu = client.get(url, headers={"cookie": "django_language=ur"})
    assert urdu.status_code == 200
    assert "Sialkot Surgical Works" in urdu.content.decode()


def test_winner_shown_on_its_profile_and_hall_plan(
    client, expo, category, scored, secretary, django_capture_on_commit_callbacks
):
    winner = scored.candidates[0].exhibitor
    hall = HallFactory(expo=expo)
    stall = StallFactory(pavilion=PavilionFactory(hall=hall), code="H1-A-007")
    StallAllocation.objects.create(stall=stall, exhibitor=winner)
    profile = reverse("directory_detail", args=[winner.slug])
    plan = reverse("floor_plan_hall", args=[hall.code])
    assert 'data-testid="award"' not in client.get(profile).content.decode()
    assert 'data-testid="hall-awards"' not in client.get(plan).content.decode()

    client.force_login(secretary)
    _approve(client, category)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("awards_staff_results_publish"), {})
    client.logout()

    assert "Winner: Best export newcomer" in client.get(profile).content.decode()
    assert "Sialkot Surgical Works (Winner, Best export newcomer, H1-A-007)" in client.get(plan).content.decode()


def test_running_order_calls_runners_up_then_winners_with_stalls(client, expo, category, scored, secretary):
    stall = StallFactory(pavilion=PavilionFactory(hall=HallFactory(expo=expo)), code="H1-A-011")
    StallAllocation.objects.create(stall=stall, exhibitor=scored.candidates[0].exhibitor)
    client.force_login(secretary)
    _approve(client, category)
    html = client.get(reverse("awards_staff_running_order")).content.decode()
    runner_up = html.index("Runner-up</td><td>Gujranwala Fans</td><td>—</td>")
    winner = html.index("Winner</td><td>Sialkot Surgical Works</td><td>H1-A-011</td>")
    assert runner_up < winner


@pytest.mark.parametrize("who", ["anonymous", "floor_manager", "juror", "exhibitor"])
def test_results_pages_refused(client, category, scored, who, exhibitor_member):
    if who == "floor_manager":
        client.force_login(staff_member(roles.FLOOR_MANAGERS))
    elif who == "juror":
        client.force_login(scored.jurors["harsh"].user)
    elif who == "exhibitor":
        client.force_login(exhibitor_member)
    for url in (reverse("awards_staff_results"), reverse("awards_staff_running_order")):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("awards_staff_results_approve", args=[category.pk]), {"mode": "raw"})
    assert response.status_code == 404
    response = client.post(reverse("awards_staff_results_publish"), {})
    assert response.status_code == 404
    assert not Result.objects.exists()


def test_public_page_and_running_order_queries_constant_in_the_number_of_results(
    client, expo, category, scored, secretary
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client.force_login(secretary)
    _approve(client, category)
    Result.objects.update(published_at=timezone.now())

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [reverse("awards_public"), reverse("awards_staff_running_order")]
    before = [count(url) for url in urls]
    for name in ("Micro enterprise of the year", "Export excellence"):
        other = AwardCategoryFactory(expo=expo, name=name, runners_up=1)
        scored_round(other, names=[f"{name} {n}" for n in range(3)])
        _approve(client, other)
    Result.objects.update(published_at=timezone.now())
    assert Result.objects.count() == 6
    assert [count(url) for url in urls] == before


def test_results_reads_are_selectors_and_the_results_module_only_writes():
    """``awards.results`` approves and publishes; what the pages read of the results is in ``awards.selectors``."""
    import inspect

    from awards import results, selectors

    writes = {
        name
        for name, value in vars(results).items()
        if inspect.isfunction(value) and value.__module__ == results.__name__
    }
    assert writes == {"results_approve", "results_publish", "results_changed"}
    for read in (
        "results_of_expo",
        "published_results",
        "published_by_category",
        "running_order",
        "categories_for_results",
    ):
        assert callable(getattr(selectors, read)), read


def test_selectors_give_the_running_order_and_the_published_winners_by_category(expo, category, scored, secretary):
    from django.utils import timezone

    from awards import results, selectors

    results.results_approve(category=category, mode="normalised", by=secretary)
    order = selectors.running_order(expo=expo)
    assert [(c, [r.candidate.exhibitor.name for r in rs]) for c, rs in order] == [
        (category, ["Gujranwala Fans", "Sialkot Surgical Works"])
    ]
    assert selectors.published_by_category(expo=expo) == []
    Result.objects.filter(rank=1).update(published_at=timezone.now())
    [(published_category, [winner])] = selectors.published_by_category(expo=expo)
    assert (published_category, winner.candidate.exhibitor.name) == (category, "Sialkot Surgical Works")


def test_staff_results_and_rounds_pages_queries_constant_in_categories_and_results(
    client, expo, category, scored, secretary
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretary)
    _approve(client, category)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert "Best export newcomer" in response.content.decode()
        return len(queries)

    urls = [reverse("awards_staff_results"), reverse("awards_staff_rounds")]
    before = [count(url) for url in urls]
    for name in ("Micro enterprise of the year", "Export excellence"):
        other = AwardCategoryFactory(expo=expo, name=name, runners_up=1)
        scored_round(other, names=[f"{name} {n}" for n in range(3)])
        _approve(client, other)
    assert Result.objects.count() == 6
    assert [count(url) for url in urls] == before
