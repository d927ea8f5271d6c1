"""Pending registration changes whose link expired are swept by a beat task: nobody can apply them any more, and
they hold the details someone typed."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from expo.celery import app
from tests.factories import register_visitor
from visitors import links, services, tasks
from visitors.models import Registration, RegistrationChange

pytestmark = pytest.mark.django_db

TASK = "visitors.purge_expired_registration_changes"


def _ask_change(expo, email: str, full_name: str) -> RegistrationChange:
    """Register ``email`` again with another name: the new answers wait as a pending change."""
    register_visitor(expo, email=email, full_name=full_name)
    return RegistrationChange.objects.filter(registration__email=email).latest("pk")


def _purge_at(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return tasks.purge_expired_registration_changes()


def test_a_change_is_swept_once_its_link_has_expired_and_not_a_moment_before(expo):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        register_visitor(expo, email="old@example.pk")
        old = _ask_change(expo, "old@example.pk", "Old Change")
    with time_machine.travel(start + datetime.timedelta(days=3), tick=False):
        register_visitor(expo, email="new@example.pk")
        new = _ask_change(expo, "new@example.pk", "New Change")
    expiry = start + links.CHANGE_LINK_VALID_FOR

    assert _purge_at(expiry - datetime.timedelta(seconds=1)) == 0
    assert _purge_at(expiry) == 1

    assert list(RegistrationChange.objects.values_list("pk", flat=True)) == [new.pk]
    assert not RegistrationChange.objects.filter(pk=old.pk).exists()
    # The registrations themselves stay as they were.
    assert sorted(Registration.objects.values_list("full_name", flat=True)) == ["Ali Raza", "Ali Raza"]


def test_a_large_backlog_is_deleted_in_batches_and_a_second_run_finds_nothing(expo):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            register_visitor(expo, email=f"person{n}@example.pk")
            _ask_change(expo, f"person{n}@example.pk", f"Changed {n}")
    later = start + links.CHANGE_LINK_VALID_FOR + datetime.timedelta(hours=1)

    assert services.registration_changes_purge_expired(now=later, batch_size=2) == 5
    assert RegistrationChange.objects.count() == 0
    assert services.registration_changes_purge_expired(now=later, batch_size=2) == 0
    assert Registration.objects.count() == 5


def test_the_sweep_runs_from_beat_under_its_own_name():
    (entry,) = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == TASK]
    assert entry["schedule"] == 3600.0
    assert app.tasks[TASK].name == tasks.purge_expired_registration_changes.name == TASK
