"""Celery tasks of the visitors app: thin wrappers that take ids and call a service."""

from celery import shared_task

from expo.selectors import expo_current

from . import services

RETRIES = 5


def _backoff(retries: int) -> int:
    return min(600, 15 * 2**retries)


@shared_task(name="visitors.render_badge", bind=True, max_retries=RETRIES)
def render_badge(self, badge_id: int) -> None:
    try:
        services.badge_render(badge_id=badge_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(name="visitors.sync_booth_staff_badges")
def sync_booth_staff_badges() -> tuple[int, int]:
    expo = expo_current()
    return services.booth_staff_badges_sync(expo=expo) if expo else (0, 0)


@shared_task(name="visitors.requeue_lost_batches")
def requeue_lost_batches() -> int:
    return services.badge_batches_requeue()


@shared_task(name="visitors.purge_expired_registration_changes")
def purge_expired_registration_changes() -> int:
    return services.registration_changes_purge_expired()


@shared_task(name="visitors.print_badges", bind=True, max_retries=2)
def print_badges(self, batch_id: int) -> None:
    try:
        services.badge_batch_run(batch_id=batch_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.badge_batch_fail(batch_id=batch_id)
            raise
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
