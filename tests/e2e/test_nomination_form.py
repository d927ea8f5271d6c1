"""A trade body user nominates an SME through the multi-step form in a real browser: a draft with a logo,
a break, then the remaining steps with a product photo, and the submission shown on the dashboard."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from exhibitors.models import Nomination
from tests.factories import PASSWORD, ClusterFactory, ExpoFactory, MembershipFactory, TradeBodyFactory


def _png(path, colour: str):
    Image.new("RGB", (120, 90), colour).save(path, format="PNG")
    return str(path)


def nominate_in_browser(page, *, user, trade_body, tmp_path) -> None:
    """Sign in as ``user`` and nominate Hilal Surgical Works through every step, with a break after step 1."""
    logo, photo = _png(tmp_path / "logo.png", "darkgreen"), _png(tmp_path / "forceps.png", "silver")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(trade_body.name)

    # Step 1 with a logo, then a draft saved and the form left.
    page.get_by_role("link", name="Nominate an SME").click()
    expect(page.get_by_test_id("nomination-steps")).to_contain_text("Step 1 of 5")
    page.fill("#id_legal_name", "Hilal Surgical Works (Pvt) Ltd")
    page.fill("#id_ntn", "1234567-8")
    page.select_option("#id_turnover_band", "30-75")
    page.fill("#id_city", "Sialkot")
    page.select_option("#id_province", "punjab")
    page.select_option("#id_cluster", label="Surgical instruments, Sialkot")
    page.fill("#id_description", "Stainless steel surgical instruments for hospitals in Europe.")
    page.set_input_files("#id_logo", logo)
    page.get_by_role("button", name="Save draft and exit").click()
    expect(page.locator(".messages")).to_contain_text("Draft of Hilal Surgical Works (Pvt) Ltd saved.")
    expect(page.get_by_test_id("nomination-status")).to_have_text("Draft")
    page.goto("/")

    # Back from the dashboard: the form continues where it was left.
    page.goto("/dashboard/")
    page.get_by_role("link", name="Continue Hilal Surgical Works (Pvt) Ltd").click()
    expect(page.get_by_test_id("nomination-steps")).to_contain_text("Step 2 of 5")
    page.fill("#id_owner_name", "Amna Hilal")
    page.select_option("#id_owner_gender", "female")
    page.check("#id_women_led")
    page.fill("#id_contact_name", "Bilal Ahmed")
    page.fill("#id_contact_email", "bilal@hilal.pk")
    page.fill("#id_contact_phone", "+92 52 1234567")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_test_id("nomination-steps")).to_contain_text("Step 3 of 5")
    page.fill("#id_products-0-name", "Dissecting forceps")
    page.fill("#id_products-0-hs_code", "9018.90")
    page.set_input_files("#id_products-0-photo", photo)
    page.select_option("#id_export_experience", "regular")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_test_id("nomination-steps")).to_contain_text("Step 4 of 5")
    page.fill("#id_justification", "CE-marked instruments exported to Europe for ten years.")
    page.check("input[name=requested_stall_size][value='18']")
    page.get_by_role("button", name="Save and review").click()

    # The review shows everything, the private images through the checked view, and nothing missing.
    expect(page.get_by_test_id("nomination-complete")).to_be_visible()
    expect(page.get_by_test_id("nomination-products")).to_contain_text("Dissecting forceps")
    for image in (
        page.get_by_alt_text("Logo of Hilal Surgical Works (Pvt) Ltd"),
        page.get_by_alt_text("Photo of Dissecting forceps"),
    ):
        expect(image).to_be_visible()
        page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle())
    page.get_by_role("button", name="Submit the nomination").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(trade_body.name)
    expect(page.locator(".messages")).to_contain_text("Hilal Surgical Works (Pvt) Ltd is submitted.")
    expect(page.get_by_test_id("nomination-status")).to_have_text("Submitted")


@pytest.mark.django_db(transaction=True)
def test_nomination_form_draft_with_logo_then_products_and_submit_in_a_browser(page, tmp_path):
    ExpoFactory()
    ClusterFactory(name="Surgical instruments, Sialkot")
    trade_body = TradeBodyFactory(name="Sialkot Chamber of Commerce and Industry", short_name="SCCI")
    user = MembershipFactory(trade_body=trade_body).user

    nominate_in_browser(page, user=user, trade_body=trade_body, tmp_path=tmp_path)

    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.products.count(), bool(nomination.logo)) == ("submitted", 1, True)
