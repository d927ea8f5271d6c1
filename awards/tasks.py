"""Celery tasks of the awards: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import certificates

RETRIES = 5


@shared_task(name="awards.certificate_issue", bind=True, max_retries=RETRIES)
def certificate_issue(self, result_id: int, site_url: str) -> None:
    try:
        certificates.certificate_issue(result_id=result_id, site_url=site_url)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc
