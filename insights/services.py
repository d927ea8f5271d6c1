"""Writes of the insights app: edition reports asked for, drawn (with progress saved step by step) and failed."""

import logging
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerUnavailable

from expo.models import Expo, User

from . import report
from .filters import Filters
from .models import EditionReport

logger = logging.getLogger(__name__)


def report_request(*, expo: Expo, filters: Filters, language: str, user: User | None) -> EditionReport:
    """Ask for an edition report of ``expo`` narrowed by ``filters``; a worker draws it once this commits."""
    with transaction.atomic():
        made = EditionReport.objects.create(
            expo=expo, filters=filters.as_dict(), language=language, created_by=user, steps=len(report.steps())
        )
        transaction.on_commit(partial(_enqueue, made.pk))
    return made


def _enqueue(report_id: int) -> None:
    from .tasks import make_report

    try:
        make_report.delay(report_id)
    except BrokerUnavailable:
        # The report stays queued; its page says so and staff can ask again.
        logger.warning("Broker unavailable; edition report %s not queued.", report_id)


def report_make(*, report_id: int) -> EditionReport:
    """Draw the report, saving progress after each section. Safe to run again: a finished report is left alone."""
    finished = [EditionReport.Status.DONE, EditionReport.Status.FAILED]
    if not (
        EditionReport.objects.filter(pk=report_id)
        .exclude(status__in=finished)
        .update(status=EditionReport.Status.RUNNING, done=0, heartbeat_at=timezone.now())
    ):
        return EditionReport.objects.get(pk=report_id)
    made = EditionReport.objects.select_related("expo").get(pk=report_id)

    def progress() -> None:
        EditionReport.objects.filter(pk=report_id).update(done=F("done") + 1, heartbeat_at=timezone.now())

    filters = Filters(**made.filters)
    with translation.override(made.language):
        content = report.report_pdf(made.expo, filters, progress=progress)
    with transaction.atomic():
        made = EditionReport.objects.select_for_update().get(pk=report_id)
        made.pdf.save(f"report-{made.pk}.pdf", ContentFile(content), save=False)
        made.status = EditionReport.Status.DONE
        made.done = made.steps
        made.finished_at = timezone.now()
        made.save(update_fields=["pdf", "status", "done", "finished_at"])
    return made


def report_fail(*, report_id: int) -> None:
    """The last attempt failed: the report stops (its page stops waiting)."""
    EditionReport.objects.filter(pk=report_id).exclude(status=EditionReport.Status.DONE).update(
        status=EditionReport.Status.FAILED, finished_at=timezone.now()
    )
