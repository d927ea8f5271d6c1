"""Staff invite a trade body user in the admin; the invitee joins by the emailed link. Real browser and worker."""

import email
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from playwright.sync_api import expect

from tests.factories import PASSWORD, TradeBodyFactory


def _wait_for_email(mail_dir: Path, timeout: float = 30.0) -> email.message.Message:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.log"))
        if files:
            return email.message_from_bytes(files[0].read_bytes())
        time.sleep(0.2)
    raise AssertionError("the worker sent no email")


def _text_part(message: email.message.Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("the email has no text part")


@pytest.mark.django_db(transaction=True)
def test_staff_invite_a_trade_body_user_who_sets_a_password_and_sees_the_dashboard(
    page, browser, live_server, celery_worker, staff_with_mfa
):
    trade_body = TradeBodyFactory(name="Sialkot Chamber of Commerce and Industry")

    # Staff sign in with password and TOTP code, then invite from the trade body's admin page.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", staff_with_mfa.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    code = format_hotp_value(hotp_value(staff_with_mfa.totp_secret, next(yield_hotp_counters_from_time())))
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"/admin/expo/tradebody/{trade_body.pk}/change/")
    page.get_by_role("link", name="Invite a member").click()
    page.fill("input[name=email]", "naila@sialkotchamber.pk")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messagelist")).to_contain_text("Invitation sent to naila@sialkotchamber.pk")

    # The real worker delivers the email; its link opens in a fresh browser.
    message = _wait_for_email(celery_worker)
    assert message["To"] == "naila@sialkotchamber.pk"
    link = re.search(r"(http://\S+/invitations/\S+/)", _text_part(message)).group(1)
    assert link.startswith(live_server.url)

    invitee = browser.new_context(base_url=live_server.url).new_page()
    invitee.goto(link)
    invitee.get_by_label("Your full name").fill("Naila Qureshi")
    invitee.fill("input[name=password1]", "short")
    invitee.fill("input[name=password2]", "short")
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.locator("#error_1_id_password1, .invalid-feedback").first).to_contain_text("too short")

    invitee.fill("input[name=password1]", PASSWORD)
    invitee.fill("input[name=password2]", PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text(trade_body.name)
    expect(invitee.get_by_test_id("nominations-empty")).to_be_visible()

    # The link works once.
    invitee.context.clear_cookies()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("This invitation has already been used")
