"""The personal calendar feed, parsed with icalendar: local times, one UID per session across changes, cancelled
sessions marked; the link is secret (only its hash stored), revoked by a new one; and the matchmaking breaks hook."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from programme import selectors, services
from programme.models import CalendarFeed
from tests.factories import RoomFactory, SessionFactory, register_visitor
from visitors import links

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(expo):
    return register_visitor(expo, email="sana@example.pk", full_name="Sana Malik")


@pytest.fixture
def workshop(expo, room):
    return SessionFactory(expo=expo, room=room, kind="workshop", title="Banana fibre workshop", rsvp_required=True)


def _issue(client, person) -> str:
    response = client.post(reverse("programme_calendar_issue", args=[links.manage_token(person)]))
    assert response.status_code == 200
    return re.search(r'value="(http://testserver/programme/calendar/[^"]+)"', response.content.decode()).group(1)


def _events(client, url: str) -> list:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_feed_has_the_persons_sessions_in_pakistan_time_and_follows_changes(client, expo, room, person, workshop):
    services.rsvp_create(session=workshop, registration=person)
    SessionFactory(expo=expo, room=RoomFactory(hall=room.hall), rsvp_required=True, title="Not booked")
    url = _issue(client, person)

    [event] = _events(client, url)
    start = event.decoded("dtstart")
    assert str(event["summary"]) == "Banana fibre workshop"
    assert (start.hour, start.tzinfo) == (11, ZoneInfo("Asia/Karachi"))
    assert event["dtstart"].params["TZID"] == "Asia/Karachi"
    assert str(event["status"]) == "CONFIRMED"
    uid, sequence = str(event["uid"]), int(event["sequence"])

    workshop.starts_at += datetime.timedelta(hours=2)
    workshop.ends_at += datetime.timedelta(hours=2)
    services.session_save(session=workshop)
    [moved] = _events(client, url)
    assert str(moved["uid"]) == uid
    assert moved.decoded("dtstart").hour == 13
    assert int(moved["sequence"]) >= sequence

    services.session_cancel(session=workshop)
    [cancelled] = _events(client, url)
    assert (str(cancelled["uid"]), str(cancelled["status"])) == (uid, "CANCELLED")


def test_feed_link_is_stored_only_as_a_hash_and_a_new_one_revokes_it(client, person, workshop):
    url = _issue(client, person)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in CalendarFeed.objects.get().token_hash

    new_url = _issue(client, person)

    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert _events(client, new_url) == []


def test_unknown_feed_links_and_bad_manage_links_are_refused(client, person):
    assert client.get(reverse("programme_calendar_feed", args=["made-up"])).status_code == 404
    bad = links.manage_token(person) + "x"
    assert client.post(reverse("programme_calendar_issue", args=[bad])).status_code == 404
    assert client.get(reverse("programme_calendar_issue", args=[links.manage_token(person)])).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_meeting_breaks_are_the_ceremonies_and_sessions_without_meetings(expo, room):
    opening = SessionFactory(expo=expo, room=room, kind="ceremony", title="Opening ceremony")
    later = opening.starts_at + datetime.timedelta(hours=2)
    hour = datetime.timedelta(hours=1)
    SessionFactory(expo=expo, room=room, kind="talk", title="A talk", starts_at=later, ends_at=later + hour)
    quiet = SessionFactory(
        expo=expo,
        room=room,
        kind="panel",
        title="Keynote panel",
        no_meetings_during=True,
        starts_at=later + hour,
        ends_at=later + 2 * hour,
    )
    awards = services.session_cancel(
        session=SessionFactory(
            expo=expo, room=room, kind="awards", title="Awards", starts_at=later + 3 * hour, ends_at=later + 4 * hour
        )
    )

    breaks = selectors.meeting_breaks(expo)

    assert breaks == [
        (opening.starts_at, opening.ends_at, "Opening ceremony"),
        (quiet.starts_at, quiet.ends_at, "Keynote panel"),
    ]
    assert awards.is_cancelled
