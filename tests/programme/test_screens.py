"""The venue screens: a hall's "now and next" in large type, refreshing itself with htmx in English and Urdu in
turn; cached for everyone and fresh after a change; a fixed number of queries; unknown halls and other
halls' or editions' sessions not shown; staff find each hall's address in the admin."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expo import roles
from programme import services
from tests.conftest import staff_member
from tests.factories import ExpoFactory, HallFactory, RoomFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def _at(expo, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        expo.start_date, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def _session(expo, room, hour: int, length: int = 1, **fields):
    return SessionFactory(expo=expo, room=room, starts_at=_at(expo, hour), ends_at=_at(expo, hour + length), **fields)


@pytest.fixture
def day(expo, hall, room):
    """Hall 1's day: a talk at 10:00 in room A, the inception workshop at 11:00 and panels at 13:00, 14:00 (the
    second cancelled) and 15:00; a talk in Hall 2 at 11:00."""
    other_room = RoomFactory(hall=hall, name="Main stage", name_ur="مرکزی اسٹیج", order=1)
    sessions = {
        "early": _session(expo, room, 10, title="Early talk"),
        "workshop": _session(
            expo,
            room,
            11,
            title="Bananas in Pakistan's Bio-economy",
            title_ur="پاکستان کی حیاتیاتی معیشت میں کیلا",
        ),
        "panel": _session(expo, other_room, 13, title="Cluster finance panel"),
        "cancelled": _session(expo, other_room, 14, title="Export clinic"),
        "late": _session(expo, room, 15, title="Women in export panel"),
        "elsewhere": _session(expo, RoomFactory(hall=HallFactory(expo=expo, code="H2")), 11, title="In Hall 2"),
    }
    services.session_cancel(session=sessions["cancelled"])
    SpeakerFactory(expo=expo, name="Ayesha Khan").sessions.add(sessions["workshop"])
    return sessions


def _screen(client, code="H1", **query) -> str:
    response = client.get(reverse("programme_screen", args=[code]), query)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_screen_shows_what_is_on_now_and_next_and_refreshes_in_the_other_language(client, expo, day):
    with time_machine.travel(_at(expo, 11, 20), tick=False):
        page = _screen(client)

    now, upcoming = _section(page, "screen-now"), _section(page, "screen-next")
    assert "Bananas in Pakistan&#x27;s Bio-economy" in now
    assert "Ayesha Khan" in now
    assert "11:00–12:00" in re.sub(r"<[^>]+>", "", now)
    assert "Early talk" not in page
    assert "In Hall 2" not in page
    assert re.findall(r"<h3[^>]*>([^<]+)</h3>", upcoming) == [
        "Cluster finance panel",
        "Export clinic",
        "Women in export panel",
    ]
    assert f'data-testid="screen-session-{day["cancelled"].pk}"' in upcoming
    assert "Cancelled" in upcoming.split(f"screen-session-{day['cancelled'].pk}", 1)[1]
    screen = re.search(r'<div id="screen"[^>]*>', page).group(0)
    assert 'lang="en"' in screen
    assert 'dir="ltr"' in screen
    assert f'data-hx-get="{reverse("programme_screen", args=["H1"])}?show=ur"' in screen
    assert 'data-hx-trigger="every 15s"' in screen
    assert 'data-hx-select="#screen"' in screen
    # Both titles: the Urdu one under the English, marked as Urdu.
    assert '<p class="screen-title-other mb-1" lang="ur" dir="rtl">پاکستان کی حیاتیاتی معیشت میں کیلا</p>' in now


def test_screen_in_urdu_shows_urdu_titles_and_marks_english_ones(client, expo, day):
    with time_machine.travel(_at(expo, 11, 20), tick=False):
        page = _screen(client, show="ur")

    screen = re.search(r'<div id="screen"[^>]*>', page).group(0)
    assert 'lang="ur"' in screen
    assert 'dir="rtl"' in screen
    assert f'data-hx-get="{reverse("programme_screen", args=["H1"])}?show=en"' in screen
    assert '<html lang="ur" dir="rtl">' in page
    now, upcoming = _section(page, "screen-now"), _section(page, "screen-next")
    assert '<h3 class="screen-title mb-1">پاکستان کی حیاتیاتی معیشت میں کیلا</h3>' in now
    assert '<p class="screen-title-other mb-1" lang="en" dir="ltr">Bananas in Pakistan&#x27;s Bio-economy</p>' in now
    # A session with no Urdu title keeps its English one, marked as English; so does a room without an Urdu name.
    assert '<h3 class="screen-title mb-1" lang="en" dir="ltr">Cluster finance panel</h3>' in upcoming
    assert "مرکزی اسٹیج" in upcoming
    assert '<span lang="en" dir="ltr">Seminar room A</span>' in upcoming


def test_screen_after_the_last_session_says_no_more_today(client, expo, day):
    with time_machine.travel(_at(expo, 16, 5), tick=False):
        page = _screen(client)
        urdu = _screen(client, show="ur")

    assert 'data-testid="screen-empty"' in page
    assert "No more sessions today in this hall." in page
    assert "Women in export panel" not in page
    assert 'data-testid="screen-empty"' in urdu


def test_screen_between_sessions_has_nothing_now_and_the_next_ones(client, expo, day):
    with time_machine.travel(_at(expo, 12, 30), tick=False):
        page = _screen(client)

    assert 'data-testid="screen-nothing-now"' in page
    assert "Cluster finance panel" in _section(page, "screen-next")


def test_unknown_hall_and_other_editions_halls_are_not_found(client, expo, day):
    past = ExpoFactory(is_current=False)
    HallFactory(expo=past, code="H9")

    assert client.get(reverse("programme_screen", args=["H7"])).status_code == 404
    assert client.get(reverse("programme_screen", args=["H9"])).status_code == 404


def test_made_up_parameters_are_dropped(client, expo, day):
    with time_machine.travel(_at(expo, 11, 20), tick=False):
        odd = _screen(client, show="fr", junk="1")
        plain = _screen(client)

    assert odd == plain


def test_cached_screen_shows_a_change_at_the_next_refresh(client, expo, day, django_capture_on_commit_callbacks):
    with time_machine.travel(_at(expo, 11, 20), tick=False):
        _screen(client)
        with CaptureQueriesContext(connection) as queries:
            _screen(client)
        assert len(queries) == 0

        panel = day["panel"]
        panel.title = "Cluster finance panel (new time)"
        panel.starts_at, panel.ends_at = _at(expo, 12), _at(expo, 13)
        with django_capture_on_commit_callbacks(execute=True):
            services.session_save(session=panel)
        page = _screen(client)

    assert "Cluster finance panel (new time)" in _section(page, "screen-next")


def test_screen_moves_on_with_the_clock(client, expo, day):
    with time_machine.travel(_at(expo, 11, 20), tick=False):
        before = _screen(client)
    with time_machine.travel(_at(expo, 13, 10), tick=False):
        after = _screen(client)

    assert "Bananas" in _section(before, "screen-now")
    assert "Bananas" not in after
    assert "Cluster finance panel" in _section(after, "screen-now")


def test_query_count_does_not_grow_with_the_sessions(client, expo, hall, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    def count() -> tuple[int, int]:
        with time_machine.travel(_at(expo, 9, 30), tick=False), CaptureQueriesContext(connection) as queries:
            page = _screen(client)
        return len(queries), page.count('data-testid="screen-session-')

    _session(expo, RoomFactory(hall=hall), 10)
    few = count()
    for hour in range(10, 16):
        room = RoomFactory(hall=hall)
        SpeakerFactory(expo=expo).sessions.add(_session(expo, room, hour))
        SpeakerFactory(expo=expo).sessions.add(_session(expo, room, hour + 1))
    many = count()

    assert (few[1], many[1]) == (1, 4)
    assert few[0] == many[0]


def test_screens_page_lists_each_halls_screen(client, expo, day):
    page = client.get(reverse("programme_screens")).content.decode()

    assert f'href="{reverse("programme_screen", args=["H1"])}"' in page
    assert f'href="{reverse("programme_screen", args=["H2"])}"' in page


def test_staff_find_the_screen_of_each_room_s_hall_in_the_admin(client, expo, room):
    client.force_login(staff_member(roles.FLOOR_MANAGERS))

    page = client.get(reverse("admin:programme_room_changelist")).content.decode()

    assert f'href="{reverse("programme_screen", args=["H1"])}" data-testid="venue-screen-link"' in page
