"""The visitors pages in a real browser: no Content-Security-Policy violation or failed asset, the honeypot out of
sight, the registration form in Urdu right to left, and the print progress bar moving to a download."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from expo import roles
from tests.conftest import add_to_role, totp_code
from tests.factories import PASSWORD, ExpoFactory, GateFactory, UserFactory, register_visitor
from visitors import links


def _sign_in(page, role: str):
    user = UserFactory()
    add_to_role(user, role)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.fill("input[name=code]", totp_code(user))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/|/$"))


@pytest.mark.django_db(transaction=True)
def test_public_visitor_pages_load_cleanly_and_hide_the_honeypot(page, console):
    expo = ExpoFactory()
    registration = register_visitor(expo)
    page.goto("/register/")
    expect(page.get_by_test_id("registration-form")).to_be_visible()
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    page.goto(f"/register/manage/{links.manage_token(registration)}/")
    expect(page.get_by_test_id("download-badge")).to_be_visible()
    assert console == []


@pytest.mark.django_db(transaction=True)
def test_the_link_to_confirm_new_details_shows_them_and_confirms_them(page, console):
    expo = ExpoFactory()
    register_visitor(expo, email="owner@example.pk", full_name="Owner Person")
    register_visitor(expo, email="owner@example.pk", full_name="Owner Renamed")  # changes nothing yet
    link = re.search(r"http://\S+?(/register/confirm/\S+/)", mail.outbox[-1].body).group(1)

    page.goto(link)
    expect(page.get_by_test_id("new-details")).to_contain_text("Owner Renamed")
    page.get_by_test_id("confirm-change").click()

    expect(page.get_by_test_id("done-heading")).to_have_text("Thank you, Owner Renamed: you are registered")
    assert console == []


@pytest.mark.django_db(transaction=True)
def test_registration_form_in_urdu_is_right_to_left(page):
    ExpoFactory()
    page.goto("/register/")
    page.locator("a[data-language=ur]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("registration-form")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_gate_and_staff_pages_load_cleanly(page, console):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=1))
    GateFactory(expo=expo)
    for number in range(30):
        register_visitor(expo, category="media", full_name=f"Reporter {number}")
    _sign_in(page, roles.GATE_STAFF)
    page.goto("/gate/")
    expect(page.get_by_test_id("gate-status")).to_have_text("Online")
    page.context.clear_cookies()
    _sign_in(page, roles.REGISTRATION_DESK)
    page.goto("/visitors/numbers/")
    expect(page.get_by_test_id("by-category")).to_contain_text("Media")
    page.goto("/visitors/print/")
    assert console == []


@pytest.mark.django_db(transaction=True)
def test_print_progress_is_polled_until_the_sheet_can_be_downloaded(page, console, celery_worker):
    expo = ExpoFactory()
    desk = UserFactory()
    for number in range(40):
        register_visitor(expo, category="media", full_name=f"Reporter {number}", category_confirmed_by=desk)
    _sign_in(page, roles.REGISTRATION_DESK)
    page.goto("/visitors/print/")
    page.select_option("#id_category", "media")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_test_id("batch-progress")).to_contain_text("of 40 badges")
    expect(page.get_by_test_id("batch-download")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("batch-progress")).to_contain_text("40 of 40 badges · Done")
    sheet = page.request.get(page.get_by_test_id("batch-download").get_attribute("href"))
    assert sheet.headers["content-type"] == "application/pdf"
    assert sheet.body().startswith(b"%PDF")
    assert console == []
