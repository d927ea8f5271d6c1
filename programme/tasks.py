"""Celery tasks of the programme: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    name="programme.speaker_photo_process",
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def speaker_photo_process(speaker_id: int) -> bool:
    """Re-encode a speaker's photo and make its thumbnail (``services.speaker_photo_process``: safe to run twice)."""
    return services.speaker_photo_process(speaker_id=speaker_id)
