"""SMEDA's support desk: requests for help from exhibitors and enterprises, the teams that answer them, the rules
that route each request to a team, and every request's dated notes."""

from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exhibitors.models import Enterprise, Exhibitor
from expo.models import Expo, Province, User, in_language


class Kind(models.TextChoices):
    EXPORT_READINESS = "export_readiness", _("Export readiness")
    CERTIFICATION = "certification", _("Certification (ISO, halal, CE …)")
    PRODUCT_DESIGN = "product_design", _("Product design and refinement")
    DOCUMENTATION = "documentation", _("Documentation")
    FINANCE = "finance", _("Access to finance")
    SUBCONTRACTING = "subcontracting", _("Subcontracting linkage")
    DIGITAL_ONBOARDING = "digital_onboarding", _("Digital onboarding")


class SupportTeam(models.Model):
    """A team of SMEDA staff that answers one sort of request; its members are named one by one or by a group."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_ur = models.CharField(_("name in Urdu"), max_length=120, blank=True)
    sla_days = models.PositiveSmallIntegerField(
        _("days to answer"), default=10, help_text=_("A request routed to the team is due this many days later.")
    )
    members = models.ManyToManyField(
        User, blank=True, related_name="support_teams", verbose_name=_("members"), limit_choices_to={"is_active": True}
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
        help_text=_("Everyone in this group is a member too."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("support team")
        verbose_name_plural = _("support teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return in_language(self.name, self.name_ur)


class RoutingRule(models.Model):
    """Requests of a kind and/or from a province go to a team; the lowest priority number that matches wins."""

    priority = models.PositiveIntegerField(_("priority"), default=100, help_text=_("Lower numbers are tried first."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, blank=True, help_text=_("Empty: any."))
    province = models.CharField(
        _("province"), max_length=20, choices=Province.choices, blank=True, help_text=_("Empty: any.")
    )
    team = models.ForeignKey(SupportTeam, on_delete=models.CASCADE, related_name="rules", verbose_name=_("team"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.priority}: {self.get_kind_display() or '*'} / {self.get_province_display() or '*'} → {self.team}"


class SupportRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="support_requests")
    exhibitor = models.ForeignKey(
        Exhibitor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("exhibitor"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="support_requests", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind of support"), max_length=30, choices=Kind.choices)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    description = models.TextField(_("what you need"), max_length=4000)
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Told of each change of status, besides the exhibitor's members.")
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NEW)
    team = models.ForeignKey(
        SupportTeam,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("team"),
    )
    owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=4000)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expo", "status", "due_on"])]
        permissions = [("use_followup_desk", _("Can use the follow-up desk of leads and support requests"))]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("support_staff_request", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class SupportNote(models.Model):
    """A dated line in a request's history: a note, a change of status (with its note), an assignment or the
    outcome. Notes written with a change of status are shared with the exhibitor; the others stay with staff."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        STATUS = "status", _("Status")
        ASSIGNMENT = "assignment", _("Assignment")
        OUTCOME = "outcome", _("Outcome")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NOTE)
    status_from = models.CharField(max_length=15, choices=SupportRequest.Status.choices, blank=True)
    status_to = models.CharField(max_length=15, choices=SupportRequest.Status.choices, blank=True)
    text = models.TextField(_("note"), blank=True, max_length=4000)
    shared = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("support note")
        verbose_name_plural = _("support notes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.at:%Y-%m-%d} {self.get_kind_display()}"
