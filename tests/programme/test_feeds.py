"""One calendar per person, parsed with icalendar: a visitor's feed carries their B2B meetings beside their sessions
(table or stall, the other side, one UID per meeting across moves, cancelled meetings marked), an exhibitor's
member has a feed of their own (the exhibitor's meetings and the sessions they speak at), made and stopped from
the exhibitor's pages; a feed holds only its person's events; revoked or made-up links, and other exhibitors'
members, get a 404. A clash with a B2B meeting is shown on the RSVP page like a clash with another place."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from exhibitors.models import ExhibitorMembership
from matchmaking import services as matchmaking_services
from pavilions.models import StallAllocation
from programme import services
from programme.models import MemberCalendarFeed, Rsvp
from tests.factories import (
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorParticipantFactory,
    MeetingRequestFactory,
    SessionFactory,
    SlotFactory,
    SpeakerFactory,
    StallFactory,
    TableFactory,
    VisitorParticipantFactory,
    confirmed_buyer,
)
from visitors import links

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")


def _at(expo, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(expo.start_date, datetime.time(hour, minute), tzinfo=KARACHI)


@pytest.fixture
def slots(expo):
    """Half-hour meeting slots on the first day from 10:00 to 12:00."""
    starts = [_at(expo, 10) + datetime.timedelta(minutes=30 * k) for k in range(4)]
    return [SlotFactory(expo=expo, start=start, end=start + datetime.timedelta(minutes=30)) for start in starts]


@pytest.fixture
def table(expo):
    return TableFactory(expo=expo, number=7)


@pytest.fixture
def hilal(expo):
    return ExhibitorFactory(nomination__expo=expo, name="Hilal Surgical", public_email="sales@hilal.example.pk")


@pytest.fixture
def member(hilal):
    return ExhibitorMembershipFactory(exhibitor=hilal, user__email="owner@hilal.example.pk").user


@pytest.fixture
def outsider(expo):
    """A member of another exhibitor at the same expo."""
    return ExhibitorMembershipFactory(exhibitor=ExhibitorFactory(nomination__expo=expo, name="Zahra Sports")).user


@pytest.fixture
def hilal_participant(hilal):
    return ExhibitorParticipantFactory(exhibitor=hilal)


@pytest.fixture
def buyer(expo):
    registration = confirmed_buyer(
        expo, full_name="Wanjiru Kamau", email="wanjiru@nairobi-med.example.ke", organisation="Nairobi Med Supplies"
    )
    return VisitorParticipantFactory(expo=expo, registration=registration, organisation="Nairobi Med Supplies")


def _book(buyer, other, slot, table=None):
    request = MeetingRequestFactory(sender=buyer, receiver=other, status="accepted", at_stall=table is None)
    return matchmaking_services.meeting_book(meeting_request=request, slot=slot, table=table, by=None)


@pytest.fixture
def meetings(expo, buyer, hilal_participant, slots, table):
    """The buyer meets Hilal Surgical at table 7 at 10:00, and Sialkot Steel at its stall at 11:00."""
    steel = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo, organisation="Sialkot Steel")
    StallAllocation.objects.create(
        stall=StallFactory(code="H1-B-007", pavilion__hall__expo=expo), exhibitor=steel.exhibitor
    )
    return {"table": _book(buyer, hilal_participant, slots[0], table), "stall": _book(buyer, steel, slots[2])}


def _visitor_feed(client, registration) -> str:
    response = client.post(reverse("programme_calendar_issue", args=[links.manage_token(registration)]))
    assert response.status_code == 200
    return re.search(r'value="http://testserver(/programme/calendar/[^"]+)"', response.content.decode()).group(1)


def _member_feed(client, exhibitor) -> str:
    response = client.post(reverse("programme_member_calendar", args=[exhibitor.pk]), {"action": "issue"})
    assert response.status_code == 200
    return re.search(r'value="http://testserver(/programme/calendar/[^"]+)"', response.content.decode()).group(1)


def _events(client, url: str) -> dict[str, object]:
    """The feed's events by summary, after checking it parses and names its time zone."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert response["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    zones = [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")]
    assert zones == (["Asia/Karachi"] if events else [])
    return events


# --- A visitor's feed ---------------------------------------------------------------------------------------


def test_visitor_feed_has_their_sessions_and_meetings_in_pakistan_time(client, expo, room, buyer, meetings):
    workshop = SessionFactory(
        expo=expo, room=room, title="Banana fibre workshop", rsvp_required=True, starts_at=_at(expo, 14)
    )
    services.rsvp_create(session=workshop, registration=buyer.registration)

    events = _events(client, _visitor_feed(client, buyer.registration))

    assert sorted(events) == [
        "B2B meeting with Hilal Surgical",
        "B2B meeting with Sialkot Steel",
        "Banana fibre workshop",
    ]
    at_table = events["B2B meeting with Hilal Surgical"]
    start = at_table.decoded("dtstart")
    assert (start, start.tzinfo, at_table["dtstart"].params["TZID"]) == (_at(expo, 10), KARACHI, "Asia/Karachi")
    assert at_table.decoded("dtend") == _at(expo, 10, 30)
    assert str(at_table["location"]) == "Table 7, B2B lounge, Lahore Expo Centre"
    assert "sales@hilal.example.pk" in str(at_table["description"])
    assert str(at_table["status"]) == "CONFIRMED"
    assert str(events["B2B meeting with Sialkot Steel"]["location"]) == "Stall H1-B-007, Lahore Expo Centre"
    assert events["Banana fibre workshop"].decoded("dtstart") == _at(expo, 14)


def test_a_meeting_keeps_its_uid_when_moved_and_is_marked_cancelled(client, expo, buyer, meetings, slots, table):
    url = _visitor_feed(client, buyer.registration)
    first = _events(client, url)["B2B meeting with Hilal Surgical"]
    uid, sequence = str(first["uid"]), int(first["sequence"])
    # The agenda's own download gives the meeting the same UID, so a calendar holding both keeps one event.
    download = client.get(reverse("mm_visitor_agenda_ics", args=[links.manage_token(buyer.registration)])).content
    assert uid in [str(event["uid"]) for event in Calendar.from_ical(download).walk("VEVENT")]

    matchmaking_services.meeting_move(meeting=meetings["table"], slot=slots[1], table=table, by=None)
    moved = _events(client, url)["B2B meeting with Hilal Surgical"]
    assert (str(moved["uid"]), moved.decoded("dtstart")) == (uid, _at(expo, 10, 30))
    assert int(moved["sequence"]) >= sequence

    matchmaking_services.meeting_cancel(meeting=meetings["table"], by=None)
    cancelled = _events(client, url)["B2B meeting with Hilal Surgical"]
    assert (str(cancelled["uid"]), str(cancelled["status"])) == (uid, "CANCELLED")

    # Booked again later: the same event again, confirmed, and the cancelled one no longer listed beside it.
    matchmaking_services.meeting_book(meeting_request=meetings["table"].request, slot=slots[3], table=table, by=None)
    response = client.get(url)
    again = [e for e in Calendar.from_ical(response.content).walk("VEVENT") if str(e["uid"]) == uid]
    assert [(str(e["status"]), e.decoded("dtstart")) for e in again] == [("CONFIRMED", _at(expo, 11, 30))]
    assert int(again[0]["sequence"]) >= int(cancelled["sequence"])


def test_visitor_feed_holds_only_their_own_events(client, expo, buyer, meetings, hilal_participant, slots, table):
    other = VisitorParticipantFactory(expo=expo, organisation="Baku Trade")
    _book(other, hilal_participant, slots[1], TableFactory(expo=expo, number=8))

    events = _events(client, _visitor_feed(client, other.registration))

    assert list(events) == ["B2B meeting with Hilal Surgical"]
    assert events["B2B meeting with Hilal Surgical"].decoded("dtstart") == _at(expo, 10, 30)


def test_visitor_stops_their_link_and_it_is_a_404(client, buyer, meetings):
    url = _visitor_feed(client, buyer.registration)
    token = links.manage_token(buyer.registration)

    response = client.post(reverse("programme_calendar_revoke", args=[token]))

    assert response.status_code == 302
    assert client.get(url).status_code == 404
    assert client.post(reverse("programme_calendar_revoke", args=[token + "x"])).status_code == 404
    assert client.get(reverse("programme_calendar_revoke", args=[token])).status_code == 405


def test_feed_query_count_does_not_grow_with_meetings(client, expo, buyer, hilal_participant, slots, table):
    url = _visitor_feed(client, buyer.registration)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _book(buyer, hilal_participant, slots[0], table)
    few = count()
    for slot in slots[1:]:
        other = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo)
        meeting = _book(buyer, other, slot, table)
    matchmaking_services.meeting_cancel(meeting=meeting, by=None)
    many = count()

    assert len(_events(client, url)) == 4
    assert few == many


# --- An exhibitor member's feed -----------------------------------------------------------------------------


def test_member_feed_has_the_exhibitors_meetings_and_the_sessions_they_speak_at(
    client, expo, room, member, hilal, meetings
):
    speaker = SpeakerFactory(expo=expo, name="Ayesha Khan")
    speaker.members.add(member)
    talk = SessionFactory(expo=expo, room=room, title="Surgical exports to Kenya", starts_at=_at(expo, 15))
    talk.speakers.add(speaker)
    SessionFactory(expo=expo, room=room, title="Someone else's talk", starts_at=_at(expo, 16))
    client.force_login(member)
    page = client.get(reverse("mm_exhibitor_agenda", args=[hilal.pk])).content.decode()
    assert reverse("programme_member_calendar", args=[hilal.pk]) in page
    own_page = client.get(reverse("programme_member_calendar", args=[hilal.pk])).content.decode()
    assert 'data-testid="feed-none"' in own_page

    url = _member_feed(client, hilal)
    client.logout()  # calendar apps read the link without signing in
    events = _events(client, url)

    assert sorted(events) == ["B2B meeting with Nairobi Med Supplies", "Surgical exports to Kenya"]
    meeting = events["B2B meeting with Nairobi Med Supplies"]
    assert meeting.decoded("dtstart") == _at(expo, 10)
    assert str(meeting["location"]) == "Table 7, B2B lounge, Lahore Expo Centre"
    assert "wanjiru@nairobi-med.example.ke" in str(meeting["description"])
    assert events["Surgical exports to Kenya"].decoded("dtstart") == _at(expo, 15)

    services.session_cancel(session=talk)
    assert str(_events(client, url)["Surgical exports to Kenya"]["status"]) == "CANCELLED"


def test_a_member_who_only_speaks_finds_their_calendar_from_the_exhibitor_dashboard(client, member, hilal):
    client.force_login(member)

    dashboard = client.get(reverse("exhibitor_dashboard", args=[hilal.pk])).content.decode()

    assert f'href="{reverse("programme_member_calendar", args=[hilal.pk])}"' in dashboard
    page = client.get(reverse("programme_member_calendar", args=[hilal.pk])).content.decode()
    assert 'aria-current="page" href="{}"'.format(reverse("programme_member_calendar", args=[hilal.pk])) in page


def test_member_link_is_stored_as_a_hash_renewed_and_stopped(client, member, hilal, meetings):
    client.force_login(member)
    url = _member_feed(client, hilal)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in MemberCalendarFeed.objects.get().token_hash
    own_page = client.get(reverse("programme_member_calendar", args=[hilal.pk])).content.decode()
    assert 'data-testid="feed-issued"' in own_page

    new_url = _member_feed(client, hilal)
    assert client.get(url).status_code == 404
    assert client.get(new_url).status_code == 200

    response = client.post(reverse("programme_member_calendar", args=[hilal.pk]), {"action": "revoke"})
    assert response.status_code == 302
    assert client.get(new_url).status_code == 404
    assert not MemberCalendarFeed.objects.exists()


def test_member_link_stops_when_they_leave_the_exhibitor(client, member, hilal, meetings):
    client.force_login(member)
    url = _member_feed(client, hilal)

    ExhibitorMembership.objects.filter(user=member).delete()

    assert client.get(url).status_code == 404


def test_another_exhibitors_member_can_neither_get_nor_stop_the_link(client, member, outsider, hilal, meetings):
    client.force_login(member)
    url = _member_feed(client, hilal)
    client.force_login(outsider)
    page = reverse("programme_member_calendar", args=[hilal.pk])

    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "issue"}).status_code == 404
    assert client.post(page, {"action": "revoke"}).status_code == 404
    assert client.get(url).status_code == 200
    assert MemberCalendarFeed.objects.get().user == member
    client.logout()
    assert client.post(page, {"action": "issue"}).status_code == 302  # to sign in
    assert MemberCalendarFeed.objects.count() == 1


def test_outsiders_own_feed_has_none_of_these_meetings(client, outsider, hilal, meetings):
    client.force_login(outsider)
    outsider_exhibitor = outsider.exhibitormembership_set.get().exhibitor

    events = _events(client, _member_feed(client, outsider_exhibitor))

    assert events == {}


def test_made_up_links_and_unknown_actions_are_refused(client, member, hilal):
    client.force_login(member)

    assert client.get(reverse("programme_calendar_feed", args=["made-up"])).status_code == 404
    response = client.post(reverse("programme_member_calendar", args=[hilal.pk]), {"action": "publish"})
    assert response.status_code == 404
    assert not MemberCalendarFeed.objects.exists()


# --- A clash with a B2B meeting on the RSVP page -----------------------------------------------------------------


def test_rsvp_at_the_time_of_a_meeting_is_shown_and_booked_only_when_asked(client, expo, room, buyer, meetings):
    workshop = SessionFactory(
        expo=expo,
        room=room,
        title="Banana fibre workshop",
        rsvp_required=True,
        starts_at=_at(expo, 10, 15),
        ends_at=_at(expo, 10, 45),
    )
    token = links.manage_token(buyer.registration)
    change = reverse("programme_rsvp_change", args=[token, workshop.pk])

    listing = client.get(reverse("programme_rsvp", args=[token])).content.decode()
    assert "At the same time as:" in listing
    assert "B2B meeting with Hilal Surgical" in listing

    response = client.post(change, {"action": "rsvp"})

    assert response.status_code == 409
    assert "Your B2B agenda has “B2B meeting with Hilal Surgical” at that time." in response.content.decode()
    assert not Rsvp.objects.exists()
    client.post(change, {"action": "rsvp", "accept_clash": "1"})
    assert Rsvp.objects.get().status == "confirmed"


def test_a_cancelled_meeting_is_no_clash(client, expo, room, buyer, meetings):
    matchmaking_services.meeting_cancel(meeting=meetings["table"], by=None)
    workshop = SessionFactory(
        expo=expo, room=room, rsvp_required=True, starts_at=_at(expo, 10, 15), ends_at=_at(expo, 10, 45)
    )

    response = client.post(
        reverse("programme_rsvp_change", args=[links.manage_token(buyer.registration), workshop.pk]),
        {"action": "rsvp"},
    )

    assert response.status_code == 302
    assert Rsvp.objects.get().status == "confirmed"


def test_another_persons_meeting_is_no_clash(client, expo, room, meetings):
    person = confirmed_buyer(expo, email="someone@example.pk")
    workshop = SessionFactory(
        expo=expo, room=room, rsvp_required=True, starts_at=_at(expo, 10, 15), ends_at=_at(expo, 10, 45)
    )

    response = client.post(
        reverse("programme_rsvp_change", args=[links.manage_token(person), workshop.pk]), {"action": "rsvp"}
    )

    assert response.status_code == 302
    assert Rsvp.objects.get().registration == person
