"""A room holds one session at a time and a speaker speaks at one session at a time: in the services, in the
database (PostgreSQL's exclusion constraint) and under simultaneous writes."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from programme import services
from programme.models import Session, SessionSpeaker
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory


def _at(session: Session, *, hours: float, length: float = 1) -> dict:
    """Times ``hours`` after ``session`` starts, lasting ``length`` hours."""
    starts_at = session.starts_at + datetime.timedelta(hours=hours)
    return {"starts_at": starts_at, "ends_at": starts_at + datetime.timedelta(hours=length)}


def _new(expo, room, **times) -> Session:
    return Session(expo=expo, room=room, kind="panel", title="Cluster finance panel", **times)


def test_session_in_a_taken_room_is_refused_and_not_saved(expo, room):
    first = SessionFactory(expo=expo, room=room, title="Opening ceremony")
    with pytest.raises(services.ProgrammeError, match="Opening ceremony") as error:
        services.session_save(session=_new(expo, room, **_at(first, hours=0.5)))
    assert error.value.field == "room"
    assert Session.objects.count() == 1


def test_back_to_back_sessions_and_other_rooms_are_allowed(expo, room):
    first = SessionFactory(expo=expo, room=room)
    services.session_save(session=_new(expo, room, **_at(first, hours=1)))
    services.session_save(session=_new(expo, RoomFactory(hall=room.hall), **_at(first, hours=0)))
    assert Session.objects.count() == 3


def test_a_cancelled_session_frees_its_room(expo, room):
    first = services.session_cancel(session=SessionFactory(expo=expo, room=room))
    assert first.is_cancelled
    services.session_save(session=_new(expo, room, **_at(first, hours=0)))
    assert Session.objects.filter(cancelled_at__isnull=True).count() == 1


def test_moving_a_session_onto_another_is_refused(expo, room):
    first = SessionFactory(expo=expo, room=room)
    second = SessionFactory(expo=expo, room=room, **_at(first, hours=2))
    second.starts_at = first.starts_at
    second.ends_at = first.ends_at
    with pytest.raises(services.ProgrammeError):
        services.session_save(session=second)
    second.refresh_from_db()
    assert second.starts_at == first.starts_at + datetime.timedelta(hours=2)


def test_session_ending_before_it_starts_is_refused(expo, room):
    session = _new(expo, room, **_at(SessionFactory.build(expo=expo, room=room), hours=0))
    session.ends_at = session.starts_at - datetime.timedelta(minutes=1)
    with pytest.raises(services.ProgrammeError, match="end after it starts"):
        services.session_save(session=session)
    assert not Session.objects.exists()


def test_speaker_in_two_sessions_at_once_is_refused(expo, room):
    speaker = SpeakerFactory(expo=expo, name="Dr Ayesha Khan")
    first = services.session_save(session=SessionFactory.build(expo=expo, room=room), speaker_ids=[speaker.pk])
    elsewhere = _new(expo, RoomFactory(hall=room.hall), **_at(first, hours=0.5))
    with pytest.raises(services.ProgrammeError, match="Dr Ayesha Khan"):
        services.session_save(session=elsewhere, speaker_ids=[speaker.pk])
    assert Session.objects.count() == 1
    later = services.session_save(session=_new(expo, room, **_at(first, hours=1)))
    with pytest.raises(services.ProgrammeError, match="Dr Ayesha Khan"):
        services.session_speaker_add(
            session=services.session_save(session=_new(expo, RoomFactory(hall=room.hall), **_at(first, hours=0))),
            speaker=speaker,
        )
    services.session_speaker_add(session=later, speaker=speaker)
    assert SessionSpeaker.objects.filter(speaker=speaker).count() == 2


def test_moving_a_session_onto_its_speakers_other_session_is_refused(expo, room):
    speaker = SpeakerFactory(expo=expo)
    first = services.session_save(session=SessionFactory.build(expo=expo, room=room), speaker_ids=[speaker.pk])
    other_room = RoomFactory(hall=room.hall)
    second = services.session_save(session=_new(expo, other_room, **_at(first, hours=3)), speaker_ids=[speaker.pk])
    second.starts_at, second.ends_at = first.starts_at, first.ends_at
    with pytest.raises(services.ProgrammeError):
        services.session_save(session=second)


@pytest.mark.usefixtures("postgres_only")
def test_database_refuses_overlap_in_a_room_even_without_the_service(expo, room):
    first = SessionFactory(expo=expo, room=room)
    with pytest.raises(IntegrityError, match="no_two_sessions_in_a_room_at_once"), transaction.atomic():
        Session.objects.create(expo=expo, room=room, kind="talk", title="Sneaked in", **_at(first, hours=0.25))
    # Cancelled sessions do not hold the room.
    Session.objects.filter(pk=first.pk).update(cancelled_at=first.starts_at)
    Session.objects.create(expo=expo, room=room, kind="talk", title="Now free", **_at(first, hours=0.25))


def _together(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released at the same moment; each has its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the result the test looks at
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_two_overlapping_sessions_created_at_once_one_is_refused(expo, room):
    template = SessionFactory.build(expo=expo, room=room)
    results = _together(
        2,
        lambda index: services.session_save(
            session=_new(expo, room, **_at(template, hours=index * 0.5)), speaker_ids=[]
        ),
    )
    refused = [result for result in results if isinstance(result, services.ProgrammeError)]
    saved = [result for result in results if isinstance(result, Session)]
    assert (len(saved), len(refused)) == (1, 1), results
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_one_speaker_added_to_two_overlapping_sessions_at_once_one_is_refused(expo, room):
    speaker = SpeakerFactory(expo=expo)
    first = SessionFactory(expo=expo, room=room)
    second = SessionFactory(expo=expo, room=RoomFactory(hall=room.hall), **_at(first, hours=0.5))
    sessions = [first, second]
    results = _together(2, lambda index: services.session_speaker_add(session=sessions[index], speaker=speaker))
    assert sum(isinstance(result, services.ProgrammeError) for result in results) == 1, results
    assert SessionSpeaker.objects.filter(speaker=speaker).count() == 1
