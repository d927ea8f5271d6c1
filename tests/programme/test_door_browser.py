"""In a real browser: a session door that lost the network judges scans as the server does. Before the start, the
seats of confirmed RSVPs who have not come yet are held, so a full room refuses a walk-in offline as it would
online; once back online the queue uploads, and each badge counts once."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programme import services
from programme.models import Attendance
from tests.e2e.test_visitor_registration_to_gate import scan, sign_in_gate_staff
from tests.factories import ExpoFactory, GateFactory, HallFactory, RoomFactory, SessionFactory, register_visitor
from visitors import badges


def _today(hour: int) -> datetime.datetime:
    return datetime.datetime.combine(timezone.localdate(), datetime.time(hour), tzinfo=timezone.get_default_timezone())


@pytest.mark.django_db(transaction=True)
def test_an_offline_door_holds_confirmed_places_until_the_start_and_uploads_each_badge_once(page, live_server):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=1))
    GateFactory(expo=expo, name="South")
    workshop = SessionFactory(
        expo=expo,
        room=RoomFactory(hall=HallFactory(expo=expo), name="Seminar room A", capacity=2),
        title="Financing for SMEs",
        rsvp_required=True,
        starts_at=_today(12),
        ends_at=_today(13),
    )
    booked = register_visitor(expo, full_name="Ayesha Malik")
    services.rsvp_create(session=workshop, registration=booked)
    first, second = register_visitor(expo, full_name="Omar Farooq"), register_visitor(expo, full_name="Hina Aslam")

    sign_in_gate_staff(page)
    page.get_by_test_id("gate-mode").select_option("session")
    page.get_by_test_id("door-session").select_option(str(workshop.pk))
    # The door's clock reads an hour and a half before the start, whenever the test runs.
    page.clock.set_system_time(_today(10) + datetime.timedelta(minutes=30))
    page.context.set_offline(True)

    # Two seats, one held for Ayesha: one walk-in is let in (flagged), the next is refused as the server would.
    scan(page, badges.badge_payload(first.badge))
    expect(page.get_by_test_id("gate-result")).to_have_text(
        "Welcome, Omar Farooq — Financing for SMEs · No RSVP: let in, flagged for the organisers"
    )
    scan(page, badges.badge_payload(second.badge))
    expect(page.get_by_test_id("gate-result")).to_have_text(
        "Room full: no seat left for anyone without a confirmed RSVP"
    )
    expect(page.get_by_test_id("gate-result")).to_have_class(re.compile("refused"))
    # The person with the confirmed place gets in; Omar coming back in is let in again, counted once.
    scan(page, badges.badge_payload(booked.badge))
    expect(page.get_by_test_id("gate-result")).to_have_text("Welcome, Ayesha Malik — Financing for SMEs")
    scan(page, badges.badge_payload(first.badge))
    expect(page.get_by_test_id("gate-result")).to_contain_text("Omar Farooq already checked in at")
    expect(page.get_by_test_id("gate-queue")).to_have_text("3")
    assert not Attendance.objects.exists()

    page.context.set_offline(False)
    expect(page.get_by_test_id("gate-queue")).to_have_text("0", timeout=20_000)
    came = Attendance.objects.order_by("badge__full_name")
    assert [(a.badge, a.rsvp, a.offline, a.over_capacity) for a in came] == [
        (booked.badge, "confirmed", True, False),
        (first.badge, "none", True, False),
    ]
