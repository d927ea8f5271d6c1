"""RSVP from the registration's manage link: places up to the room's seats, an ordered waitlist promoted on
cancellation (also under 100 simultaneous RSVPs), clashes shown, session changes emailed; bad links and other
editions' sessions refused."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from programme import services
from programme.models import Rsvp
from tests.factories import ExpoFactory, HallFactory, RoomFactory, SessionFactory, register_visitor
from visitors import links

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(expo, room):
    room.capacity = 2
    room.save()
    return SessionFactory(expo=expo, room=room, kind="workshop", title="Banana fibre workshop", rsvp_required=True)


def _visitor(expo, n: int):
    return register_visitor(expo, email=f"visitor{n}@example.pk", full_name=f"Visitor {n}")


def _url(registration, session=None) -> str:
    token = links.manage_token(registration)
    return (
        reverse("programme_rsvp_change", args=[token, session.pk])
        if session
        else reverse("programme_rsvp", args=[token])
    )


def test_visitor_books_from_the_manage_link_and_the_waitlist_is_promoted_in_order(
    client, expo, workshop, django_capture_on_commit_callbacks
):
    people = [_visitor(expo, n) for n in range(4)]
    manage = client.get(reverse("registration_manage", args=[links.manage_token(people[0])])).content.decode()
    assert _url(people[0]) in manage

    for person in people:
        client.post(_url(person, workshop), {"action": "rsvp"})

    statuses = [Rsvp.objects.get(registration=person).status for person in people]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    page = client.get(_url(people[2])).content.decode()
    assert 'data-rsvp-status="waitlisted"' in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(people[0], workshop), {"action": "cancel"})

    assert [Rsvp.objects.get(registration=person).status for person in people] == [
        "cancelled",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert [message.to for message in mail.outbox] == [[people[2].email]]
    assert "Banana fibre workshop" in mail.outbox[0].subject


def test_a_clash_with_another_place_is_shown_and_booked_only_when_asked(client, expo, workshop, room):
    person = _visitor(expo, 1)
    other = SessionFactory(
        expo=expo,
        room=RoomFactory(hall=room.hall),
        title="Export finance clinic",
        rsvp_required=True,
        starts_at=workshop.starts_at + datetime.timedelta(minutes=30),
        ends_at=workshop.ends_at + datetime.timedelta(minutes=30),
    )
    client.post(_url(person, workshop), {"action": "rsvp"})

    response = client.post(_url(person, other), {"action": "rsvp"})

    assert response.status_code == 409
    assert "Banana fibre workshop" in response.content.decode()
    assert not Rsvp.objects.filter(session=other).exists()
    client.post(_url(person, other), {"action": "rsvp", "accept_clash": "1"})
    assert Rsvp.objects.get(session=other).status == "confirmed"
    assert "At the same time as:" in client.get(_url(person)).content.decode()


def test_moving_or_cancelling_a_session_emails_everyone_with_a_place(
    expo, workshop, room, django_capture_on_commit_callbacks
):
    people = [_visitor(expo, n) for n in range(3)]
    for person in people:
        services.rsvp_create(session=workshop, registration=person)
    mail.outbox.clear()

    workshop.starts_at += datetime.timedelta(hours=3)
    workshop.ends_at += datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_save(session=workshop)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert "14:00" in mail.outbox[0].body  # the new time, in Pakistan time
    assert "/register/manage/" in mail.outbox[0].body
    mail.outbox.clear()

    workshop.title = "Banana fibre workshop (new speakers)"
    with django_capture_on_commit_callbacks(execute=True):
        services.session_save(session=workshop)
    assert mail.outbox == []  # only time, room and cancellation are news

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=workshop)
    assert len(mail.outbox) == 3
    assert "Cancelled" in mail.outbox[0].subject


def test_bad_links_and_sessions_not_open_for_rsvp_are_refused(client, expo, workshop, room):
    person = _visitor(expo, 1)
    token = links.manage_token(person)
    no_rsvp = SessionFactory(expo=expo, room=RoomFactory(hall=room.hall), rsvp_required=False)
    past = ExpoFactory(is_current=False)
    elsewhere = SessionFactory(expo=past, room=RoomFactory(hall=HallFactory(expo=past)), rsvp_required=True)

    assert client.get(reverse("programme_rsvp", args=[token + "x"])).status_code == 404
    assert (
        client.post(reverse("programme_rsvp_change", args=[token + "x", workshop.pk]), {"action": "rsvp"}).status_code
        == 404
    )
    assert client.post(_url(person, no_rsvp), {"action": "rsvp"}).status_code == 404
    assert client.post(_url(person, elsewhere), {"action": "rsvp"}).status_code == 404
    assert client.get(_url(person, workshop)).status_code == 405
    services.session_cancel(session=workshop)
    client.post(_url(person, workshop), {"action": "rsvp"})
    assert not Rsvp.objects.exists()


def test_rsvp_page_query_count_does_not_grow_with_the_sessions(client, expo, room):
    person = _visitor(expo, 1)

    def count() -> int:
        with connection.execute_wrapper(lambda execute, *args: execute(*args)):
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(_url(person)).status_code == 200
        return len(queries)

    session = SessionFactory(expo=expo, room=room, rsvp_required=True)
    services.rsvp_create(session=session, registration=person)
    few = count()
    for hours in range(1, 6):
        more = SessionFactory(
            expo=expo,
            room=room,
            rsvp_required=True,
            starts_at=session.starts_at + datetime.timedelta(hours=hours),
            ends_at=session.ends_at + datetime.timedelta(hours=hours),
        )
        services.rsvp_create(session=more, registration=person)
    assert count() == few


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_one_hundred_rsvps_at_once_for_sixty_seats(settings, expo, room):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from expo.celery import app

    room.capacity = 60
    room.save()
    session = SessionFactory(expo=expo, room=room, rsvp_required=True)
    people = [_visitor(expo, n) for n in range(100)]
    barrier = threading.Barrier(100)
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            services.rsvp_create(session=session, registration=people[index])
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    app.conf.task_always_eager = False
    try:
        threads = [threading.Thread(target=run, args=(index,)) for index in range(100)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors[:3]
        confirmed = Rsvp.objects.filter(session=session, status="confirmed")
        waitlisted = list(Rsvp.objects.filter(session=session, status="waitlisted").order_by("queued_at", "pk"))
        assert (confirmed.count(), len(waitlisted)) == (60, 40)
        # The queue is the order the places were given: every confirmed place was asked before every waitlisted one.
        last_confirmed = max(rsvp.queued_at for rsvp in confirmed)
        assert all(rsvp.queued_at >= last_confirmed for rsvp in waitlisted)

        services.rsvp_cancel(rsvp=confirmed.first())
        services.rsvp_cancel(rsvp=Rsvp.objects.filter(session=session, status="confirmed").first())
    finally:
        app.conf.task_always_eager = True
        app.control.purge()
    promoted = [rsvp.pk for rsvp in waitlisted[:2]]
    assert set(Rsvp.objects.filter(session=session, status="confirmed").values_list("pk", flat=True)) >= set(promoted)
    assert Rsvp.objects.filter(session=session, status="confirmed").count() == 60
    assert list(
        Rsvp.objects.filter(session=session, status="waitlisted")
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)
    ) == [rsvp.pk for rsvp in waitlisted[2:]]
