"""Meetings held: both badges scanned at the table (the lounge desk, or a side's phone), both sides' word, and
no-shows once the slot is over; the desk's tally per day and per table."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expo import roles
from matchmaking import attendance, services
from matchmaking.models import Meeting, MeetingAttendance, MeetingNoShow, MeetingRequest, Slot, Table
from tests.conftest import staff_member
from tests.factories import BoothStaffFactory, MeetingRequestFactory, StaffFactory
from visitors import links
from visitors.badges import badge_payload
from visitors.services import badge_issue

pytestmark = pytest.mark.django_db


def _book(sender, receiver, *, slot, table):
    request = MeetingRequestFactory(sender=sender, receiver=receiver, status=MeetingRequest.Status.ACCEPTED)
    return services.meeting_book(meeting_request=request, slot=slot, table=table, by=None)


@pytest.fixture
def slots(expo):
    return list(Slot.objects.filter(expo=expo).order_by("start"))


@pytest.fixture
def meeting(expo, buyer, exhibitor_participant, slots):
    return _book(buyer, exhibitor_participant, slot=slots[0], table=Table.objects.filter(expo=expo).first())


@pytest.fixture
def booth_badge(exhibitor):
    person = BoothStaffFactory(exhibitor=exhibitor, full_name="Bilal Ahmed")
    return badge_issue(expo=exhibitor.expo, type="exhibitor", full_name=person.full_name, booth_staff=person)


@pytest.fixture
def desk_client(client):
    client.force_login(staff_member(roles.MATCHMAKING_DESK))
    return client


def _during(meeting) -> datetime.datetime:
    return meeting.slot.start + datetime.timedelta(minutes=5)


def _after(meeting) -> datetime.datetime:
    return meeting.slot.end + datetime.timedelta(minutes=1)


# --- Held by a double scan ---------------------------------------------------------------------------------


def test_both_badges_scanned_at_the_table_make_the_meeting_held(meeting, buyer_registration, booth_badge):
    first = attendance.attendance_scan(meeting=meeting, code=badge_payload(buyer_registration.badge), by=None)
    assert not first.held
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.SCHEDULED

    second = attendance.attendance_scan(meeting=meeting, code=booth_badge.number, by=None)

    assert second.held
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert meeting.held_at is not None
    assert set(meeting.attendances.values_list("how", flat=True)) == {MeetingAttendance.How.SCAN}


def test_the_same_badge_scanned_twice_is_one_side_only(meeting, buyer_registration):
    code = badge_payload(buyer_registration.badge)
    attendance.attendance_scan(meeting=meeting, code=code, by=None)
    again = attendance.attendance_scan(meeting=meeting, code=code, by=None)

    assert not again.held
    assert meeting.attendances.count() == 1


def test_a_badge_not_in_the_meeting_is_refused_with_the_reason(meeting, other_buyer):
    with pytest.raises(services.MatchmakingError) as refused:
        attendance.attendance_scan(meeting=meeting, code=badge_payload(other_buyer.registration.badge), by=None)

    assert "Aziz Aliyev" in str(refused.value)
    assert "not in this meeting" in str(refused.value)
    assert not MeetingAttendance.objects.exists()


@pytest.mark.parametrize(
    ("code", "reason"), [("B1.not-a-code", "Not a badge code"), ("ZZZZ", "Not a badge number"), ("ACDEFGHJ", "Unknown")]
)
def test_a_code_that_is_no_badge_is_refused(meeting, code, reason):
    with pytest.raises(services.MatchmakingError, match=reason):
        attendance.attendance_scan(meeting=meeting, code=code, by=None)


def test_a_revoked_badge_is_refused(meeting, buyer_registration):
    badge = buyer_registration.badge
    badge.revoked = True
    badge.save()

    with pytest.raises(services.MatchmakingError, match="Revoked"):
        attendance.attendance_scan(meeting=meeting, code=badge.number, by=None)


def test_a_cancelled_meeting_takes_no_scan(meeting, buyer_registration):
    services.meeting_cancel(meeting=meeting, by=None)

    with pytest.raises(services.MatchmakingError, match="cancelled"):
        attendance.attendance_scan(meeting=meeting, code=buyer_registration.badge.number, by=None)


# --- A side's phone, from the agenda ----------------------------------------------------------------------


def test_an_exhibitor_scanning_the_buyers_badge_from_its_agenda_holds_the_meeting(
    client, meeting, member, exhibitor, buyer_registration
):
    client.force_login(member)
    url = reverse("mm_exhibitor_meeting_scan", args=[exhibitor.pk, meeting.pk])

    response = client.post(url, {"code": buyer_registration.badge.number}, follow=True)

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert "the meeting is held" in response.content.decode()
    assert 'data-testid="mm-held"' in response.content.decode()


def test_a_side_scanning_its_own_badge_is_refused(client, meeting, buyer, buyer_registration):
    url = reverse("mm_visitor_meeting_scan", args=[links.manage_token(buyer_registration), meeting.pk])

    response = client.post(url, {"code": buyer_registration.badge.number}, follow=True)

    assert "your own badge" in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_both_sides_confirming_hold_the_meeting(client, meeting, member, exhibitor, buyer_registration, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: _during(meeting))
    client.post(reverse("mm_visitor_meeting_confirm", args=[links.manage_token(buyer_registration), meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.SCHEDULED

    client.force_login(member)
    client.post(reverse("mm_exhibitor_meeting_confirm", args=[exhibitor.pk, meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert set(meeting.attendances.values_list("how", flat=True)) == {MeetingAttendance.How.CONFIRM}


def test_a_meeting_cannot_be_confirmed_before_its_time(meeting, buyer):
    with pytest.raises(services.MatchmakingError):
        attendance.attendance_confirm(
            meeting=meeting, participant=buyer, by=None, now=meeting.slot.start - datetime.timedelta(hours=1)
        )
    assert not MeetingAttendance.objects.exists()


def test_another_exhibitor_cannot_scan_at_the_meeting(client, meeting, outsider, other_exhibitor, buyer_registration):
    client.force_login(outsider)

    for exhibitor_pk in (other_exhibitor.pk, meeting.request.receiver.exhibitor_id):
        url = reverse("mm_exhibitor_meeting_scan", args=[exhibitor_pk, meeting.pk])
        assert client.post(url, {"code": buyer_registration.badge.number}).status_code == 404
    assert not MeetingAttendance.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, meeting, exhibitor):
    response = client.post(reverse("mm_exhibitor_meeting_scan", args=[exhibitor.pk, meeting.pk]), {"code": "x"})

    assert response.status_code == 302
    assert "login" in response["Location"]


# --- No-shows --------------------------------------------------------------------------------------------------


def test_a_side_reports_a_no_show_once_the_slot_is_over(client, meeting, member, exhibitor, buyer, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: _after(meeting))
    client.force_login(member)

    client.post(reverse("mm_exhibitor_meeting_no_show", args=[exhibitor.pk, meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.NO_SHOW
    assert meeting.no_show.absent == buyer


def test_no_show_refused_before_the_slot_is_over(meeting, buyer):
    with pytest.raises(services.MatchmakingError, match="over"):
        attendance.no_show_report(meeting=meeting, reporter=buyer, by=None, now=_during(meeting))
    assert not MeetingNoShow.objects.exists()


def test_no_show_refused_for_a_meeting_held(meeting, buyer, buyer_registration, booth_badge):
    attendance.attendance_scan(meeting=meeting, code=buyer_registration.badge.number, by=None)
    attendance.attendance_scan(meeting=meeting, code=booth_badge.number, by=None)

    with pytest.raises(services.MatchmakingError, match="held"):
        attendance.no_show_report(meeting=meeting, reporter=buyer, by=None, now=_after(meeting))


def test_a_meeting_reported_missed_then_scanned_by_both_is_held(meeting, buyer, buyer_registration, booth_badge):
    attendance.no_show_report(meeting=meeting, reporter=buyer, by=None, now=_after(meeting))
    attendance.attendance_scan(meeting=meeting, code=buyer_registration.badge.number, by=None)
    attendance.attendance_scan(meeting=meeting, code=booth_badge.number, by=None)

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert not MeetingNoShow.objects.exists()


def test_a_held_meeting_keeps_its_table_and_stays_on_the_agenda(
    client, meeting, buyer, buyer_registration, booth_badge, expo
):
    attendance.attendance_scan(meeting=meeting, code=buyer_registration.badge.number, by=None)
    attendance.attendance_scan(meeting=meeting, code=booth_badge.number, by=None)

    page = client.get(reverse("mm_visitor_agenda", args=[links.manage_token(buyer_registration)])).content.decode()

    assert f'data-testid="mm-attendance-{meeting.pk}"' in page
    assert 'data-testid="mm-held"' in page


# --- The lounge desk ------------------------------------------------------------------------------------------


def test_desk_scans_both_badges_and_sees_the_tally(desk_client, meeting, buyer_registration, booth_badge):
    url = reverse("mm_desk_attendance_scan", args=[meeting.pk])
    desk_client.post(url, {"code": badge_payload(buyer_registration.badge)})
    desk_client.post(url, {"code": booth_badge.number})

    page = desk_client.get(reverse("mm_desk_attendance")).content.decode()

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    day = timezone.localtime(meeting.slot.start, datetime.timezone(datetime.timedelta(hours=5))).date()
    tally = page.split(f'data-testid="mm-tally-day-{day:%Y-%m-%d}"')[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in tally.split("</td>")[2:6]] == ["1", "0", "0", "1"]


def test_desk_scan_of_a_badge_not_in_the_meeting_shows_the_reason(desk_client, meeting, other_buyer):
    response = desk_client.post(
        reverse("mm_desk_attendance_scan", args=[meeting.pk]),
        {"code": other_buyer.registration.badge.number},
        follow=True,
    )

    assert "not in this meeting" in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_desk_records_both_sides_seen_without_badges(desk_client, meeting, buyer, exhibitor_participant, other_buyer):
    for side in (buyer, exhibitor_participant):
        desk_client.post(reverse("mm_desk_attendance_seen", args=[meeting.pk, side.pk]))
    outsider = desk_client.post(reverse("mm_desk_attendance_seen", args=[meeting.pk, other_buyer.pk]))

    assert outsider.status_code == 404
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert set(meeting.attendances.values_list("how", flat=True)) == {MeetingAttendance.How.DESK}


def test_desk_page_needs_the_permission(client, meeting):
    client.force_login(StaffFactory())

    assert client.get(reverse("mm_desk_attendance")).status_code == 404
    assert client.post(reverse("mm_desk_attendance_scan", args=[meeting.pk]), {"code": "x"}).status_code == 404


def test_desk_page_queries_do_not_grow_with_meetings(
    desk_client, expo, buyer, other_buyer, exhibitor_participant, slots
):
    tables = list(Table.objects.filter(expo=expo))
    _book(buyer, exhibitor_participant, slot=slots[0], table=tables[0])
    url = reverse("mm_desk_attendance")
    with CaptureQueriesContext(connection) as one:
        desk_client.get(url)

    meeting = _book(other_buyer, exhibitor_participant, slot=slots[1], table=tables[1])
    attendance.attendance_record_by_desk(meeting=meeting, participant=other_buyer, by=None)
    with CaptureQueriesContext(connection) as more:
        assert desk_client.get(url).status_code == 200

    assert len(more) == len(one)
