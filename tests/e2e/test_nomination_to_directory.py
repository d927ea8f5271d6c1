"""Flow 1 end to end in a real browser: a trade body nominates, staff score and approve in the admin, a real
Celery worker emails the exhibitor's invitation, the exhibitor completes its profile, the directory lists it."""

import email
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from playwright.sync_api import expect

from exhibitors.models import Exhibitor, Nomination
from tests.e2e.test_nomination_form import nominate_in_browser
from tests.factories import PASSWORD, ClusterFactory, ExpoFactory, MembershipFactory, TradeBodyFactory


def _invitation_link(mail_dir, to: str, timeout: float = 30.0) -> str:
    """The invitation link of the email the worker wrote for ``to``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(mail_dir.glob("*.log")):
            for raw in re.split(rb"\n-{79}\n", path.read_bytes()):
                message = email.message_from_bytes(raw.strip())
                if message["To"] == to:
                    for part in message.walk():
                        if part.get_content_type() == "text/plain":
                            found = re.search(r"(http://\S+/invitations/\S+/)", part.get_payload(decode=True).decode())
                            if found:
                                return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"the worker sent no invitation to {to}")


def _staff_sign_in(page, staff) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.fill(
        "input[name=code]", format_hotp_value(hotp_value(staff.totp_secret, next(yield_hotp_counters_from_time())))
    )
    page.get_by_role("button", name="Sign In").click()


@pytest.mark.django_db(transaction=True)
def test_a_nominated_sme_becomes_a_listed_exhibitor(
    page, browser, live_server, celery_worker, staff_with_mfa, tmp_path
):
    ExpoFactory()
    ClusterFactory(name="Surgical instruments, Sialkot")
    trade_body = TradeBodyFactory(name="Sialkot Chamber of Commerce and Industry", short_name="SCCI")
    nominator = MembershipFactory(trade_body=trade_body).user

    # The trade body nominates through the multi-step form, with a draft and photos.
    nominate_in_browser(page, user=nominator, trade_body=trade_body, tmp_path=tmp_path)
    nomination = Nomination.objects.get(status=Nomination.Status.SUBMITTED)

    # Staff score the rubric and approve in the admin.
    staff_page = browser.new_context(base_url=live_server.url).new_page()
    _staff_sign_in(staff_page, staff_with_mfa)
    staff_page.goto(f"/admin/exhibitors/nomination/{nomination.pk}/change/")
    for criterion in ("quality", "innovation", "market_readiness", "export_potential"):
        staff_page.check(f"input[name=score_{criterion}][value='5']")
    staff_page.get_by_role("button", name="Save my scores").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_page.goto(f"/admin/exhibitors/nomination/{nomination.pk}/change/")
    decision = staff_page.get_by_test_id("decision-form")
    decision.locator("input[name=decision][value=approved]").check()
    decision.get_by_role("button", name="Record the decision").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPROVED
    exhibitor = Exhibitor.objects.get(nomination=nomination)

    # The worker emails the enterprise's contact; the contact sets a password and lands on the dashboard.
    link = _invitation_link(celery_worker, "bilal@hilal.pk")
    contact = browser.new_context(base_url=live_server.url).new_page()
    contact.goto(link)
    contact.fill("input[name=full_name]", "Bilal Ahmed")
    contact.fill("input[name=password1]", PASSWORD)
    contact.fill("input[name=password2]", PASSWORD)
    contact.get_by_role("button", name="Create my account").click()
    expect(contact).to_have_url(re.compile(rf"/exhibitor/{exhibitor.pk}/$"))

    # Listed at approval with the nomination's description, without the contact email; the profile adds to it.
    anonymous = browser.new_context(base_url=live_server.url).new_page()
    anonymous.goto(exhibitor.get_public_url())
    expect(anonymous.get_by_role("heading", level=1)).to_contain_text("Hilal Surgical")
    expect(anonymous.locator("main")).not_to_contain_text("bilal@hilal.pk")
    contact.goto(f"/exhibitor/{exhibitor.pk}/profile/")
    contact.fill("textarea[name=description]", "CE-marked surgical instruments, exported to Europe.")
    contact.fill("textarea[name=description_ur]", "یورپ کو برآمد ہونے والے جراحی کے آلات۔")
    contact.fill("input[name=public_phone]", "+92 52 1234567")
    contact.locator("main button[type=submit]").last.click()
    expect(contact.locator(".messages")).to_be_visible()

    anonymous.goto("/exhibitors/?q=forceps")
    anonymous.get_by_role("link", name=re.compile("Hilal Surgical")).first.click()
    expect(anonymous.get_by_role("heading", level=1)).to_contain_text("Hilal Surgical")
    expect(anonymous.locator("main")).to_contain_text("CE-marked surgical instruments")
    expect(anonymous.locator("main")).to_contain_text("Dissecting forceps")
    expect(anonymous.locator("main")).not_to_contain_text("Amna Hilal")  # the owner's name is private
