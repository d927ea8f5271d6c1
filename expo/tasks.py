"""Celery tasks of the core app: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services

EMAIL_MAX_RETRIES = 5


@shared_task(name="expo.send_email", bind=True, max_retries=EMAIL_MAX_RETRIES)
def send_email(self, email_id: int) -> None:
    try:
        services.email_deliver(email_id=email_id, final_attempt=self.request.retries >= self.max_retries)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            return
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc


@shared_task(name="expo.requeue_stale_emails")
def requeue_stale_emails() -> int:
    return services.emails_requeue_stale()
