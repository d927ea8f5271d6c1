"""The public floor plan: every stall labelled, search highlights, private rows stay private, bounded queries."""

import re
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exhibitors import services as exhibitor_services
from pavilions import services
from pavilions.models import Stall, StallAllocation
from tests.factories import (
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorProductFactory,
    HallFactory,
    NominationFactory,
    PavilionFactory,
    StallFactory,
    UserFactory,
)
from tests.realstack import require

pytestmark = pytest.mark.django_db

HALL = reverse("floor_plan_hall", args=["H1"])


def place(pavilion, code, x, y, *, name=None, product=None, listed=True):
    stall = StallFactory(pavilion=pavilion, code=code, x=x, y=y)
    if name:
        nomination = NominationFactory(expo=pavilion.hall.expo, legal_name=name, status="approved")
        exhibitor = ExhibitorFactory(nomination=nomination, listed=listed, slug=name.lower().replace(" ", "-"))
        if product:
            ExhibitorProductFactory(exhibitor=exhibitor, name=product)
        StallAllocation.objects.create(stall=stall, exhibitor=exhibitor)
    return stall


def fill(pavilion, count: int, *, start: int = 0):
    """``count`` allocated stalls in rows of six."""
    for n in range(start, start + count):
        place(pavilion, f"H1-B-{n + 1:03d}", 2 + 3 * (n % 6), 2 + 3 * (n // 6), name=f"Maker {n}", product=f"Ware {n}")


@pytest.fixture
def plan(pavilion):
    place(pavilion, "H1-B-001", 3, 3, name="Hilal Surgical", product="Needle holder")
    place(pavilion, "H1-B-002", 6, 3, name="Zahra Sports", product="Football")
    place(pavilion, "H1-B-003", 9, 3, name="Secret Unlisted Works", listed=False)
    place(pavilion, "H1-B-004", 12, 3)
    return pavilion


def stall_groups(page: str) -> list[str]:
    return re.findall(r'<g class="stall [^"]*"[^>]*>', page)


def test_every_stall_is_drawn_with_a_label_and_a_text_list(client, plan):
    response = client.get(HALL)
    page = response.content.decode()

    assert response.status_code == 200
    assert len(stall_groups(page)) == 4
    assert page.count("<title>H1-B-") == 4
    for code in ("H1-B-001", "H1-B-002", "H1-B-003", "H1-B-004"):
        assert f'aria-label="{code} — ' in page
        assert f"<td>{code}</td>" in page
    assert 'aria-label="H1-B-001 — Hilal Surgical"' in page
    assert '<a href="/exhibitors/hilal-surgical/"' in page


def test_an_unlisted_exhibitor_is_shown_as_free_and_unnamed(client, plan):
    page = client.get(HALL).content.decode()

    assert "Secret Unlisted Works" not in page
    assert 'aria-label="H1-B-003 — Free"' in page


def test_held_and_blocked_stalls_look_free_to_visitors(client, plan):
    Stall.objects.filter(code="H1-B-004").update(status=Stall.Status.BLOCKED, note="Pillar")

    page = client.get(HALL).content.decode()

    assert "stall-blocked" not in page
    assert "Pillar" not in page


@pytest.mark.parametrize(
    ("query", "highlighted"),
    [("needle", ["H1-B-001"]), ("FOOTBALL", ["H1-B-002"]), ("h1-b-004", ["H1-B-004"]), ("secret", [])],
)
def test_search_highlights_the_matching_stalls_without_javascript(client, plan, query, highlighted):
    page = client.get(HALL, {"q": query}).content.decode()

    assert re.findall(r'is-highlighted" id="stall-([\w-]+)"', page) == highlighted


def test_a_search_says_who_stands_at_each_matching_stall(client, plan):
    by_product = client.get(HALL, {"q": "needle"}).content.decode()
    by_code = client.get(HALL, {"q": "h1-b-004"}).content.decode()
    by_sector = client.get(HALL, {"q": "s"}).content.decode()

    assert re.search(r"1 stall matches\.\s+H1-B-001 — Hilal Surgical\s*</p>", by_product)
    assert re.search(r"1 stall matches\.\s+H1-B-004 — Free\s*</p>", by_code)
    assert re.search(r"2 stalls match\.\s+H1-B-001 — Hilal Surgical; H1-B-002 — Zahra Sports\s*</p>", by_sector)


def test_a_search_finds_stalls_in_another_hall(client, expo, plan):
    hall_2 = HallFactory(expo=expo, code="H2", name="Hall 2")
    place(PavilionFactory(hall=hall_2, code="C", clusters=[]), "H2-C-001", 3, 3, name="Karak Honey", product="Honey")

    here = client.get(HALL, {"q": "honey"}).content.decode()
    index = client.get(reverse("floor_plan"), {"q": "honey"})

    assert "Also found in:" in here
    assert '<a href="/floor-plan/H2/?q=honey">Hall 2 (1 stall)</a>' in here
    assert index["Location"] == "/floor-plan/H2/?q=honey"


def test_without_halls_the_plan_says_it_is_not_published_and_unknown_halls_are_404(client, expo):
    assert "not published yet" in client.get(reverse("floor_plan")).content.decode()
    assert client.get(HALL).status_code == 404


def test_halls_of_another_edition_are_not_shown(client, plan):
    other = HallFactory(expo__is_current=False, code="H9")

    assert client.get(reverse("floor_plan_hall", args=[other.code])).status_code == 404


def test_the_page_costs_the_same_queries_with_4_or_60_stalls(client, pavilion, staff_with_mfa):
    """Logged in, so the whole-page cache does not answer; the plan data is built afresh each time."""
    pavilion.width = pavilion.depth = 60
    pavilion.save()
    pavilion.hall.width = pavilion.hall.depth = 80
    pavilion.hall.save()
    client.force_login(staff_with_mfa)
    fill(pavilion, 4)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get(HALL, {"q": "ware"}).status_code == 200
    fill(pavilion, 56, start=4)
    cache.clear()

    with CaptureQueriesContext(connection) as many:
        page = client.get(HALL, {"q": "ware"}).content.decode()

    assert len(stall_groups(page)) == 60
    assert len(many) == len(few)


def test_a_search_is_answered_from_the_cached_plan_data(client, plan, django_assert_num_queries):
    client.get(HALL)

    # The expo (once for view and page shell), the hall, the halls matching and their rows, the halls listed: no
    # stall rows.
    with django_assert_num_queries(5):
        page = client.get(HALL, {"q": "needle"}).content.decode()

    assert re.findall(r'is-highlighted" id="stall-([\w-]+)"', page) == ["H1-B-001"]


def test_anonymous_visitors_get_the_cached_page_until_an_allocation_changes(
    client, plan, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.get(HALL)
    with django_assert_num_queries(0):
        assert "Hilal Surgical" in client.get(HALL).content.decode()

    hilal = StallAllocation.objects.get(stall__code="H1-B-001").exhibitor
    with django_capture_on_commit_callbacks(execute=True):
        services.allocations_release(allocations=StallAllocation.objects.filter(exhibitor=hilal))

    assert "Hilal Surgical" not in client.get(HALL).content.decode()


def test_parameters_the_hall_page_does_not_read_share_one_cache_entry(client, plan, django_assert_num_queries):
    first = client.get(HALL, {"junk": "1"})

    with django_assert_num_queries(0):
        second = client.get(HALL, {"junk": "2"})

    assert second.content == first.content
    assert "junk" not in second.content.decode()


def test_the_pdf_is_drawn_once_whatever_the_query_string(client, plan, django_assert_num_queries):
    first = client.get(reverse("floor_plan_pdf", args=["H1"]), {"x": "1"})

    with django_assert_num_queries(0):
        second = client.get(reverse("floor_plan_pdf", args=["H1"]), {"x": "2"})

    assert first["Content-Type"] == second["Content-Type"] == "application/pdf"
    assert second.content == first.content


def test_signed_in_people_get_the_same_cached_pdf(client, plan):
    anonymous = client.get(reverse("floor_plan_pdf", args=["H1"])).content
    client.force_login(UserFactory())

    with CaptureQueriesContext(connection) as queries:
        signed_in = client.get(reverse("floor_plan_pdf", args=["H1"]), {"x": "3"}).content

    # Drawn afresh, the PDF would read the expo, the hall and its pavilions and stalls again.
    assert not [query for query in queries.captured_queries if "pavilions_" in query["sql"]]
    assert signed_in == anonymous


def test_a_new_exhibitor_name_redraws_the_pdf(client, plan, django_capture_on_commit_callbacks):
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    client.get(reverse("floor_plan_pdf", args=["H1"]))
    hilal = StallAllocation.objects.get(stall__code="H1-B-001").exhibitor
    with django_capture_on_commit_callbacks(execute=True):
        exhibitor_services.exhibitor_update_profile(exhibitor=hilal, data={"name": "Hilal Instruments"})

    pdf = client.get(reverse("floor_plan_pdf", args=["H1"]), {"x": "4"}).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()

    assert "Hilal Instruments" in text


def test_the_printable_plan_is_a_pdf_of_the_listed_exhibitors(client, plan, tmp_path):
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    response = client.get(reverse("floor_plan_pdf", args=["H1"]))
    (tmp_path / "plan.pdf").write_bytes(response.content)

    text = subprocess.run(["pdftotext", str(tmp_path / "plan.pdf"), "-"], capture_output=True, check=True).stdout

    assert response["Content-Type"] == "application/pdf"
    assert "Hilal Surgical" in text.decode()
    assert "H1-B-002" in text.decode()
    assert "Secret Unlisted" not in text.decode()


def test_an_exhibitor_sees_its_own_stall_highlighted_and_no_one_elses(client, plan):
    hilal = StallAllocation.objects.get(stall__code="H1-B-001").exhibitor
    zahra = StallAllocation.objects.get(stall__code="H1-B-002").exhibitor
    user = ExhibitorMembershipFactory(exhibitor=hilal).user
    client.force_login(user)

    page = client.get(hilal.get_absolute_url()).content.decode()

    assert "Your stall: H1-B-001 in Surgical instruments, Hall 1 (9 m²)." in page
    assert re.findall(r'class="stall stall-mine is-highlighted" id="stall-([\w-]+)"', page) == ["H1-B-001"]
    assert client.get(zahra.get_absolute_url()).status_code == 404


def test_an_exhibitor_without_a_stall_is_told_it_comes_later(client, expo):
    exhibitor = ExhibitorFactory(nomination=NominationFactory(expo=expo, status="approved"))
    client.force_login(ExhibitorMembershipFactory(exhibitor=exhibitor).user)

    page = client.get(exhibitor.get_absolute_url()).content.decode()

    assert "Your stall will be shown here once it is allocated." in page


def test_in_urdu_the_page_is_right_to_left_and_the_plan_still_drawn_left_to_right(client, plan):
    client.get(reverse("language_switch", args=["ur"]))

    page = client.get(HALL).content.decode()

    assert '<html lang="ur" dir="rtl">' in page
    assert '<svg id="floor-plan" class="floor-plan" xmlns="http://www.w3.org/2000/svg" direction="ltr"' in page
    assert "تلاش کریں" in page


def _counted_get(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def roomy(pavilion):
    """Room for 60 stalls in rows of six."""
    pavilion.width = pavilion.depth = 60
    pavilion.save()
    pavilion.hall.width = pavilion.hall.depth = 80
    pavilion.hall.save()
    return pavilion


def test_the_exhibitor_dashboard_plan_costs_the_same_queries_with_4_or_60_stalls(client, roomy):
    fill(roomy, 4)
    hilal = StallAllocation.objects.get(stall__code="H1-B-001").exhibitor
    client.force_login(ExhibitorMembershipFactory(exhibitor=hilal).user)
    few = _counted_get(client, hilal.get_absolute_url())
    fill(roomy, 56, start=4)

    assert _counted_get(client, hilal.get_absolute_url()) == few


def test_the_staff_plan_and_a_run_preview_cost_the_same_queries_with_4_or_60_stalls(
    client, roomy, floor_manager, django_capture_on_commit_callbacks
):
    from pavilions.models import AllocationRun

    client.force_login(floor_manager)
    plan_url = reverse("admin:pavilions_hall_plan", args=[roomy.hall.pk])

    def preview_queries() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:pavilions_allocationrun_add"), {
                "same_cluster_adjacent": "3", "corner_to_ranked": "1", "trade_body_near": "1",
                "competitors_facing": "2", "time_limit": "1",
            })  # fmt: skip
        run = AllocationRun.objects.latest("created_at")
        assert run.status == AllocationRun.Status.READY  # so the preview draws every hall
        return _counted_get(client, reverse("admin:pavilions_allocationrun_preview", args=[run.pk]))

    fill(roomy, 4)
    few = (_counted_get(client, plan_url), preview_queries())
    fill(roomy, 56, start=4)

    assert (_counted_get(client, plan_url), preview_queries()) == few
