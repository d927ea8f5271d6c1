"""The support desk's queue and request pages: filters, overdue flags, assigning, changing status with a note
(emailed to the exhibitor), the outcome, requests for any enterprise, and who may not open any of it."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expo.models import OutboundEmail, Province
from support.models import Kind, SupportNote, SupportRequest
from tests.factories import EnterpriseFactory, UserFactory
from tests.support.conftest import SupportRequestFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _queue(client, **filters):
    response = client.get(reverse("support_queue"), filters)
    assert response.status_code == 200
    return sorted(request.pk for request in response.context["page"])


@pytest.fixture
def queue_rows(exhibitor, other_exhibitor, teams, officer):
    """Four requests: late and on time, of two kinds, two provinces, two teams, owned or not."""
    late = SupportRequestFactory(
        exhibitor=exhibitor, team=teams["certification"], due_on=TODAY - datetime.timedelta(days=1)
    )
    due_today = SupportRequestFactory(
        exhibitor=exhibitor, kind=Kind.FINANCE, team=teams["finance"], due_on=TODAY, owner=officer
    )
    late_but_answered = SupportRequestFactory(
        exhibitor=other_exhibitor,
        team=teams["sindh"],
        due_on=TODAY - datetime.timedelta(days=9),
        status=SupportRequest.Status.ANSWERED,
    )
    late_in_progress = SupportRequestFactory(
        exhibitor=other_exhibitor,
        kind=Kind.FINANCE,
        team=teams["finance"],
        due_on=TODAY - datetime.timedelta(days=3),
        status=SupportRequest.Status.IN_PROGRESS,
        owner=officer,
    )
    return {"late": late, "due_today": due_today, "answered": late_but_answered, "in_progress": late_in_progress}


def test_queue_filters_by_kind_province_status_team_owner_and_overdue(client, officer, queue_rows, teams):
    rows = {name: row.pk for name, row in queue_rows.items()}
    client.force_login(officer)
    assert _queue(client) == sorted(rows.values())
    assert _queue(client, kind=Kind.FINANCE) == sorted([rows["due_today"], rows["in_progress"]])
    assert _queue(client, province=Province.SINDH) == sorted([rows["answered"], rows["in_progress"]])
    assert _queue(client, status=SupportRequest.Status.ANSWERED) == [rows["answered"]]
    assert _queue(client, team=teams["finance"].pk) == sorted([rows["due_today"], rows["in_progress"]])
    assert _queue(client, owner="me") == sorted([rows["due_today"], rows["in_progress"]])
    assert _queue(client, owner=str(officer.pk), kind=Kind.CERTIFICATION) == []
    assert _queue(client, owner="none") == sorted([rows["late"], rows["answered"]])
    # Late means open and past its due day: answered requests and those due today are not.
    assert _queue(client, overdue="on") == sorted([rows["late"], rows["in_progress"]])


def test_queue_flags_overdue_requests_and_lists_them_first(client, officer, queue_rows):
    client.force_login(officer)
    response = client.get(reverse("support_queue"))
    listed = [(request.pk, request.overdue) for request in response.context["page"]]
    assert listed == [
        (queue_rows["in_progress"].pk, True),
        (queue_rows["late"].pk, True),
        (queue_rows["answered"].pk, False),
        (queue_rows["due_today"].pk, False),
    ]
    assert response.content.decode().count('data-testid="overdue"') == 2


def test_queue_with_an_unknown_filter_value_lists_everything(client, officer, queue_rows):
    client.force_login(officer)
    assert len(_queue(client, kind="astrology")) == 4


def test_queue_makes_as_many_queries_for_many_requests_as_for_one(client, officer, exhibitor, teams):
    client.force_login(officer)
    url = reverse("support_queue")
    SupportRequestFactory(exhibitor=exhibitor, team=teams["finance"], owner=officer)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    SupportRequestFactory.create_batch(5, exhibitor=exhibitor, team=teams["certification"], owner=officer)
    SupportRequestFactory.create_batch(3, team=teams["sindh"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"]) == 9
    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    ["support_queue", "support_staff_new", "support_staff_request", "followup_leads", "followup_requests"],
)
def test_other_staff_exhibitors_and_the_public_are_refused(client, gate_staff, exhibitor_member, exhibitor, url_name):
    support_request = SupportRequestFactory(exhibitor=exhibitor)
    url = reverse(url_name, args=[support_request.pk] if url_name == "support_staff_request" else [])
    for user in (gate_staff, exhibitor_member, None):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(gate_staff)
    status_url = reverse("support_staff_status", args=[support_request.pk])
    assert client.post(status_url, {"status": "closed", "note": "Closing it."}).status_code == 404
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.NEW


def test_desk_member_without_an_authenticator_is_sent_to_set_one_up(client, officer):
    Authenticator.objects.filter(user=officer).delete()
    client.force_login(officer)
    response = client.get(reverse("support_queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp") + "?next=%2Fstaff%2Fsupport%2F"


def test_assigning_an_owner_makes_a_new_request_assigned_and_tells_the_exhibitor(
    client, officer, exhibitor, exhibitor_member, teams, django_capture_on_commit_callbacks
):
    support_request = SupportRequestFactory(exhibitor=exhibitor, team=teams["certification"])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support_staff_assign", args=[support_request.pk]),
            {"owner": officer.pk, "team": teams["finance"].pk},
        )
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert (support_request.owner, support_request.team) == (officer, teams["finance"])
    assert support_request.status == SupportRequest.Status.ASSIGNED
    # The new team's SLA counts from the day the request was asked.
    assert support_request.due_on == timezone.localdate(support_request.created_at) + datetime.timedelta(days=5)
    email = OutboundEmail.objects.get()
    assert email.to == exhibitor_member.email
    assert "is now: Assigned" in email.subject


def test_status_change_with_a_note_is_kept_and_emailed_to_the_exhibitor(
    client, officer, exhibitor, exhibitor_member, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    support_request = SupportRequestFactory(exhibitor=exhibitor, contact_email="export@surgical.example.pk")
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support_staff_status", args=[support_request.pk]),
            {"status": SupportRequest.Status.ANSWERED, "note": "ISO 13485 consultants in Sialkot: see the list."},
        )
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.ANSWERED
    note = SupportNote.objects.get(request=support_request, status_from=SupportRequest.Status.NEW)
    assert (note.status_to, note.by, note.shared) == (SupportRequest.Status.ANSWERED, officer, True)
    assert sorted(message.to[0] for message in mailoutbox) == [
        "colleague@surgical.example.pk",
        "export@surgical.example.pk",
        "owner@surgical.example.pk",
    ]
    message = mailoutbox[0]
    assert message.subject == f"Your support request #{support_request.pk} is now: Answered"
    assert "ISO 13485 consultants in Sialkot: see the list." in message.body
    assert f"http://testserver/exhibitor/{exhibitor.pk}/support/{support_request.pk}/" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("support_staff_status", args=[support_request.pk]),
            {"status": SupportRequest.Status.CLOSED, "note": "Closed after the audit."},
        )
    support_request.refresh_from_db()
    assert support_request.closed_at is not None
    assert len(mailoutbox) == 6


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "answered", "note": ""}, "note", "This field is required."),
        ({"status": "lost", "note": "x"}, "status", "Select a valid choice. lost is not one of the available choices."),
        ({"status": "new", "note": "Again"}, "status", "The request is already “New”."),
    ],
)
def test_status_change_refused_next_to_its_field_changes_nothing(client, officer, exhibitor, data, field, message):
    support_request = SupportRequestFactory(exhibitor=exhibitor)
    client.force_login(officer)
    response = client.post(reverse("support_staff_status", args=[support_request.pk]), data)
    assert response.status_code == 200
    assert response.context["status_form"].errors == {field: [message]}
    assert f'id="error_1_id_{field}"' in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.NEW
    assert not SupportNote.objects.exclude(kind=SupportNote.Kind.STATUS, status_from="").exists()
    assert not OutboundEmail.objects.exists()


def test_outcome_and_notes_are_kept_in_the_history(client, officer, exhibitor):
    support_request = SupportRequestFactory(exhibitor=exhibitor)
    client.force_login(officer)
    client.post(reverse("support_staff_note", args=[support_request.pk]), {"text": "Called the owner."})
    client.post(
        reverse("support_staff_outcome", args=[support_request.pk]), {"outcome": "Certified ISO 9001 in March."}
    )
    assert client.post(reverse("support_staff_outcome", args=[support_request.pk]), {"outcome": ""}).status_code == 200
    support_request.refresh_from_db()
    assert support_request.outcome == "Certified ISO 9001 in March."
    page = client.get(reverse("support_staff_request", args=[support_request.pk])).content.decode()
    assert "Called the owner." in page
    assert "Certified ISO 9001 in March." in page
    assert list(support_request.notes.values_list("kind", "text")) == [
        ("note", "Called the owner."),
        ("outcome", "Certified ISO 9001 in March."),
    ]


def test_staff_record_a_request_for_any_enterprise(client, officer, expo, teams, exhibitor):
    enterprise = EnterpriseFactory(legal_name="Hala Ajrak Weavers", province=Province.SINDH)
    client.force_login(officer)
    data = {
        "enterprise": enterprise.pk,
        "kind": Kind.CERTIFICATION,
        "province": "",
        "description": "Needs a halal certificate for its dyes before a Malaysian order.",
        "contact_email": "ajrak@example.pk",
    }
    response = client.post(reverse("support_staff_new"), data)
    support_request = SupportRequest.objects.get()
    assert response["Location"] == reverse("support_staff_request", args=[support_request.pk])
    assert (support_request.enterprise, support_request.exhibitor, support_request.expo) == (enterprise, None, expo)
    assert support_request.province == Province.SINDH  # the enterprise's, when staff leave it
    assert support_request.team == teams["sindh"]
    assert support_request.created_by == officer
    # An exhibiting enterprise's request is the exhibitor's too: its members see it.
    client.post(reverse("support_staff_new"), {**data, "enterprise": exhibitor.enterprise.pk, "province": "kp"})
    assert SupportRequest.objects.get(enterprise=exhibitor.enterprise).exhibitor == exhibitor


def test_staff_request_with_bad_input_saves_nothing(client, officer, expo):
    client.force_login(officer)
    response = client.post(
        reverse("support_staff_new"),
        {"enterprise": "999999", "kind": Kind.FINANCE, "description": "short", "contact_email": "not an address"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"enterprise", "description", "contact_email"}
    assert not SupportRequest.objects.exists()


def test_desk_officer_may_be_any_support_team_member(client, officer, exhibitor, teams):
    member = UserFactory(email="finance.team@smeda.example.pk")
    teams["finance"].members.add(member)
    outsider = UserFactory(email="someone@example.pk")
    support_request = SupportRequestFactory(exhibitor=exhibitor)
    client.force_login(officer)
    client.post(reverse("support_staff_assign", args=[support_request.pk]), {"owner": outsider.pk})
    support_request.refresh_from_db()
    assert support_request.owner is None
    client.post(reverse("support_staff_assign", args=[support_request.pk]), {"owner": member.pk})
    support_request.refresh_from_db()
    assert support_request.owner == member
