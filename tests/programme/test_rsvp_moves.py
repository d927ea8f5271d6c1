"""A session moved by staff: the people with a place are told what of theirs now falls at the same time (another
place, a B2B meeting), which their RSVP page shows as it shows any clash, and nothing is cancelled; a smaller room
keeps the places within its seats by the waitlist's order, and a larger one (or more seats) confirms the waitlist."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from matchmaking import services as matchmaking_services
from programme import services
from programme.models import Rsvp
from tests.factories import (
    ExhibitorParticipantFactory,
    MeetingRequestFactory,
    RoomFactory,
    SessionFactory,
    SlotFactory,
    TableFactory,
    VisitorParticipantFactory,
    confirmed_buyer,
    register_visitor,
)
from visitors import links

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")


def _at(expo, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(expo.start_date, datetime.time(hour, minute), tzinfo=KARACHI)


def _session(expo, room, title, hour, *, seats=None):
    if seats is not None:
        room = RoomFactory(hall=room.hall, capacity=seats)
    return SessionFactory(
        expo=expo,
        room=room,
        title=title,
        rsvp_required=True,
        starts_at=_at(expo, hour),
        ends_at=_at(expo, hour + 1),
    )


def _move(session, *, hour=None, room=None, capture):
    if hour is not None:
        session.starts_at, session.ends_at = _at(session.expo, hour), _at(session.expo, hour + 1)
    if room is not None:
        session.room = room
    mail.outbox.clear()
    with capture(execute=True):
        services.session_save(session=session)


def _mail_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def _card(client, person, session) -> str:
    """The card of ``session`` on ``person``'s RSVP page."""
    page = client.get(reverse("programme_rsvp", args=[links.manage_token(person)])).content.decode()
    return page.split(f'id="rsvp-{session.pk}"')[1].split("</article>")[0]


def _statuses(session, people):
    return [Rsvp.objects.get(session=session, registration=person).status for person in people]


def test_a_move_onto_another_place_tells_the_person_and_their_rsvp_page_shows_it(
    client, expo, room, django_capture_on_commit_callbacks
):
    clinic = _session(expo, room, "Export finance clinic", 10, seats=60)
    workshop = _session(expo, room, "Banana fibre workshop", 14)
    both, only_workshop = register_visitor(expo), register_visitor(expo)
    for person in (both, only_workshop):
        services.rsvp_create(session=workshop, registration=person)
    services.rsvp_create(session=clinic, registration=both)

    _move(workshop, hour=10, capture=django_capture_on_commit_callbacks)

    [told] = _mail_to(both)
    assert "At the same time you now also have" in told.body
    assert "- Export finance clinic, 10:00–11:00" in told.body
    assert "a clash" in told.subject
    [unaffected] = _mail_to(only_workshop)
    assert "At the same time" not in unaffected.body
    # Nothing is cancelled: both places stand, and the RSVP page shows the clash on the moved session.
    assert _statuses(workshop, [both, only_workshop]) == ["confirmed", "confirmed"]
    assert _statuses(clinic, [both]) == ["confirmed"]
    assert "At the same time as: Export finance clinic" in _card(client, both, workshop)
    assert "At the same time as:" not in _card(client, only_workshop, workshop)


def test_a_move_onto_a_b2b_meeting_tells_the_buyer(client, expo, room, django_capture_on_commit_callbacks):
    buyer = VisitorParticipantFactory(
        expo=expo, registration=confirmed_buyer(expo, organisation="Nairobi Med Supplies")
    )
    hilal = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo, organisation="Hilal Surgical")
    slot = SlotFactory(expo=expo, start=_at(expo, 10), end=_at(expo, 10, 30))
    request = MeetingRequestFactory(sender=buyer, receiver=hilal, status="accepted")
    matchmaking_services.meeting_book(meeting_request=request, slot=slot, table=TableFactory(expo=expo), by=None)
    workshop = _session(expo, room, "Banana fibre workshop", 14)
    services.rsvp_create(session=workshop, registration=buyer.registration)

    _move(workshop, hour=10, capture=django_capture_on_commit_callbacks)

    [told] = _mail_to(buyer.registration)
    assert "- B2B meeting with Hilal Surgical, 10:00–10:30" in told.body
    assert _statuses(workshop, [buyer.registration]) == ["confirmed"]
    page = client.get(reverse("programme_rsvp", args=[links.manage_token(buyer.registration)])).content.decode()
    assert "At the same time as: B2B meeting with Hilal Surgical" in page


def test_a_move_to_a_smaller_room_waitlists_those_who_asked_last_and_a_larger_one_confirms_them(
    expo, room, django_capture_on_commit_callbacks
):
    workshop = _session(expo, room, "Banana fibre workshop", 14, seats=3)
    people = [register_visitor(expo) for _ in range(4)]
    for person in people:
        services.rsvp_create(session=workshop, registration=person)
    assert _statuses(workshop, people) == ["confirmed", "confirmed", "confirmed", "waitlisted"]

    _move(workshop, room=RoomFactory(hall=room.hall, capacity=2), capture=django_capture_on_commit_callbacks)

    assert _statuses(workshop, people) == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert "yours is back on the waiting list" in _mail_to(people[2])[0].body
    assert "waiting list" not in _mail_to(people[0])[0].body
    assert len(mail.outbox) == 4  # everyone with a place is told of the new room, once

    # A place given up goes to the person who lost theirs, ahead of those who asked after them.
    services.rsvp_cancel(rsvp=Rsvp.objects.get(session=workshop, registration=people[0]))
    assert _statuses(workshop, people) == ["cancelled", "confirmed", "confirmed", "waitlisted"]

    _move(workshop, room=RoomFactory(hall=room.hall, capacity=10), capture=django_capture_on_commit_callbacks)

    assert _statuses(workshop, people) == ["cancelled", "confirmed", "confirmed", "confirmed"]
    assert "A place freed up" in _mail_to(people[3])[-1].body


def test_fewer_seats_in_a_room_waitlist_those_who_asked_last_and_tell_them(
    expo, room, django_capture_on_commit_callbacks
):
    workshop = _session(expo, room, "Banana fibre workshop", 14, seats=3)
    workshop.starts_at += datetime.timedelta(days=400)  # still to come whenever the test runs
    workshop.ends_at += datetime.timedelta(days=400)
    workshop.save()
    people = [register_visitor(expo) for _ in range(3)]
    for person in people:
        services.rsvp_create(session=workshop, registration=person)
    mail.outbox.clear()

    smaller = workshop.room
    smaller.capacity = 1
    with django_capture_on_commit_callbacks(execute=True):
        services.room_save(room=smaller)

    assert _statuses(workshop, people) == ["confirmed", "waitlisted", "waitlisted"]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([people[1].email, people[2].email])
    assert all(message.subject == "Waiting list: Banana fibre workshop" for message in mail.outbox)
