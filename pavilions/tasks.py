"""Celery tasks of the pavilions app: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(name="pavilions.run_allocation")
def run_allocation(run_id: int) -> None:
    services.allocation_run_execute(run_id=run_id)
