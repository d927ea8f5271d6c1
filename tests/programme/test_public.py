"""The public programme: the timetable by day with filters, session and speaker pages, caching for anonymous
visitors invalidated by every write, query counts that do not grow with the sessions, nothing of another edition."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme import services
from programme.models import SessionSpeaker
from tests.factories import ExpoFactory, HallFactory, RoomFactory, SectorFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def _sessions(expo, room, count: int, *, day: int = 0) -> list:
    first = SessionFactory.build(expo=expo, room=room).starts_at + datetime.timedelta(days=day)
    sessions = []
    for index in range(count):
        session = SessionFactory(
            expo=expo,
            room=RoomFactory(hall=room.hall) if index % 2 else room,
            starts_at=first + datetime.timedelta(hours=index),
            ends_at=first + datetime.timedelta(hours=index, minutes=50),
        )
        SessionSpeaker.objects.create(session=session, speaker=SpeakerFactory(expo=expo))
        sessions.append(session)
    return sessions


def test_timetable_shows_the_days_sessions_by_room_and_in_one_list(client, expo, room):
    opening = SessionFactory(expo=expo, room=room, kind="ceremony", title="Opening ceremony")
    SessionSpeaker.objects.create(session=opening, speaker=SpeakerFactory(expo=expo, name="Minister of Industries"))
    next_day = SessionFactory(
        expo=expo,
        room=room,
        title="Closing awards night",
        starts_at=opening.starts_at + datetime.timedelta(days=1),
        ends_at=opening.ends_at + datetime.timedelta(days=1),
    )

    page = client.get(reverse("programme")).content.decode()

    assert page.count("Opening ceremony") == 2  # the phone list and the room's column
    assert "Minister of Industries" in page
    assert "11:00" in page  # Pakistan time
    assert "Closing awards night" not in page
    day_two = client.get(reverse("programme"), {"day": next_day.starts_at.date().isoformat()}).content.decode()
    assert "Closing awards night" in day_two
    assert "Opening ceremony" not in day_two


def test_timetable_filters_by_kind_and_sector(client, expo, room):
    textiles = SectorFactory(name="Textiles")
    workshop = SessionFactory(expo=expo, room=room, kind="workshop", title="Banana fibre workshop")
    workshop.sectors.add(textiles)
    SessionFactory(
        expo=expo, room=RoomFactory(hall=room.hall), kind="panel", title="Finance panel", starts_at=workshop.starts_at
    )

    by_kind = client.get(reverse("programme"), {"kind": "workshop"}).content.decode()
    by_sector = client.get(reverse("programme"), {"sector": textiles.pk}).content.decode()

    assert "Banana fibre workshop" in by_kind
    assert "Finance panel" not in by_kind
    assert "Banana fibre workshop" in by_sector
    assert "Finance panel" not in by_sector


@pytest.mark.parametrize("query", [{"day": "1999-01-01"}, {"day": "garbage"}, {"kind": "rave"}, {"sector": "x"}])
def test_timetable_with_bad_filters_shows_the_first_day_unfiltered(client, expo, room, query):
    SessionFactory(expo=expo, room=room, title="Opening ceremony")

    response = client.get(reverse("programme"), query)

    assert response.status_code == 200
    assert "Opening ceremony" in response.content.decode()


def test_session_page_shows_speakers_and_the_room_on_the_floor_plan(client, expo, room):
    session = SessionFactory(
        expo=expo, room=room, title="Bananas in Pakistan's Bio-economy", abstract="Waste to textile."
    )
    speaker = SpeakerFactory(expo=expo, name="Dr Ayesha Khan")
    SessionSpeaker.objects.create(session=session, speaker=speaker, role="trainer")

    page = client.get(session.get_absolute_url()).content.decode()

    assert "Waste to textile." in page
    assert reverse("programme_speaker", args=[speaker.pk]) in page
    assert f'href="{room.hall.get_absolute_url()}"' in page
    speaker_page = client.get(reverse("programme_speaker", args=[speaker.pk])).content.decode()
    assert session.get_absolute_url() in speaker_page


def test_another_editions_session_and_speaker_are_not_found(client, expo, room):
    past = ExpoFactory(is_current=False)
    old = SessionFactory(expo=past, room=RoomFactory(hall=HallFactory(expo=past)))
    speaker = SpeakerFactory(expo=past)

    assert client.get(old.get_absolute_url()).status_code == 404
    assert client.get(reverse("programme_speaker", args=[speaker.pk])).status_code == 404
    assert old.title not in client.get(reverse("programme")).content.decode()


def test_cached_timetable_shows_a_change_once_saved(client, expo, room, django_capture_on_commit_callbacks):
    session = SessionFactory(expo=expo, room=room, title="Inception workshop")
    assert "Inception workshop" in client.get(reverse("programme")).content.decode()

    session.title = "Inception workshop (moved)"
    with django_capture_on_commit_callbacks(execute=True):
        services.session_save(session=session)

    assert "Inception workshop (moved)" in client.get(reverse("programme")).content.decode()


@pytest.mark.parametrize("name", ["programme", "programme_session"])
def test_query_count_does_not_grow_with_the_sessions(client, expo, room, name, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    def count(sessions) -> int:
        url = reverse(name, args=[sessions[0].pk]) if name == "programme_session" else reverse("programme")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count(_sessions(expo, room, 1))
    many = count(_sessions(expo, room, 6, day=1) and _sessions(expo, RoomFactory(hall=room.hall), 6))
    assert few == many
