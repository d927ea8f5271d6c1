"""Nothing lost: registrations made while Redis is down get their badge email once Redis is back, exactly once;
a worker killed in the middle of a badge sheet leaves, after a restart, every badge on the sheet exactly once."""

import datetime
import os
import signal
import subprocess
import time

import pytest
from django.urls import reverse

from expo import services as core
from expo.celery import app
from expo.models import OutboundEmail
from tests import realstack
from tests.e2e.test_visitor_registration_to_gate import badge_attachment, worker_emails
from tests.factories import ExpoFactory, register_visitor
from tests.visitors.qrdecode import qr_payloads
from visitors import badges, services
from visitors.models import Badge, BadgeBatch, Registration


def _throwaway_redis() -> realstack.ThrowawayRedis:
    for part in realstack._started:
        if isinstance(part, realstack.ThrowawayRedis):
            return part
    pytest.skip("needs the suite's own Redis, which it can stop and start (REDIS_URL was given)")


def _form(expo, email: str) -> dict:
    return {
        "category": "student",
        "full_name": "Hassan Ali",
        "email": email,
        "phone": "+92 300 1111111",
        "organisation": "UET Lahore",
        "country": "PK",
        "city": "Lahore",
        "days": [expo.start_date.isoformat()],
        "consent": "on",
    }


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_registrations_made_while_redis_is_down_are_emailed_once_it_is_back(client, celery_worker):
    redis = _throwaway_redis()
    expo = ExpoFactory()
    people = [f"outage{n}@example.pk" for n in range(3)]
    redis.stop()
    try:
        for address in people:
            response = client.post(reverse("register"), _form(expo, address))
            assert 'data-testid="check-email"' in response.content.decode()
    finally:
        redis.start()
    assert OutboundEmail.objects.filter(to__in=people, status="queued").count() == 3

    # The outbox's sweep (every five minutes from beat) hands the queued emails to the worker, which draws each
    # badge as its email goes out.
    assert core.emails_requeue_stale(older_than=datetime.timedelta(0)) == 3
    _wait(lambda: all(worker_emails(celery_worker, address) for address in people), 90, "the three emails")
    for address in people:
        registration = Registration.objects.get(email=address)
        [message] = worker_emails(celery_worker, address)
        assert qr_payloads(badge_attachment(message)) == [badges.badge_payload(registration.badge)]
    # Nothing is queued any more: another sweep sends nothing twice.
    assert core.emails_requeue_stale(older_than=datetime.timedelta(0)) == 0
    assert OutboundEmail.objects.filter(status="sent").count() == 3
    time.sleep(2)
    assert all(len(worker_emails(celery_worker, address)) == 1 for address in people)


def _start_worker(log_path):
    return realstack.start_worker(log_path, hostname=f"batch-{time.monotonic_ns()}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_every_badge_on_the_sheet_once(tmp_path, postgres_only):
    realstack.require(bool(os.environ.get("REDIS_URL")), "Redis (redis-server)")
    expo = ExpoFactory()
    people = [register_visitor(expo, full_name=f"Delegate {n}", category="media") for n in range(100)]
    expected = {badges.badge_payload(Badge.objects.get(registration=person)) for person in people}
    app.conf.task_always_eager = False
    log_path = tmp_path / "worker.log"
    worker = _start_worker(log_path)
    try:
        batch = services.badge_batch_create(expo=expo, label="Media", badges=Badge.objects.filter(expo=expo), user=None)
        _wait(lambda: BadgeBatch.objects.get(pk=batch.pk).done >= 20, 120, "the first chunk")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        batch.refresh_from_db()
        assert batch.status == "running"
        assert batch.done < batch.total

        worker = _start_worker(log_path)
        assert services.badge_batches_requeue(older_than=datetime.timedelta(0)) == 1
        _wait(lambda: BadgeBatch.objects.get(pk=batch.pk).status == "done", 180, "the batch to finish")
    finally:
        app.conf.task_always_eager = True
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        app.control.purge()
    batch.refresh_from_db()
    assert (batch.done, batch.total) == (100, 100)
    pdf = batch.pdf.read()
    found = []
    for page in range(1, 26):
        found.extend(qr_payloads(pdf, page=page))
    assert len(found) == 100
    assert set(found) == expected
