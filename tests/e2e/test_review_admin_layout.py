"""A nomination's admin page opens with the reviewer's scores and decision on the first screen, above the
nomination's several screens of details. Real browser."""

import pytest
from playwright.sync_api import expect

from exhibitors import services
from tests.conftest import totp_code
from tests.factories import PASSWORD, ExpoFactory, NominationFactory, NominationProductFactory

# A common laptop screen; the page is read at this size without scrolling to act on it.
VIEWPORT = {"width": 1366, "height": 768}


def _sign_in_staff(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("input[name=code]")).to_be_visible()
    page.fill("input[name=code]", totp_code(user))
    page.get_by_role("button", name="Sign In").click()


@pytest.mark.django_db(transaction=True)
def test_score_and_decision_forms_are_visible_without_scrolling(page, staff_with_mfa, tmp_path):
    expo = ExpoFactory()
    services.nomination_rules_ensure(expo=expo)
    nomination = NominationFactory(
        expo=expo,
        status="submitted",
        legal_name="Sialkot Surgical Works (Pvt) Ltd",
        description="Stainless steel surgical instruments, CE marked. " * 20,
        justification="Exports to twelve countries and trains forty apprentices a year. " * 20,
    )
    NominationProductFactory.create_batch(8, nomination=nomination)
    page.set_viewport_size(VIEWPORT)
    _sign_in_staff(page, staff_with_mfa)

    page.goto(f"/admin/exhibitors/nomination/{nomination.pk}/change/")

    score_button = page.get_by_role("button", name="Save my scores")
    decision_button = page.get_by_role("button", name="Record the decision")
    page.screenshot(path=tmp_path / "nomination-change.png")
    expect(score_button).to_be_in_viewport(ratio=1)
    expect(decision_button).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * VIEWPORT["height"]
    for button in (score_button, decision_button):
        box = button.bounding_box()
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= VIEWPORT["height"]
