"""The insights app reads every other app's data and stores only its edition reports.

``view_insights`` is the one permission of the dashboard, its exports and its reports: migration 0002 grants it to
the Management role; superusers hold it as they hold every permission.
"""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expo.models import Expo, User


def private_storage() -> FileSystemStorage:
    """Reports hold figures for the ministry, not for the public: never under MEDIA_URL."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def report_pdf_path(instance, filename: str) -> str:
    return f"insights/{instance.expo_id}/{uuid.uuid4().hex}.pdf"


class EditionReport(models.Model):
    """An edition report PDF asked for by staff, drawn in the background; its progress is shown while it is made."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="+", verbose_name=_("edition"))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps = models.PositiveSmallIntegerField(_("steps"), default=0)
    done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    pdf = models.FileField(_("report PDF"), upload_to=report_pdf_path, storage=private_storage, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("edition report")
        verbose_name_plural = _("edition reports")
        ordering = ["-created_at"]
        default_permissions = ()
        permissions = [("view_insights", _("Can open the insights dashboard, its exports and edition reports"))]

    def __str__(self) -> str:
        return f"{self.expo} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.steps) if self.steps else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
