"""The venue of an edition: halls, the pavilions laid out in them, their stalls, and who stands where.

Geometry is in metres on each hall's plan, origin at the top-left corner (x right, y down, as in SVG).
A stall can be allocated to one exhibitor only: a unique constraint on the allocation's stall makes a
double allocation impossible even when two staff members move exhibitors at the same moment.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exhibitors.models import Exhibitor
from expo.models import Cluster, Expo, User

from .geometry import OutlineError, Polygon, Rect

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))
code_validator = RegexValidator(r"^[A-Z0-9]{1,6}$", _("Use 1 to 6 capital letters or digits."))


def _metres(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], **kwargs
    )


class PlacedOnPlan(models.Model):
    """A rectangle on a hall plan."""

    x = _metres(_("x (m from the left wall)"))
    y = _metres(_("y (m from the front wall)"))
    width = _metres(_("width (m)"))
    depth = _metres(_("depth (m)"))

    class Meta:
        abstract = True

    @property
    def rect(self) -> Rect:
        return Rect(float(self.x), float(self.y), float(self.width), float(self.depth))

    def _clean_size(self) -> None:
        errors = {}
        for field in ("width", "depth"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                errors[field] = _("Must be more than 0 m.")
        if errors:
            raise ValidationError(errors)


class Hall(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="halls", verbose_name=_("expo edition"))
    code = models.CharField(_("code"), max_length=6, validators=[code_validator], help_text=_("For example H1."))
    name = models.CharField(_("name"), max_length=100)
    width = _metres(_("width (m)"))
    depth = _metres(_("depth (m)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        ordering = ["expo", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["expo", "code"], name="one_hall_code_per_expo")]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("floor_plan_hall", args=[self.code])

    @property
    def rect(self) -> Rect:
        return Rect(0.0, 0.0, float(self.width), float(self.depth))


class Pavilion(PlacedOnPlan):
    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cluster pavilion")
        WOMEN = "women", _("Women entrepreneurs pavilion")
        INTERNATIONAL = "international", _("International or delegation pavilion")
        ENCLAVE = "enclave", _("Enclave")
        SERVICE = "service", _("Service area")

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="pavilions", verbose_name=_("hall"))
    code = models.CharField(
        _("code"), max_length=6, validators=[code_validator], help_text=_("Part of its stalls' codes, e.g. B.")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CLUSTER)
    clusters = models.ManyToManyField(
        Cluster,
        blank=True,
        related_name="pavilions",
        verbose_name=_("clusters hosted"),
        help_text=_("Exhibitors of these clusters may be placed here. A pavilion may host several."),
    )
    colour = models.CharField(_("display colour"), max_length=7, validators=[colour_validator], default="#dbe9f6")
    outline = models.CharField(
        _("outline"),
        max_length=500,
        blank=True,
        help_text=_(
            "Only for a pavilion that is not a rectangle: its corners in metres, in order, as x,y pairs separated by "
            "spaces, e.g. 10,10 30,10 30,20 20,20 20,30 10,30. They must lie within the rectangle above."
        ),
    )

    class Meta:
        verbose_name = _("pavilion")
        verbose_name_plural = _("pavilions")
        ordering = ["hall", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="one_pavilion_code_per_hall")]

    def __str__(self) -> str:
        return f"{self.hall.code}-{self.code} · {self.name}"

    @property
    def polygon(self) -> Polygon | None:
        """The outline, when the pavilion is not a rectangle (validated by ``clean``)."""
        return Polygon.parse(self.outline) if self.outline.strip() else None

    def contains(self, rect: Rect) -> bool:
        polygon = self.polygon
        return polygon.contains(rect) if polygon else self.rect.contains(rect)

    def clean(self) -> None:
        self._clean_size()
        placed = self.hall_id and None not in (self.x, self.y, self.width, self.depth)
        if placed and not self.hall.rect.contains(self.rect):
            raise ValidationError(
                _("The pavilion does not fit in hall %(hall)s (%(width)s × %(depth)s m).")
                % {"hall": self.hall.code, "width": self.hall.width, "depth": self.hall.depth}
            )
        if self.outline.strip():
            try:
                polygon = Polygon.parse(self.outline)
            except OutlineError:
                raise ValidationError(
                    {"outline": _("Write at least three corners as x,y pairs separated by spaces.")}
                ) from None
            if placed and not self.rect.contains(polygon.bounds):
                raise ValidationError({"outline": _("The outline goes beyond the rectangle of x, y, width and depth.")})
            self.outline = str(polygon)


class Stall(PlacedOnPlan):
    class OpenSides(models.IntegerChoices):
        IN_LINE = 1, _("In-line (one open side)")
        CORNER = 2, _("Corner (two open sides)")
        PENINSULA = 3, _("Peninsula (three open sides)")
        ISLAND = 4, _("Island (four open sides)")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        HELD = "held", _("Held")
        BLOCKED = "blocked", _("Blocked")

    pavilion = models.ForeignKey(Pavilion, on_delete=models.CASCADE, related_name="stalls", verbose_name=_("pavilion"))
    code = models.CharField(_("code"), max_length=20, help_text=_("For example H1-B-014."))
    open_sides = models.PositiveSmallIntegerField(
        _("open sides"), choices=OpenSides.choices, default=OpenSides.IN_LINE, editable=False
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("Why it is held or blocked."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stall")
        verbose_name_plural = _("stalls")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["pavilion", "code"], name="one_stall_code_per_pavilion")]

    def __str__(self) -> str:
        return self.code

    @property
    def area(self) -> Decimal:
        return self.width * self.depth


class StallAllocation(models.Model):
    """One stall given to one exhibitor. An exhibitor may hold several adjacent stalls merged into one booth."""

    stall = models.OneToOneField(Stall, on_delete=models.PROTECT, related_name="allocation", verbose_name=_("stall"))
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="stall_allocations", verbose_name=_("exhibitor")
    )
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Set by hand: the allocator keeps it where it is.")
    )
    run = models.ForeignKey(
        "AllocationRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("run")
    )
    reason = models.CharField(_("why here"), max_length=300, blank=True)
    allocated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    allocated_at = models.DateTimeField(_("allocated at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stall allocation")
        verbose_name_plural = _("stall allocations")
        ordering = ["stall__code"]

    def __str__(self) -> str:
        return f"{self.stall} → {self.exhibitor}"


class AllocationRun(models.Model):
    """One run of the allocator: its parameters, its progress, and the preview staff apply or discard."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Preview ready")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="allocation_runs")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    parameters = models.JSONField(_("parameters"), default=dict)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    # What the allocations were when the run read them: applying refuses if they have changed since.
    snapshot = models.JSONField(default=dict)
    result = models.JSONField(_("result"), default=dict)
    diff = models.JSONField(_("changes"), default=list)
    # The first stage of the objective, the headline: the count placed, or in strict rank order the
    # sum of the rank scores placed. Every stage's value, bound and gap is in ``result["stages"]``.
    first_stage_value = models.FloatField(_("first stage's value"), null=True, blank=True)
    first_stage_bound = models.FloatField(_("first stage's proven bound"), null=True, blank=True)
    first_stage_greedy = models.FloatField(_("first stage's value by the greedy pass"), null=True, blank=True)
    placed = models.PositiveIntegerField(_("placed"), default=0)
    unplaced = models.PositiveIntegerField(_("not placed"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("applied or discarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Allocation run %(id)s (%(status)s)") % {"id": self.pk, "status": self.get_status_display()}

    @property
    def estimated_progress(self) -> int:
        """While the solver runs, its share of the time limit spent; the solver reports nothing in between."""
        if self.status != self.Status.RUNNING or self.progress >= 100:
            return self.progress
        limit = float(self.parameters.get("time_limit") or 10)
        elapsed = (timezone.now() - self.created_at).total_seconds()
        return max(self.progress, min(95, 15 + int(80 * elapsed / limit)))

    @property
    def gap(self) -> float | None:
        """How far the first stage (the headline) is from its bound, as a share of the bound.

        Every stage's value, bound and gap is in ``result["stages"]``.
        """
        if self.first_stage_value is None or not self.first_stage_bound:
            return None
        return max(0.0, (self.first_stage_bound - self.first_stage_value) / abs(self.first_stage_bound))

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else 100 * self.gap
