"""Outcomes of meetings and leads: both sides record them, the status moves forward only, bad input saves nothing,
and nobody else reaches a lead."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking import outcomes, services, stall_leads
from matchmaking.models import Lead, LeadEvent, Slot, Table
from matchmaking.services import MatchmakingError
from support.followup_desk import leads_mark_lost, leads_note_add
from tests.factories import ExhibitorFactory, ExhibitorMembershipFactory, MeetingRequestFactory
from visitors import links

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")
AFTER_THE_MEETING = datetime.datetime(2042, 1, 24, 18, tzinfo=KARACHI)
OUTCOME = {
    "status": "talks",
    "next_step": "quote",
    "rating": "hot",
    "interest_product": "Forceps, 2,000 a month",
    "value_amount": "2500000",
    "value_currency": "PKR",
    "note": "They want a quote by Friday.",
}


@pytest.fixture
def meeting(expo, buyer, exhibitor_participant, member):
    """The buyer met Hilal Surgical at table 1 in the first slot of the 24th; the clock is that evening."""
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant, status="accepted")
    slot = Slot.objects.filter(expo=expo).order_by("start").first()
    table = Table.objects.filter(expo=expo).order_by("number").first()
    meeting = services.meeting_book(meeting_request=request, slot=slot, table=table, by=None)
    with time_machine.travel(AFTER_THE_MEETING, tick=False):
        yield meeting


@pytest.fixture
def token(buyer_registration):
    return links.manage_token(buyer_registration)


def exhibitor_meeting_url(exhibitor, meeting) -> str:
    return reverse("mm_exhibitor_meeting_outcome", args=[exhibitor.pk, meeting.pk])


def visitor_meeting_url(token, meeting) -> str:
    return reverse("mm_visitor_meeting_outcome", args=[token, meeting.pk])


def stall_lead(exhibitor, registration, **fields) -> Lead:
    return Lead.objects.create(
        expo=exhibitor.expo, exhibitor=exhibitor, registration=registration, source=Lead.Source.STALL_SCAN, **fields
    )


def record(lead, **changes):
    values = {
        "status": lead.status,
        "next_step": lead.next_step,
        "rating": lead.rating,
        "interest_product": lead.interest_product,
        "value_amount": lead.value_amount,
        "value_currency": lead.value_currency,
        "note": "",
        **changes,
    }
    return outcomes.lead_outcome_record(lead=lead, side="exhibitor", by=None, **values)


def test_exhibitor_records_a_meetings_outcome_from_the_agenda(client, meeting, exhibitor, member, buyer):
    client.force_login(member)
    agenda = client.get(reverse("mm_exhibitor_agenda", args=[exhibitor.pk]))
    assert exhibitor_meeting_url(exhibitor, meeting) in agenda.content.decode()

    response = client.post(exhibitor_meeting_url(exhibitor, meeting), OUTCOME)

    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lead_outcome", args=[exhibitor.pk, lead.pk])
    assert (lead.exhibitor, lead.meeting, lead.counterpart, lead.registration) == (
        exhibitor,
        meeting,
        buyer,
        buyer.registration,
    )
    assert (lead.source, lead.status, lead.next_step, lead.rating) == ("meeting", "talks", "quote", "hot")
    assert (lead.value_amount, lead.value_currency, lead.interest_product) == (
        Decimal("2500000.00"),
        "PKR",
        "Forceps, 2,000 a month",
    )
    event = LeadEvent.objects.get()
    assert (event.side, event.kind, event.status_from, event.status_to, event.by) == (
        "exhibitor",
        "status",
        "new",
        "talks",
        member,
    )
    assert event.note == "Next step: Quote\nThey want a quote by Friday."
    assert event.value_amount == Decimal("2500000.00")
    page = client.get(response["Location"]).content.decode()
    assert "They want a quote by Friday." in page
    assert "In talks" in page
    lead_page = client.get(reverse("stall_lead", args=[exhibitor.pk, lead.pk])).content.decode()
    assert response["Location"] in lead_page


def test_the_visitor_records_on_the_same_lead_through_the_manage_link(client, meeting, exhibitor, member, token):
    client.force_login(member)
    client.post(exhibitor_meeting_url(exhibitor, meeting), OUTCOME)
    client.logout()
    agenda = client.get(reverse("mm_visitor_agenda", args=[token])).content.decode()
    assert visitor_meeting_url(token, meeting) in agenda

    response = client.post(
        visitor_meeting_url(token, meeting),
        {"status": "quote", "next_step": "sample", "value_amount": "12000", "value_currency": "USD", "note": "Sample"},
    )

    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visitor_lead_outcome", args=[token, lead.pk])
    assert (lead.status, lead.next_step, lead.value_amount, lead.value_currency) == (
        "quote",
        "sample",
        Decimal("12000.00"),
        "USD",
    )
    assert lead.rating == "hot"  # the visitor's form has no rating: the exhibitor's stays
    assert list(lead.events.values_list("side", "status_from", "status_to")) == [
        ("exhibitor", "new", "talks"),
        ("visitor", "talks", "quote"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Hilal Surgical" in page
    assert "Sample" in page
    listing = client.get(reverse("visitor_leads", args=[token])).content.decode()
    assert reverse("visitor_lead_outcome", args=[token, lead.pk]) in listing


def test_a_meeting_outcome_takes_over_the_visitors_stall_lead(client, meeting, exhibitor, member, buyer_registration):
    scanned = stall_lead(exhibitor, buyer_registration, rating="warm")
    client.force_login(member)

    client.post(exhibitor_meeting_url(exhibitor, meeting), OUTCOME)

    assert list(Lead.objects.values_list("pk", "meeting", "source")) == [(scanned.pk, meeting.pk, "stall_scan")]


def test_a_lead_moves_forward_to_won_and_then_stays_closed(exhibitor, buyer_registration):
    lead = stall_lead(exhibitor, buyer_registration)
    for status in ("talks", "quote", "won_subcontract"):
        record(lead, status=status)
    lead.refresh_from_db()
    assert lead.status == "won_subcontract"
    assert lead.closed_at is not None
    assert not lead.is_open

    with pytest.raises(MatchmakingError) as refused:
        record(lead, status="lost")
    assert refused.value.field == "status"
    assert "closed" in str(refused.value)
    event = record(lead, note="Signed the subcontract for 2043.")  # notes stay welcome
    assert event.kind == "outcome"
    assert list(lead.events.values_list("status_to", flat=True)) == ["talks", "quote", "won_subcontract", ""]


def test_a_backward_status_is_refused_next_to_the_field_and_nothing_is_saved(
    client, exhibitor, member, buyer_registration
):
    lead = stall_lead(exhibitor, buyer_registration, status="quote", next_step="sample")
    client.force_login(member)

    response = client.post(
        reverse("lead_outcome", args=[exhibitor.pk, lead.pk]), {**OUTCOME, "status": "talks", "next_step": "order"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["status"] == [
        "A lead moves forward only: it cannot go back from “Quote or sample” to “In talks”."
    ]
    lead.refresh_from_db()
    assert (lead.status, lead.next_step, lead.value_amount) == ("quote", "sample", None)
    assert not LeadEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value_amount", "-5"),
        ("value_amount", "lots"),
        ("value_amount", "1234567890123.45"),
        ("value_currency", "EUR"),
        ("status", "won_everything"),
        ("next_step", "lunch"),
    ],
)
def test_bad_values_are_refused_next_to_the_field_and_no_lead_is_made(client, meeting, exhibitor, member, field, value):
    client.force_login(member)

    response = client.post(exhibitor_meeting_url(exhibitor, meeting), {**OUTCOME, field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Lead.objects.exists()
    assert not LeadEvent.objects.exists()


def test_a_submission_that_changes_nothing_is_refused(client, exhibitor, member, buyer_registration):
    lead = stall_lead(exhibitor, buyer_registration)
    client.force_login(member)

    response = client.post(
        reverse("lead_outcome", args=[exhibitor.pk, lead.pk]), {"status": "new", "value_currency": "PKR"}
    )

    assert response.context["form"].non_field_errors() == [
        "Nothing changed: give a new status, next step, value or a note."
    ]
    assert not LeadEvent.objects.exists()


def test_no_outcome_before_the_meeting_has_begun(client, expo, buyer, exhibitor_participant, exhibitor, member):
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant, status="accepted", at_stall=True)
    slot = Slot.objects.filter(expo=expo).order_by("start").first()
    meeting = services.meeting_book(meeting_request=request, slot=slot, table=None, by=None)

    with time_machine.travel(slot.start - datetime.timedelta(minutes=5), tick=False):
        client.force_login(member)
        response = client.post(exhibitor_meeting_url(exhibitor, meeting), OUTCOME)

    assert response.status_code == 200
    assert "once the meeting has begun" in response.content.decode()
    assert not Lead.objects.exists()


def test_another_exhibitor_another_visitor_and_strangers_get_404(
    client, other_buyer, outsider, other_exhibitor, token, meeting, exhibitor, member
):
    client.force_login(member)
    client.post(exhibitor_meeting_url(exhibitor, meeting), OUTCOME)
    lead = Lead.objects.get()
    lead_url = reverse("lead_outcome", args=[exhibitor.pk, lead.pk])
    other_token = links.manage_token(other_buyer.registration)

    client.force_login(outsider)
    assert client.get(lead_url).status_code == 404
    assert client.post(lead_url, {**OUTCOME, "status": "lost"}).status_code == 404
    assert client.get(reverse("lead_outcome", args=[other_exhibitor.pk, lead.pk])).status_code == 404
    assert client.post(exhibitor_meeting_url(other_exhibitor, meeting), OUTCOME).status_code == 404
    assert client.post(exhibitor_meeting_url(exhibitor, meeting), OUTCOME).status_code == 404
    client.logout()
    assert client.post(visitor_meeting_url(other_token, meeting), OUTCOME).status_code == 404
    assert client.get(reverse("visitor_lead_outcome", args=[other_token, lead.pk])).status_code == 404
    assert client.get(reverse("visitor_lead_outcome", args=[token + "x", lead.pk])).status_code == 404
    assert client.get(reverse("visitor_leads", args=[token[:-2]])).status_code == 404
    assert client.get(lead_url).status_code == 302  # to sign in
    lead.refresh_from_db()
    assert lead.status == "talks"
    assert lead.events.count() == 1


def test_the_visitors_contacts_page_reads_the_same_queries_for_one_lead_or_many(
    client, expo, buyer_registration, token
):
    stall_lead(ExhibitorFactory(nomination__expo=expo), buyer_registration)
    url = reverse("visitor_leads", args=[token])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(3):
        stall_lead(ExhibitorFactory(nomination__expo=expo), buyer_registration)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(re.findall(r"/leads/\d+/", page.content.decode())) == 4
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.fixture
def shared_history(exhibitor, buyer_registration, staff_with_mfa):
    """A lead whose history holds something private of each side: the booth member's stall note (the scanner
    named), the exhibitor's outcome note and rating, the visitor's own note, and a staff note."""
    scanner = ExhibitorMembershipFactory(
        exhibitor=exhibitor, user__full_name="Imran Qureshi", user__email="imran@hilal.example.pk"
    ).user
    lead = stall_lead(exhibitor, buyer_registration, captured_by=scanner)
    stall_leads.stall_lead_update(lead=lead, by=scanner, note="Haggles hard, start 20% above list", rating="hot")
    outcomes.lead_outcome_record(
        lead=lead,
        side="exhibitor",
        by=scanner,
        status="talks",
        next_step="quote",
        rating="hot",
        interest_product="Forceps",
        value_amount=Decimal("250000"),
        value_currency="PKR",
        note="Our margin is thin at this price",
    )
    outcomes.lead_outcome_record(
        lead=lead,
        side="visitor",
        by=None,
        status="talks",
        next_step="quote",
        rating="hot",
        interest_product="Forceps",
        value_amount=Decimal("250000"),
        value_currency="PKR",
        note="Compare with the Sialkot rival first",
    )
    leads_note_add(leads=[lead], note="Staff: check their export licence", by=staff_with_mfa)
    return lead, scanner


EXHIBITOR_PRIVATE = ("Haggles hard", "Our margin is thin", "Imran Qureshi", "imran@hilal.example.pk", "Hot")
VISITOR_PRIVATE = "Compare with the Sialkot rival"
STAFF_PRIVATE = "check their export licence"


def history_of(page: str) -> str:
    return page.split('data-testid="lead-history"', 1)[1]


def test_the_visitor_sees_changes_and_own_notes_never_the_exhibitors_or_staffs(client, shared_history, token):
    lead, _scanner = shared_history

    page = client.get(reverse("visitor_lead_outcome", args=[token, lead.pk])).content.decode()

    history = history_of(page)
    for private in (*EXHIBITOR_PRIVATE, STAFF_PRIVATE):
        assert private not in page
    assert VISITOR_PRIVATE in history
    assert "· the exhibitor</span>" in history
    assert "· you</span>" in history
    assert "New → <strong>In talks</strong>" in history  # what the exhibitor changed, and when
    assert "PKR 250,000" in history

    leads_mark_lost(leads=[lead], note="Staff: dormant for months", by=None)
    history = history_of(client.get(reverse("visitor_lead_outcome", args=[token, lead.pk])).content.decode())
    assert "SMEDA staff" in history
    assert "<strong>Lost</strong>" in history
    assert "dormant" not in history


def test_the_exhibitor_sees_its_notes_and_members_never_the_visitors_or_staffs(
    client, shared_history, exhibitor, member
):
    lead, _scanner = shared_history
    client.force_login(member)

    outcome = client.get(reverse("lead_outcome", args=[exhibitor.pk, lead.pk])).content.decode()
    stall_page = client.get(reverse("stall_lead", args=[exhibitor.pk, lead.pk])).content.decode()

    for page in (history_of(outcome), stall_page.split('data-testid="lead-events"', 1)[1]):
        assert "Haggles hard" in page
        assert "Our margin is thin" in page
        assert "Imran Qureshi" in page
        assert VISITOR_PRIVATE not in page
        assert STAFF_PRIVATE not in page
        assert "the visitor" not in page  # the visitor's note-only changes: nothing of theirs to show


def test_another_visitor_and_another_exhibitor_see_nothing_of_the_history(
    client, shared_history, other_buyer, outsider
):
    lead, _scanner = shared_history
    other_token = links.manage_token(other_buyer.registration)

    assert client.get(reverse("visitor_lead_outcome", args=[other_token, lead.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("lead_outcome", args=[lead.exhibitor_id, lead.pk])).status_code == 404
    assert client.get(reverse("stall_lead", args=[lead.exhibitor_id, lead.pk])).status_code == 404


def test_values_are_grouped_without_needless_decimals_and_no_next_step_reads_as_such(
    client, exhibitor, member, buyer_registration, token
):
    lead = stall_lead(exhibitor, buyer_registration)
    record(lead, next_step="none", value_amount=Decimal("1234567.50"), value_currency="USD")
    client.force_login(member)

    exhibitor_page = client.get(reverse("lead_outcome", args=[exhibitor.pk, lead.pk])).content.decode()
    visitor_page = client.get(reverse("visitor_lead_outcome", args=[token, lead.pk])).content.decode()

    for page in (exhibitor_page, visitor_page):
        status_line = page.split('data-testid="lead-status"', 1)[1].split("</p>", 1)[0]
        assert "USD 1,234,567.50" in status_line
        assert "Next step: No next step" in " ".join(status_line.split())
        assert "USD 1,234,567.50" in history_of(page)
    assert "Next step: No next step" in history_of(exhibitor_page)  # the exhibitor's own line
    record(lead, value_amount=Decimal("250000"), value_currency="PKR")
    page = client.get(reverse("visitor_lead_outcome", args=[token, lead.pk])).content.decode()
    assert "PKR 250,000<" in page
