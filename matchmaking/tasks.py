"""Celery tasks of the matchmaking app: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.utils import timezone

from . import followup, reminders, services, suggest_services


@shared_task(name="matchmaking.run_scheduler")
def run_scheduler(run_id: int) -> None:
    services.scheduler_run_execute(run_id=run_id)


@shared_task(name="matchmaking.send_reminders")
def send_reminders() -> int:
    """Run by beat every minute; safe to run twice or on two workers at once (each reminder is claimed once)."""
    return reminders.reminders_send(now=timezone.now())


@shared_task(name="matchmaking.recompute_suggestions", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def recompute_suggestions(expo_id: int) -> None:
    suggest_services.suggestions_recompute(expo_id=expo_id)


@shared_task(name="matchmaking.send_follow_ups")
def send_follow_ups() -> int:
    """Run by beat every hour; safe to run twice or on two workers at once (each email is claimed once)."""
    return followup.follow_ups_send(now=timezone.now())
