"""The public floor plan on a phone: every stall named, search-as-you-type, zoom, a stall opens its exhibitor."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pavilions import services
from tests.factories import (
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    HallFactory,
    PavilionFactory,
    SectorFactory,
    StaffFactory,
)

UNLISTED = "Quietly Withdrawn Cutlers"


def _row(pavilion) -> list:
    """Six 3 × 3 m stalls in a row along the pavilion's front, by the staff's row generator."""
    return services.stalls_generate(
        pavilion=pavilion,
        x=pavilion.x + 1,
        y=pavilion.y + 1,
        stall_width=Decimal(3),
        stall_depth=Decimal(3),
        per_row=6,
        rows=1,
        aisle=Decimal(3),
        back_to_back=False,
    )


@pytest.fixture
def venue():
    """Hall H1 with pavilions A (surgical, cutlery) and B (sports, carpets), six stalls each; four exhibitors
    placed by hand: three listed with products, one unlisted, whose name must not reach the public plan."""
    expo = ExpoFactory(name="SME Cluster Showcase 2041", year=2041, is_current=True)
    surgical = ClusterFactory(sector=SectorFactory(name="Surgical instruments"), city="Sialkot")
    cutlery = ClusterFactory(sector=SectorFactory(name="Cutlery"), city="Wazirabad")
    sports = ClusterFactory(sector=SectorFactory(name="Sports goods"), city="Sialkot")
    carpets = ClusterFactory(sector=SectorFactory(name="Carpets"), city="Lahore")
    hall = HallFactory(expo=expo, code="H1", name="Hall 1", width=60, depth=40)
    pavilion_a = PavilionFactory(hall=hall, code="A", name="Surgical and cutlery", clusters=[surgical, cutlery])
    pavilion_b = PavilionFactory(
        hall=hall, code="B", name="Sports and carpets", x=Decimal(30), clusters=[sports, carpets]
    )
    stalls = {stall.code: stall for stall in [*_row(pavilion_a), *_row(pavilion_b)]}
    staff = StaffFactory()
    placed = {}
    for code, name, slug, cluster, product, listed in (
        ("H1-A-002", "Hilal Surgical", "hilal-surgical", surgical, "Dissecting forceps", True),
        ("H1-B-004", "Zahra Sports", "zahra-sports", sports, "Match football", True),
        ("H1-B-006", "Kashan Carpets", "kashan-carpets", carpets, "Hand-knotted rug", True),
        ("H1-A-005", UNLISTED, "quietly-withdrawn", cutlery, "Folding pocket knife", False),
    ):
        exhibitor = ExhibitorFactory(
            name=name, slug=slug, nomination__expo=expo, nomination__cluster=cluster, listed=listed
        )
        ExhibitorProductFactory(exhibitor=exhibitor, name=product)
        services.stall_allocate(exhibitor=exhibitor, stalls=[stalls[code]], by=staff)
        placed[slug] = code
    return placed


def _view_box(page) -> str:
    return page.locator("svg#floor-plan").get_attribute("viewBox")


@pytest.mark.django_db(transaction=True)
def test_a_visitor_on_a_phone_finds_a_product_on_the_plan_and_opens_the_exhibitor(page, console, venue):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/floor-plan/")

    expect(page).to_have_url(re.compile(r"/floor-plan/H1/$"))
    plan = page.locator("svg#floor-plan")
    stalls = plan.locator("g.stall")
    expect(stalls).to_have_count(12)
    # Each stall's accessible name: its own aria-label, its link's (allocated to a listed exhibitor), or its title.
    labels = stalls.evaluate_all(
        """groups => groups.map(g => (g.getAttribute('aria-label') || (g.closest('a') || g).getAttribute('aria-label')
              || (g.querySelector('title') || {}).textContent || '').trim())"""
    )
    assert len([label for label in labels if label]) == 12
    expect(plan.get_by_role("link")).to_have_count(3)
    expect(plan.get_by_role("link", name="H1-B-004 — Zahra Sports")).to_have_count(1)
    expect(plan.get_by_role("img", name=re.compile(r"^H1-[AB]-\d{3} — Free$"))).to_have_count(9)
    assert UNLISTED not in page.content()

    home = _view_box(page)
    assert home == "0 0 60 40"
    # A drag that starts on a linked stall pans the plan and does not open the stall.
    box = plan.locator("#stall-H1-B-004").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] - 60, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up()
    x, y, width, depth = (float(value) for value in _view_box(page).split())
    assert x > 0
    assert (y, width, depth) == (0, 60, 40)
    expect(page).to_have_url(re.compile(r"/floor-plan/H1/$"))
    page.get_by_role("button", name="Show the whole hall").click()
    assert _view_box(page) == home

    page.get_by_role("button", name="Zoom in").click()
    assert _view_box(page) == "9 6 42 28"  # 0.7 of the hall, around its middle
    page.get_by_role("button", name="Show the whole hall").click()
    assert _view_box(page) == home

    search = page.get_by_label("Find an exhibitor, product or stall")
    search.press_sequentially("football")

    status = page.locator("[data-plan-status]")
    expect(status).to_have_text("Stalls that match: H1-B-004 — Zahra Sports")
    expect(plan.locator("g.stall.is-highlighted")).to_have_count(1)
    expect(plan.locator("#stall-H1-B-004")).to_have_class(re.compile(r"\bis-highlighted\b"))
    assert _view_box(page) != home  # the plan moved to the match

    search.fill("")
    search.press_sequentially("zeppelin")
    expect(status).to_have_text("No stall matches.")
    expect(plan.locator("g.stall.is-highlighted")).to_have_count(0)

    search.fill("")
    search.press_sequentially("football")
    expect(status).to_have_text("Stalls that match: H1-B-004 — Zahra Sports")
    plan.locator("#stall-H1-B-004").click()

    expect(page).to_have_url(re.compile(r"/exhibitors/zahra-sports/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zahra Sports")
    assert console == []


@pytest.mark.django_db(transaction=True)
def test_a_search_for_the_unlisted_exhibitor_finds_nothing(page, console, venue):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/floor-plan/H1/")

    page.get_by_label("Find an exhibitor, product or stall").press_sequentially("pocket knife")

    expect(page.locator("[data-plan-status]")).to_have_text("No stall matches.")
    expect(page.locator("svg#floor-plan g.stall.is-highlighted")).to_have_count(0)
    assert UNLISTED not in page.content()
    assert console == []
