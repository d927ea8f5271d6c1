"""Each participant's agenda: who, when, where, the other side's contact; the .ics feed; who may see it."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaking import services
from matchmaking.models import Table
from pavilions.models import StallAllocation
from tests.factories import (
    ExhibitorParticipantFactory,
    MeetingRequestFactory,
    StallFactory,
    register_visitor,
)
from visitors import links
from visitors.models import Registration

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")


def visitor_url(participant, name):
    return reverse(f"mm_visitor_{name}", args=[links.manage_token(participant.registration)])


def test_buyer_agenda_shows_who_when_where_and_the_contact(client, buyer, booked, slots):
    page = client.get(visitor_url(buyer, "agenda")).content.decode()

    first = slots[0].start.astimezone(KARACHI)
    assert f"{first:%H:%M}–{slots[0].end.astimezone(KARACHI):%H:%M}" in page
    assert "Hilal Surgical" in page
    assert f"Table {booked[0].table.number}, B2B lounge" in page
    assert "sales@hilal.example.pk" in page
    assert 'href="/floor-plan/?q=H1-B-007">H1-B-007</a>' in page
    assert page.index("Hilal Surgical") < page.index("Sialkot Steel")


def test_exhibitor_agenda_shows_the_buyers_contact(client, member, exhibitor_participant, booked):
    client.force_login(member)

    page = client.get(reverse("mm_exhibitor_agenda", args=[exhibitor_participant.exhibitor.pk])).content.decode()

    assert "Nairobi Med Supplies" in page
    assert "wanjiru@nairobi-med.example.ke" in page
    assert "Sialkot Steel" not in page


def test_ics_has_karachi_times_and_keeps_its_uid_when_the_meeting_moves(client, buyer, booked, slots):
    url = visitor_url(buyer, "agenda_ics")

    response = client.get(url)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    start = events[0].decoded("dtstart")
    assert start == slots[0].start
    assert start.utcoffset() == datetime.timedelta(hours=5)
    assert str(events[0]["summary"]) == "B2B meeting with Hilal Surgical"
    assert str(events[1]["location"]).startswith("Stall H1-B-007")
    uid = str(events[0]["uid"])

    services.meeting_move(meeting=booked[0], slot=slots[1], table=booked[0].table, by=None)

    moved = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert str(moved[0]["uid"]) == uid
    assert moved[0].decoded("dtstart") == slots[1].start


def test_another_buyer_sees_none_of_these_meetings(client, other_buyer, booked):
    page = client.get(visitor_url(other_buyer, "agenda")).content.decode()
    feed = client.get(visitor_url(other_buyer, "agenda_ics")).content

    assert "Hilal Surgical" not in page
    assert 'data-testid="mm-agenda-empty"' in page
    assert icalendar.Calendar.from_ical(feed).walk("VEVENT") == []


def test_member_of_another_exhibitor_gets_404(client, outsider, exhibitor_participant, booked):
    client.force_login(outsider)

    for name in ("mm_exhibitor_agenda", "mm_exhibitor_agenda_ics"):
        assert client.get(reverse(name, args=[exhibitor_participant.exhibitor.pk])).status_code == 404


def test_agenda_query_count_does_not_grow_with_meetings(client, expo, buyer, slots):
    def book(slot, *, at_stall=False):
        receiver = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo)
        StallAllocation.objects.create(stall=StallFactory(pavilion__hall__expo=expo), exhibitor=receiver.exhibitor)
        request = MeetingRequestFactory(sender=buyer, receiver=receiver, status="accepted", at_stall=at_stall)
        table = None if at_stall else Table.objects.first()
        services.meeting_book(meeting_request=request, slot=slot, table=table, by=None)

    book(slots[0], at_stall=True)
    with CaptureQueriesContext(connection) as few:
        client.get(visitor_url(buyer, "agenda"))
    book(slots[1])
    book(slots[2], at_stall=True)
    book(slots[3])
    with CaptureQueriesContext(connection) as many:
        page = client.get(visitor_url(buyer, "agenda")).content.decode()

    assert page.count('data-testid="mm-meeting-') == 4
    assert page.count('href="/floor-plan/?q=') == 2
    assert len(few.captured_queries) == len(many.captured_queries)


def test_manage_page_links_to_matchmaking_only_once_the_category_is_confirmed(client, expo, buyer_registration):
    requested = register_visitor(expo, category="investor", designation="Partner")
    assert requested.category_status == Registration.CategoryStatus.REQUESTED

    confirmed_page = client.get(links.manage_path(buyer_registration)).content.decode()
    requested_page = client.get(links.manage_path(requested)).content.decode()

    assert 'data-testid="matchmaking-link"' in confirmed_page
    assert reverse("mm_visitor_home", args=[links.manage_token(buyer_registration)]) in confirmed_page
    assert 'data-testid="matchmaking-link"' not in requested_page
