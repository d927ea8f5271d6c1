"""Print batches: A4 sheets of many badges, laid out by a task that saves its progress, and swept again when a
broker outage or a killed worker lost them."""

import datetime
from collections.abc import Iterable
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import Expo, User

from .. import badges as badge_pdfs
from ..models import Badge, BadgeBatch
from .common import RegistrationError, enqueue

BATCH_CHUNK = 20


def badge_batch_create(*, expo: Expo, label: str, badges: Iterable[Badge], user: User | None) -> BadgeBatch:
    with transaction.atomic():
        badges = list(badges)
        if not badges:
            raise RegistrationError(_("There are no badges to print."))
        batch = BadgeBatch.objects.create(expo=expo, label=label, total=len(badges), created_by=user)
        batch.badges.set(badges)
        transaction.on_commit(partial(_enqueue_batch, batch.pk))
    return batch


def _enqueue_batch(batch_id: int) -> None:
    from ..tasks import print_badges

    enqueue(print_badges, batch_id)


def badge_batch_run(*, batch_id: int) -> BadgeBatch:
    """Lay out the batch's badges as A4 sheets, saving progress after each chunk. Safe to run again:
    a finished or failed batch is left as it is."""
    finished = [BadgeBatch.Status.DONE, BadgeBatch.Status.FAILED]
    if not (
        BadgeBatch.objects.filter(pk=batch_id)
        .exclude(status__in=finished)
        .update(status=BadgeBatch.Status.RUNNING, done=0, heartbeat_at=timezone.now())
    ):
        return BadgeBatch.objects.get(pk=batch_id)
    batch = BadgeBatch.objects.get(pk=batch_id)
    badges = list(batch.badges.select_related("expo").order_by("type", "full_name", "pk"))
    chunks = [badges[start : start + BATCH_CHUNK] for start in range(0, len(badges), BATCH_CHUNK)]

    def progress(count: int) -> None:
        BadgeBatch.objects.filter(pk=batch_id).update(done=F("done") + count, heartbeat_at=timezone.now())

    content = badge_pdfs.sheet_pdf(chunks, progress=progress)
    with transaction.atomic():
        batch = BadgeBatch.objects.select_for_update().get(pk=batch_id)
        batch.pdf.save(f"sheet-{batch.pk}.pdf", ContentFile(content), save=False)
        batch.status = BadgeBatch.Status.DONE
        batch.done = batch.total
        batch.finished_at = timezone.now()
        batch.save(update_fields=["pdf", "status", "done", "finished_at"])
    return batch


def badge_batch_fail(*, batch_id: int) -> None:
    """The last attempt failed: the batch stops (its page stops waiting) and the sweep leaves it alone."""
    BadgeBatch.objects.filter(pk=batch_id).exclude(status=BadgeBatch.Status.DONE).update(
        status=BadgeBatch.Status.FAILED, finished_at=timezone.now()
    )


def badge_batches_requeue(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Enqueue again the batches lost to a broker outage or a killed worker (no progress for ``older_than``)."""
    cutoff = timezone.now() - older_than
    ids = list(
        BadgeBatch.objects.filter(
            Q(status=BadgeBatch.Status.QUEUED, created_at__lte=cutoff)
            | Q(status=BadgeBatch.Status.RUNNING, heartbeat_at__lte=cutoff)
        ).values_list("pk", flat=True)
    )
    for batch_id in ids:
        _enqueue_batch(batch_id)
    return len(ids)
