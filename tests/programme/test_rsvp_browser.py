"""In a real browser: a visitor books a session from their manage link and adds their calendar; staff move the
session; the worker emails the new time and the calendar follows."""

import datetime
import time

import pytest
from icalendar import Calendar

from programme import services
from tests.e2e.test_visitor_registration_to_gate import worker_emails
from tests.factories import ExpoFactory, HallFactory, RoomFactory, SessionFactory, register_visitor
from visitors import links


def _email_with_subject(mail_dir, to: str, words: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in worker_emails(mail_dir, to):
            if words in message["Subject"]:
                return message
        time.sleep(0.3)
    raise AssertionError(f"the worker sent {to} no email about {words!r}")


@pytest.mark.django_db(transaction=True)
def test_visitor_books_adds_the_calendar_and_hears_of_the_move(page, live_server, celery_worker):
    expo = ExpoFactory()
    room = RoomFactory(hall=HallFactory(expo=expo), capacity=30)
    workshop = SessionFactory(expo=expo, room=room, kind="workshop", title="Banana fibre workshop", rsvp_required=True)
    person = register_visitor(expo, email="bilal@example.pk", full_name="Bilal Ahmed")

    page.goto(links.manage_path(person))
    page.get_by_test_id("programme-rsvp-link").click()
    page.get_by_role("button", name="Book a place").click()
    assert page.locator('[data-rsvp-status="confirmed"]').is_visible()
    page.get_by_role("button", name="Make my calendar link").click()
    feed_url = page.get_by_test_id("feed-url").input_value()

    [event] = Calendar.from_ical(page.request.get(feed_url).body()).walk("VEVENT")
    assert event.decoded("dtstart").hour == 11

    workshop.starts_at += datetime.timedelta(hours=2)
    workshop.ends_at += datetime.timedelta(hours=2)
    services.session_save(session=workshop)

    message = _email_with_subject(celery_worker, "bilal@example.pk", "New time or room")
    assert "13:00" in message.get_body(("plain",)).get_content()
    [moved] = Calendar.from_ical(page.request.get(feed_url).body()).walk("VEVENT")
    assert moved.decoded("dtstart").hour == 13
    assert str(moved["uid"]) == str(event["uid"])
