"""In a real browser: an exhibitor's member asks SMEDA for certification support from the dashboard's Support tab,
is told next to the field what is missing, then sees the request routed to its team; the support desk officer
finds it in the queue, answers it with a note, and the exhibitor sees the answer."""

import pytest
from playwright.sync_api import expect

from expo import roles
from tests.conftest import staff_groups_ensure, staff_member, totp_code
from tests.factories import PASSWORD, ExhibitorFactory, ExhibitorMembershipFactory, ExpoFactory
from tests.support.conftest import RoutingRuleFactory, SupportTeamFactory


def _sign_in(page, user, *, code: bool = False) -> None:
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    if code:
        page.fill("input[name=code]", totp_code(user))
        page.get_by_role("button", name="Sign In").click()


@pytest.mark.django_db(transaction=True)
def test_exhibitor_asks_for_support_and_the_desk_answers(page, live_server, console):
    from support.models import SupportRequest

    staff_groups_ensure()
    expo = ExpoFactory()
    exhibitor = ExhibitorFactory(nomination__expo=expo, name="Sialkot Surgical Works")
    member = ExhibitorMembershipFactory(exhibitor=exhibitor).user
    team = SupportTeamFactory(name="Quality and certification", sla_days=15)
    RoutingRuleFactory(kind="certification", team=team)
    officer = staff_member(roles.SUPPORT_DESK, full_name="Ayesha Malik")

    page.goto(f"{live_server.url}/exhibitor/{exhibitor.pk}/")
    _sign_in(page, member)
    page.get_by_role("link", name="Support").click()
    page.get_by_role("link", name="Ask for support").click()
    page.get_by_label("Kind of support").select_option("certification")
    page.get_by_label("What you need").fill("ISO")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#error_1_id_description")).to_contain_text("at least 20 characters")
    assert not SupportRequest.objects.exists()
    page.get_by_label("What you need").fill("Our German buyer asks for ISO 13485 before the next order.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_test_id("support-request")).to_contain_text("Quality and certification")
    support_request = SupportRequest.objects.get()

    page.context.clear_cookies()
    # A staff page is a 404 to whoever is not signed in, like a page that does not exist: sign in first.
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/support/%3Fkind%3Dcertification")
    _sign_in(page, officer, code=True)
    page.get_by_role("link", name=f"#{support_request.pk}").click()
    page.get_by_label("New status").select_option("answered")
    page.get_by_label("Note to the exhibitor").fill("Three certified consultants in Sialkot: see the list attached.")
    page.get_by_role("button", name="Change and tell the exhibitor").click()
    expect(page.get_by_test_id("support-request")).to_contain_text("Answered")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/exhibitor/{exhibitor.pk}/support/{support_request.pk}/")
    _sign_in(page, member)
    expect(page.get_by_test_id("support-request")).to_contain_text("Answered")
    expect(page.get_by_test_id("support-history")).to_contain_text("Three certified consultants in Sialkot")
    assert console == []
