"""The public directory on a phone: search a product, open the exhibitor, see its products; no console errors."""

import io
import re

import pytest
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve
from PIL import Image
from playwright.sync_api import expect

from exhibitors import services
from expo import images
from expo.forms import UploadedImage
from tests.factories import ClusterFactory, ExhibitorFactory, ExpoFactory, SectorFactory


def _serve_media(request, path):
    # The live server serves static files but not media (only expo/urls.py does, and only under DEBUG).
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", _serve_media),
    path("", include("expo.urls")),
]


def _photo(colour: tuple[int, int, int]) -> UploadedImage:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    messages = dict.fromkeys(("too_large", "not_image", "wrong_format", "markup", "too_many_pixels", "broken"), "")
    data = buffer.getvalue()
    return UploadedImage(data, images.check_image(data, max_bytes=5 * 2**20, max_pixels=24_000_000, messages=messages))


@pytest.fixture
def directory(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.MEDIA_ROOT = tmp_path / "media"
    ExpoFactory(name="SME Cluster Showcase 2041", year=2041)
    surgical = ClusterFactory(sector=SectorFactory(name="Surgical instruments"), city="Sialkot")
    sports = ClusterFactory(sector=SectorFactory(name="Sports goods"), city="Sialkot")
    hilal = ExhibitorFactory(name="Hilal Surgical", slug="hilal-surgical", nomination__cluster=surgical)
    services.exhibitor_update_profile(exhibitor=hilal, data={"logo": _photo((20, 120, 60))})
    for name, colour in (("Dissecting forceps", (200, 200, 210)), ("Needle holder", (180, 180, 190))):
        services.exhibitor_product_save(exhibitor=hilal, product=None, data={"name": name, "photo": _photo(colour)})
    for number in range(5):
        zahra = ExhibitorFactory(name=f"Zahra Sports {number}", slug=f"zahra-{number}", nomination__cluster=sports)
        services.exhibitor_product_save(exhibitor=zahra, product=None, data={"name": "Match football"})
    return hilal


def _loaded(page, selector: str) -> list[int]:
    """The natural widths of the images, once the browser has finished loading them."""
    page.wait_for_function(
        "selector => [...document.querySelectorAll(selector)].every(image => image.complete)", arg=selector
    )
    return page.eval_on_selector_all(selector, "images => images.map(image => image.complete ? image.naturalWidth : 0)")


@pytest.mark.django_db(transaction=True)
def test_a_visitor_on_a_phone_searches_a_product_and_opens_the_exhibitor(page, console, directory):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/exhibitors/")
    cards = page.locator("[data-testid=directory-cards] > li")
    expect(cards).to_have_count(6)
    page.evaluate("window.sameDocument = true")  # gone if the search reloaded the page instead of htmx

    page.get_by_label("Search by name or product").fill("forceps")
    page.get_by_label("Search by name or product").press("Enter")

    expect(cards).to_have_count(1)
    expect(page.get_by_test_id("directory-count")).to_have_text("1 exhibitor")
    expect(page.locator("#directory-status")).to_have_text("1 exhibitor")
    expect(cards.first).to_contain_text("Hilal Surgical")
    expect(cards.first).to_contain_text("2 products")
    expect(page).to_have_url(re.compile(r"[?&]q=forceps"))
    assert page.evaluate("window.sameDocument") is True
    page.wait_for_function("[...document.querySelectorAll('.directory-card img')].every(i => i.complete)")
    assert _loaded(page, ".directory-card img") == [400]

    cards.first.get_by_role("link", name="Hilal Surgical").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hilal Surgical")
    products = page.get_by_test_id("products")
    expect(products.get_by_role("heading", level=3)).to_have_text(["Dissecting forceps", "Needle holder"])
    for image in products.get_by_role("img").all():
        image.scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('[data-testid=products] img')].every(i => i.complete)")
    assert _loaded(page, "[data-testid=products] img") == [400, 400]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert console == []


@pytest.mark.django_db(transaction=True)
def test_the_directory_search_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/exhibitors/")
        page.get_by_label("Search by name or product").fill("football")
        page.get_by_role("button", name="Search").click()

        expect(page.locator("[data-testid=directory-cards] > li")).to_have_count(5)
        assert "q=football" in page.url
    finally:
        context.close()
