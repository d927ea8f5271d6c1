"""Booth staff capture leads on a phone with no network: the scans wait in the browser, upload once the network
is back, and uploading the same queue again makes no second lead."""

import json

import pytest
from playwright.sync_api import expect

from matchmaking.models import Lead
from tests.factories import PASSWORD, ExhibitorFactory, ExhibitorMembershipFactory, ExpoFactory, register_visitor
from visitors.badges import badge_payload


@pytest.mark.django_db(transaction=True)
def test_booth_staff_capture_leads_offline_and_sync_them_once(page, live_server):
    expo = ExpoFactory()
    exhibitor = ExhibitorFactory(nomination__expo=expo, name="Hilal Surgical", slug="hilal-surgical")
    member = ExhibitorMembershipFactory(exhibitor=exhibitor).user
    visitor = register_visitor(
        expo, full_name="Sana Iqbal", organisation="Lahore Retail Co", share_contact_with_exhibitors=False
    )

    page.goto("/accounts/login/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)
    page.goto(f"/exhibitor/{exhibitor.pk}/")
    page.get_by_test_id("tab-leads").click()
    expect(page.locator("#stall-capture[data-ready='1']")).to_be_attached()

    page.context.set_offline(True)
    page.get_by_test_id("stall-code").fill(visitor.badge.number)
    page.get_by_label("Rating").select_option("hot")
    page.get_by_label("Product of interest").fill("Dissecting forceps")
    page.get_by_label("Note").fill("Wants a quote for 2,000 pieces")
    page.get_by_test_id("stall-save").click()
    expect(page.get_by_test_id("stall-queue")).to_have_text("1")
    expect(page.get_by_test_id("stall-status")).to_contain_text("Offline")
    page.get_by_test_id("stall-code").fill(badge_payload(visitor.badge))
    page.get_by_label("Note").fill("Came back with her manager")
    page.get_by_test_id("stall-save").click()
    expect(page.get_by_test_id("stall-queue")).to_have_text("2")
    assert not Lead.objects.exists()
    queued = page.evaluate(f"localStorage.getItem('expo-stall-leads-{exhibitor.pk}')")

    page.context.set_offline(False)
    expect(page.get_by_test_id("stall-queue")).to_have_text("0", timeout=20_000)
    expect(page.get_by_test_id("stall-answers")).to_contain_text("New lead: Sana Iqbal")
    # The same queue uploaded again (a lost answer, a second tab): nothing new.
    key = f"expo-stall-leads-{exhibitor.pk}"
    page.evaluate(f"localStorage.setItem('{key}', {json.dumps(queued)})")
    assert len(json.loads(page.evaluate(f"localStorage.getItem('{key}')"))) == 2
    # Only an answered upload empties the queue.
    page.wait_for_function("key => localStorage.getItem(key) === '[]'", arg=key, timeout=20_000)

    lead = Lead.objects.get()
    assert (lead.registration, lead.rating, lead.interest_product) == (visitor, "hot", "Dissecting forceps")
    assert sorted(lead.events.values_list("note", flat=True)) == [
        "Came back with her manager",
        "Wants a quote for 2,000 pieces",
    ]
    page.reload()
    row = page.get_by_test_id(f"lead-{lead.pk}")
    expect(row).to_contain_text("Sana Iqbal")
    expect(row).to_contain_text("Not shared")
