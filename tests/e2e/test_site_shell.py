"""The site shell in a real browser: no Content-Security-Policy violation, no failed asset, Urdu right to left."""

import pytest
from playwright.sync_api import expect

from tests.factories import ExpoFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/register/", "/floor-plan/", "/exhibitors/"])
def test_public_pages_load_every_asset_without_console_errors(page, console, path):
    ExpoFactory(name="SME Cluster Showcase 2041")

    page.goto(path)

    expect(page.locator("main")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert console == []


@pytest.mark.django_db(transaction=True)
def test_the_language_switcher_turns_the_page_urdu_and_right_to_left(page):
    ExpoFactory(name="SME Cluster Showcase 2041")
    page.goto("/")

    page.locator("a[data-language=ur]").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.get_by_role("link", name="وزٹ کے لیے رجسٹر کریں").first).to_be_visible()

    page.locator("a[data-language=en]").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


@pytest.mark.django_db(transaction=True)
def test_the_skip_link_moves_focus_to_the_main_content(page):
    ExpoFactory()
    page.goto("/")

    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")

    assert page.evaluate("location.hash") == "#main"
