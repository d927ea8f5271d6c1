"""Celery tasks of the matchmaking app: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(name="matchmaking.run_scheduler")
def run_scheduler(run_id: int) -> None:
    services.scheduler_run_execute(run_id=run_id)
