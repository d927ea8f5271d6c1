"""Celery tasks of the insights app: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(name="insights.make_report", bind=True, max_retries=2)
def make_report(self, report_id: int) -> None:
    try:
        services.report_make(report_id=report_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.report_fail(report_id=report_id)
            raise
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc
