"""Celery tasks of the exhibitors app: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.db import DatabaseError

from . import resources, services


@shared_task(
    name="exhibitors.nomination_import_check",
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def nomination_import_check(nomination_import_id: int) -> None:
    """Check an uploaded spreadsheet of nominations (``resources.nomination_import_check``: safe to run twice)."""
    resources.nomination_import_check(nomination_import_id=nomination_import_id)


@shared_task(
    name="exhibitors.nomination_import_run",
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def nomination_import_run(nomination_import_id: int) -> None:
    """Import a confirmed spreadsheet whole or not at all (``resources.nomination_import_run``: safe to run twice)."""
    resources.nomination_import_run(nomination_import_id=nomination_import_id)


@shared_task(
    name="exhibitors.image_process",
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def image_process(model: str, pk: int, field: str) -> bool:
    """Re-encode an uploaded image and make its thumbnail (``services.image_process``: safe to run twice)."""
    return services.image_process(model=model, pk=pk, field=field)
