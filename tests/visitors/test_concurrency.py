"""Simultaneous requests on PostgreSQL: capacity is never overfilled, a badge is let in once a day."""

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import ExpoFactory, GateFactory, register_visitor
from visitors import badges, services
from visitors.models import Badge, CheckIn, DayCapacity, Registration

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def _together(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released at the same moment; each has its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    return results


def test_two_hundred_registrations_for_one_hundred_fifty_places(settings):
    # Emails and PDFs are the worker's: here only the registrations are raced.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from expo.celery import app

    app.conf.task_always_eager = False
    expo = ExpoFactory()
    DayCapacity.objects.create(expo=expo, date=expo.start_date, capacity=150)
    try:
        _together(
            200,
            lambda index: register_visitor(expo, email=f"racer{index}@example.pk", full_name=f"Racer {index}"),
        )
    finally:
        app.conf.task_always_eager = True
        # No worker runs here; the queued emails must not reach a later test's worker.
        app.control.purge()
    assert Registration.objects.filter(status="confirmed").count() == 150
    assert Registration.objects.filter(status="waitlisted").count() == 50
    numbers = list(Badge.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 200


def test_ten_simultaneous_scans_of_one_badge_let_it_in_once():
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today + datetime.timedelta(days=1))
    registration = register_visitor(expo)
    gates = [GateFactory(expo=expo, name=f"Gate {index}") for index in range(10)]
    payload = badges.badge_payload(registration.badge)
    results = _together(
        10,
        lambda index: services.scan_record(gate=gates[index], payload=payload, scan_id=uuid.uuid4()),
    )
    assert sorted(result["outcome"] for result in results) == ["already"] * 9 + ["welcome"]
    assert CheckIn.objects.count() == 1


def test_one_scan_uploaded_ten_times_at_once_is_kept_once():
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today)
    registration = register_visitor(expo)
    gate = GateFactory(expo=expo)
    payload = badges.badge_payload(registration.badge)
    scan_id = uuid.uuid4()
    results = _together(
        10,
        lambda index: services.scan_record(gate=gate, payload=payload, scan_id=scan_id, offline=True),
    )
    assert {result["outcome"] for result in results} == {"welcome"}
    assert CheckIn.objects.count() == 1
