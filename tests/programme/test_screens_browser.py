"""In a real browser: a hall's venue screen turns from English to Urdu and back by itself, and shows a change to
the programme at its next turn."""

import datetime

import pytest
from django.utils import timezone

from programme import services
from tests.factories import ExpoFactory, HallFactory, RoomFactory, SessionFactory

TURN_MS = 25_000  # a turn every 15 s, with room for a busy machine


@pytest.mark.django_db(transaction=True)
def test_screen_alternates_languages_and_follows_changes(page, live_server):
    expo = ExpoFactory()
    room = RoomFactory(hall=HallFactory(expo=expo, code="H1", name="Hall 1"), name="Seminar room A")
    now = timezone.now()
    on_now = SessionFactory(
        expo=expo,
        room=room,
        title="Export finance clinic",
        title_ur="برآمدی مالیات کلینک",
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=20),
    )

    page.goto(f"{live_server.url}/programme/screens/H1/")
    screen = page.locator("#screen")
    assert screen.get_attribute("lang") == "en"
    assert page.locator("#screen .screen-title").first.inner_text() == "Export finance clinic"

    page.wait_for_selector('#screen[lang="ur"][dir="rtl"]', timeout=TURN_MS)
    assert page.locator("#screen .screen-title").first.inner_text() == "برآمدی مالیات کلینک"

    on_now.title = "Export finance clinic (room changed)"
    services.session_save(session=on_now)
    page.wait_for_selector('#screen[lang="en"][dir="ltr"]', timeout=TURN_MS)
    assert page.locator("#screen .screen-title").first.inner_text() == "Export finance clinic (room changed)"
