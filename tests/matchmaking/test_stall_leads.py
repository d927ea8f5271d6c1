"""Leads captured at the stall: a phone's queued scans uploaded (twice) make one lead, the visitor's consent
decides what the exhibitor sees, another exhibitor sees nothing, and the export runs no formula."""

import csv
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from matchmaking import stall_leads
from matchmaking.models import Lead, LeadEvent
from tests.factories import BoothStaffFactory, register_visitor
from visitors import links
from visitors.badges import badge_payload
from visitors.forms import RegistrationForm
from visitors.services import badge_issue, registration_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def sharing_visitor(expo):
    return register_visitor(
        expo,
        full_name="Sana Iqbal",
        email="sana@lahore-retail.example.pk",
        phone="+92 321 7654321",
        organisation="Lahore Retail Co",
        share_contact_with_exhibitors=True,
    )


@pytest.fixture
def private_visitor(expo):
    return register_visitor(
        expo,
        full_name="Omar Farooq",
        email="omar@private.example.pk",
        phone="+92 333 1112223",
        organisation="Farooq & Sons",
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _scan(registration, **extra):
    return {"code": badge_payload(registration.badge), "scan_id": str(uuid.uuid4()), "scanned_at": "", **extra}


def _sync(client, exhibitor, scans):
    return client.post(
        reverse("stall_leads_sync", args=[exhibitor.pk]), {"scans": scans}, content_type="application/json"
    )


def test_offline_scans_synced_twice_make_one_lead_with_one_note(member_client, exhibitor, sharing_visitor, member):
    scan = _scan(
        sharing_visitor,
        note="Wants 500 pairs of scissors a month",
        rating="hot",
        interest_product="Surgical scissors",
        quantity="500 a month",
        next_step="quote",
        scanned_at="2042-01-24T11:05:00+05:00",
    )

    first = _sync(member_client, exhibitor, [scan]).json()["results"]
    second = _sync(member_client, exhibitor, [scan]).json()["results"]

    assert first[0]["ok"]
    assert second[0]["ok"]
    assert first[0]["url"] == second[0]["url"]
    lead = Lead.objects.get()
    assert (lead.exhibitor, lead.registration, lead.source) == (exhibitor, sharing_visitor, Lead.Source.STALL_SCAN)
    assert (lead.rating, lead.interest_product, lead.quantity, lead.next_step) == (
        "hot",
        "Surgical scissors",
        "500 a month",
        "quote",
    )
    assert lead.captured_by == member
    assert list(lead.events.values_list("note", flat=True)) == ["Wants 500 pairs of scissors a month"]


def test_a_repeat_scan_adds_its_note_to_the_same_lead(member_client, exhibitor, sharing_visitor):
    _sync(member_client, exhibitor, [_scan(sharing_visitor, note="First visit", rating="cold")])
    answer = _sync(member_client, exhibitor, [_scan(sharing_visitor, note="Came back with the boss", rating="hot")])

    assert "Added to the lead" in answer.json()["results"][0]["message"]
    lead = Lead.objects.get()
    assert lead.rating == "hot"
    assert sorted(lead.events.values_list("note", flat=True)) == ["Came back with the boss", "First visit"]


def test_a_typed_badge_number_makes_a_lead(member_client, exhibitor, private_visitor):
    number = private_visitor.badge.number
    typed = f"{number[:4].lower()} {number[4:]}"

    answer = _sync(member_client, exhibitor, [{"code": typed, "scan_id": str(uuid.uuid4())}]).json()["results"][0]

    assert answer["ok"]
    assert Lead.objects.get().registration == private_visitor


@pytest.mark.parametrize(
    ("code", "reason"),
    [("B1.forged", "Not a badge code"), ("12", "Not a badge number"), ("ACDEFGHJ", "Unknown badge")],
)
def test_a_code_that_is_no_visitors_badge_is_refused_and_nothing_saved(member_client, exhibitor, code, reason):
    answer = _sync(member_client, exhibitor, [{"code": code, "scan_id": str(uuid.uuid4())}]).json()["results"][0]

    assert not answer["ok"]
    assert reason in answer["message"]
    assert not Lead.objects.exists()


def test_a_booth_staff_badge_makes_no_lead(member_client, exhibitor, other_exhibitor):
    person = BoothStaffFactory(exhibitor=other_exhibitor, full_name="Kamran Staff")
    badge = badge_issue(expo=other_exhibitor.expo, type="exhibitor", full_name=person.full_name, booth_staff=person)

    answer = _sync(member_client, exhibitor, [{"code": badge.number, "scan_id": str(uuid.uuid4())}]).json()

    assert "leads are for visitors" in answer["results"][0]["message"]
    assert not Lead.objects.exists()


def test_bad_fields_are_refused_with_the_field_and_nothing_saved(member_client, exhibitor, sharing_visitor):
    answer = _sync(member_client, exhibitor, [_scan(sharing_visitor, rating="scorching")]).json()["results"][0]

    assert not answer["ok"]
    assert "Rating" in answer["message"]
    assert not Lead.objects.exists()


def test_a_body_that_is_not_a_list_of_scans_is_refused(member_client, exhibitor):
    response = member_client.post(
        reverse("stall_leads_sync", args=[exhibitor.pk]), "nonsense", content_type="application/json"
    )

    assert response.status_code == 400


# --- Consent --------------------------------------------------------------------------------------------------


def test_email_and_phone_are_shown_only_with_the_visitors_consent(
    member_client, exhibitor, sharing_visitor, private_visitor
):
    _sync(member_client, exhibitor, [_scan(sharing_visitor), _scan(private_visitor)])

    page = member_client.get(reverse("stall_leads", args=[exhibitor.pk])).content.decode()
    private_lead = Lead.objects.get(registration=private_visitor)
    detail = member_client.get(reverse("stall_lead", args=[exhibitor.pk, private_lead.pk])).content.decode()
    export = member_client.get(reverse("stall_leads_export", args=[exhibitor.pk, "csv"])).content.decode("utf-8-sig")

    for shown in (page, export):
        assert "Sana Iqbal" in shown
        assert "sana@lahore-retail.example.pk" in shown
        assert "+92 321 7654321" in shown
        assert "Omar Farooq" in shown
        assert "Farooq &" in shown
    for hidden in (page, detail, export):
        assert "omar@private.example.pk" not in hidden
        assert "+92 333 1112223" not in hidden
    assert "Not shared by the visitor" in detail


def test_the_registration_form_asks_for_consent_unticked(client, expo):
    page = client.get(reverse("register")).content.decode()

    field = page.split('data-testid="share-contact"')[0].rsplit("<input", 1)[1]
    assert 'name="share_contact_with_exhibitors"' in field
    assert "checked" not in field


@pytest.mark.parametrize(("ticked", "shares"), [({"share_contact_with_exhibitors": "on"}, True), ({}, False)])
def test_the_registration_form_records_the_choice_to_share(expo, ticked, shares):
    data = {
        "category": "trade_visitor",
        "full_name": "Sana Iqbal",
        "email": "sana@lahore-retail.example.pk",
        "phone": "+92 321 7654321",
        "organisation": "Lahore Retail Co",
        "country": "PK",
        "city": "Lahore",
        "days": [expo.start_date.isoformat()],
        "consent": "on",
        **ticked,
    }
    form = RegistrationForm(data, expo=expo)
    assert form.is_valid(), form.errors

    registration, _created = registration_create(expo=expo, **form.person(), site_url="http://testserver/")

    assert registration.share_contact_with_exhibitors is shares


def test_a_visitor_who_withdraws_consent_is_hidden_from_the_exhibitor_at_once(
    client, member_client, exhibitor, sharing_visitor
):
    stall_leads.stall_lead_capture(
        exhibitor=exhibitor, code=sharing_visitor.badge.number, scan_id=uuid.uuid4(), by=None
    )
    leads_url = reverse("stall_leads", args=[exhibitor.pk])
    assert "sana@lahore-retail.example.pk" in member_client.get(leads_url).content.decode()
    token = links.manage_token(sharing_visitor)

    client.post(reverse("registration_share_contact", args=[token]), {"share": "0"})

    assert "sana@lahore-retail.example.pk" not in member_client.get(leads_url).content.decode()
    manage = client.get(reverse("registration_manage", args=[token])).content.decode()
    assert "see only your name and organisation" in manage
    client.post(reverse("registration_share_contact", args=[token]), {"share": "1"})
    assert "sana@lahore-retail.example.pk" in member_client.get(leads_url).content.decode()


def test_consent_cannot_be_changed_without_the_manage_link(client):
    assert client.post(reverse("registration_share_contact", args=["forged"]), {"share": "1"}).status_code == 404


# --- Who may -------------------------------------------------------------------------------------------------


def test_another_exhibitor_cannot_read_or_add_to_the_lead(
    client, exhibitor, other_exhibitor, outsider, sharing_visitor
):
    capture = stall_leads.stall_lead_capture(
        exhibitor=exhibitor, code=sharing_visitor.badge.number, scan_id=uuid.uuid4(), by=None, note="Ours"
    )
    client.force_login(outsider)

    assert client.get(reverse("stall_lead", args=[exhibitor.pk, capture.lead.pk])).status_code == 404
    assert client.get(reverse("stall_lead", args=[other_exhibitor.pk, capture.lead.pk])).status_code == 404
    assert (
        client.post(reverse("stall_lead", args=[other_exhibitor.pk, capture.lead.pk]), {"note": "x"}).status_code == 404
    )
    assert client.get(reverse("stall_leads", args=[exhibitor.pk])).status_code == 404
    assert client.get(reverse("stall_leads_export", args=[exhibitor.pk, "csv"])).status_code == 404
    assert _sync(client, exhibitor, [_scan(sharing_visitor)]).status_code == 404
    assert "Sana Iqbal" not in client.get(reverse("stall_leads", args=[other_exhibitor.pk])).content.decode()
    assert list(LeadEvent.objects.values_list("note", flat=True)) == ["Ours"]


def test_a_scan_id_used_by_another_exhibitor_is_refused(exhibitor, other_exhibitor, sharing_visitor):
    scan_id = uuid.uuid4()
    stall_leads.stall_lead_capture(exhibitor=exhibitor, code=sharing_visitor.badge.number, scan_id=scan_id, by=None)

    again = stall_leads.stall_lead_capture(
        exhibitor=other_exhibitor, code=sharing_visitor.badge.number, scan_id=scan_id, by=None
    )

    assert not again.ok
    assert Lead.objects.get().exhibitor == exhibitor


@pytest.mark.parametrize("name", ["stall_leads", "stall_leads_sync"])
def test_anonymous_is_sent_to_sign_in(client, exhibitor, name):
    response = client.get(reverse(name, args=[exhibitor.pk])) if name == "stall_leads" else _sync(client, exhibitor, [])

    assert response.status_code == 302
    assert "login" in response["Location"]


# --- The lead page --------------------------------------------------------------------------------------------


def test_the_exhibitor_rates_the_lead_and_adds_a_note(member_client, exhibitor, sharing_visitor):
    lead = stall_leads.stall_lead_capture(
        exhibitor=exhibitor, code=sharing_visitor.badge.number, scan_id=uuid.uuid4(), by=None
    ).lead
    url = reverse("stall_lead", args=[exhibitor.pk, lead.pk])

    member_client.post(
        url,
        {
            "rating": "warm",
            "interest_product": "Dental kits",
            "quantity": "",
            "next_step": "sample",
            "note": "Send samples",
        },
    )

    lead.refresh_from_db()
    assert (lead.rating, lead.interest_product, lead.next_step) == ("warm", "Dental kits", "sample")
    assert "Send samples" in member_client.get(url).content.decode()


def test_a_bad_rating_on_the_lead_page_is_shown_next_to_the_field(member_client, exhibitor, sharing_visitor):
    lead = stall_leads.stall_lead_capture(
        exhibitor=exhibitor, code=sharing_visitor.badge.number, scan_id=uuid.uuid4(), by=None, rating="cold"
    ).lead

    response = member_client.post(reverse("stall_lead", args=[exhibitor.pk, lead.pk]), {"rating": "lukewarm"})

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    lead.refresh_from_db()
    assert lead.rating == "cold"


# --- Exports and list pages ------------------------------------------------------------------------------------


def test_exports_escape_formulas(member_client, exhibitor, expo):
    visitor = register_visitor(
        expo, full_name='=HYPERLINK("http://evil")', organisation="+Evil", share_contact_with_exhibitors=True
    )
    stall_leads.stall_lead_capture(
        exhibitor=exhibitor,
        code=visitor.badge.number,
        scan_id=uuid.uuid4(),
        by=None,
        note="@SUM(A1)",
        interest_product="-1+1",
    )

    content = member_client.get(reverse("stall_leads_export", args=[exhibitor.pk, "csv"])).content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(content)))[1]
    assert '\'=HYPERLINK("http://evil")' in row
    assert "'+Evil" in row
    assert "'-1+1" in row
    assert "'@SUM(A1)" in row

    workbook = load_workbook(
        io.BytesIO(member_client.get(reverse("stall_leads_export", args=[exhibitor.pk, "xlsx"])).content)
    )
    cells = [cell for cell in next(workbook.active.iter_rows(min_row=2, max_row=2))]
    name = next(cell for cell in cells if cell.value == '=HYPERLINK("http://evil")')
    assert name.data_type == "s"


def test_export_carries_the_exhibitors_own_notes_only(member_client, exhibitor, sharing_visitor):
    lead = stall_leads.stall_lead_capture(
        exhibitor=exhibitor, code=sharing_visitor.badge.number, scan_id=uuid.uuid4(), by=None, note="Booth note"
    ).lead
    for side, note in ((LeadEvent.Side.STAFF, "SMEDA internal"), (LeadEvent.Side.VISITOR, "Visitor private")):
        LeadEvent.objects.create(lead=lead, side=side, kind=LeadEvent.Kind.NOTE, note=note)

    content = member_client.get(reverse("stall_leads_export", args=[exhibitor.pk, "csv"])).content.decode("utf-8-sig")

    assert "Booth note" in content
    assert "SMEDA internal" not in content
    assert "Visitor private" not in content


def test_list_and_export_queries_do_not_grow_with_leads(member_client, exhibitor, expo, sharing_visitor):
    stall_leads.stall_lead_capture(
        exhibitor=exhibitor, code=sharing_visitor.badge.number, scan_id=uuid.uuid4(), by=None, note="a"
    )
    urls = [reverse("stall_leads", args=[exhibitor.pk]), reverse("stall_leads_export", args=[exhibitor.pk, "csv"])]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            member_client.get(url)
        counts.append(len(one))

    for n in range(4):
        visitor = register_visitor(expo, full_name=f"Visitor {n}")
        stall_leads.stall_lead_capture(
            exhibitor=exhibitor, code=visitor.badge.number, scan_id=uuid.uuid4(), by=None, note="n"
        )
    for url, count in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as more:
            assert member_client.get(url).status_code == 200
        assert len(more) == count
