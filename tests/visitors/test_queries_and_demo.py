"""Bounded query counts on the lists of the visitors app, and its demo rows."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ExpoFactory, GateFactory, register_visitor
from visitors import badges, demo, links, services
from visitors.models import Badge, CheckIn, DayCapacity, Gate, Registration, Scan

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["visitor_numbers", "badge_batches"])
def test_staff_list_query_count_does_not_grow(client, desk_staff, name):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=1))
    gate = GateFactory(expo=expo)
    client.force_login(desk_staff)

    def add(count: int) -> None:
        for _ in range(count):
            person = register_visitor(expo, category="media")
            services.scan_record(gate=gate, payload=badges.badge_payload(person.badge), scan_id=uuid.uuid4())
            services.badge_batch_create(expo=expo, label="x", badges=[person.badge], user=None)

    add(1)
    one = _queries(client, reverse(name))
    add(3)
    assert _queries(client, reverse(name)) == one


def test_gate_day_list_query_count_does_not_grow(client, gate_staff):
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today)
    client.force_login(gate_staff)
    register_visitor(expo)
    one = _queries(client, reverse("gate_day_list"))
    for _ in range(3):
        register_visitor(expo)
    assert _queries(client, reverse("gate_day_list")) == one
    assert _queries(client, reverse("gate")) <= one + 2


def test_demo_loads_capacities_gates_and_registrations_twice_safely():
    expo = ExpoFactory()
    first = demo.load(expo=expo)
    second = demo.load(expo=expo)
    assert first == second
    assert first["visitor_registrations"] == Registration.objects.filter(expo=expo).count() == 6
    assert Gate.objects.filter(expo=expo).count() == 3
    assert DayCapacity.objects.filter(expo=expo).count() == 2 * len(expo.days)
    assert Badge.objects.filter(expo=expo).count() == first["badges"]


def test_demo_lets_most_visitors_in_at_the_gates_on_their_days_during_opening_hours():
    expo = ExpoFactory()
    demo.load(expo=expo)
    checkins = list(CheckIn.objects.filter(badge__expo=expo).select_related("badge__registration", "scan"))
    demo.load(expo=expo)

    assert CheckIn.objects.filter(badge__expo=expo).count() == Scan.objects.count() == len(checkins)
    came = {checkin.badge.registration_id for checkin in checkins}
    assert 0.5 * Registration.objects.filter(expo=expo).count() <= len(came) < Registration.objects.count()
    zone = ZoneInfo(expo.time_zone)
    for checkin in checkins:
        local = checkin.scanned_at.astimezone(zone)
        assert local.date() == checkin.day
        assert checkin.day in checkin.badge.registration.days.values_list("date", flat=True)
        assert datetime.time(8) <= local.time() <= datetime.time(17)
        assert (checkin.scan.outcome, checkin.scan.offline, checkin.scan.scanned_at) == ("welcome", True, local)


def test_demo_registrations_email_absolute_links_like_real_ones():
    expo = ExpoFactory()
    demo.load(expo=expo)
    for registration in Registration.objects.filter(expo=expo):
        assert links.manage_url(registration).startswith("http://127.0.0.1:8000/register/manage/")
        assert links.done_url(registration).startswith("http://127.0.0.1:8000/register/done/")
