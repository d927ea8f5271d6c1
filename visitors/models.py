"""Visitor registrations with per-day capacity and a waitlist, the badge of every person on site, gate check-ins.

A registration asks for one or more days; each day is a ``RegistrationDay`` row with its own
status, so that a day that is full waitlists the person for that day only. Capacity is counted
under a row lock on the day's ``DayCapacity`` rows. A ``Badge`` is the identity shown at the gate:
visitors, booth staff, buyers, delegates, media, jury and staff all get one, with a number unique
within the edition. Its QR code carries a signed (expo, number, version); raising the version
makes older printouts stop working. A badge is let in once a day (``CheckIn``); every scan the
gates upload is kept once by its client-made id (``Scan``).

Privileged categories (buyers, investors, banks, delegates, media) are declared by the person and only
*requested* until the registration desk confirms them; their badge is a visitor's until then. A staff
revocation of a badge is kept apart from the person's own cancellation (``Badge.staff_revoked``, with
its reasons in ``BadgeRevocation``), so that cancelling and registering again cannot lift it. A second
registration with a known email changes nothing until the stored address confirms it
(``RegistrationChange``).
"""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expo.models import Cluster, Expo, User

from .countries import COUNTRIES


def private_storage() -> FileSystemStorage:
    """Badge PDFs carry personal data: kept outside MEDIA_URL, served by views that check access."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def badge_pdf_path(instance, filename: str) -> str:
    return f"badges/{instance.expo_id}/{uuid.uuid4().hex}.pdf"


def batch_pdf_path(instance, filename: str) -> str:
    return f"badges/{instance.expo_id}/sheets/{uuid.uuid4().hex}.pdf"


class Category(models.TextChoices):
    TRADE_VISITOR = "trade_visitor", _("Trade visitor")
    BUYER = "buyer", _("Corporate buyer or procurement")
    INVESTOR = "investor", _("Investor")
    BANK = "bank", _("Bank or financial institution")
    GOVERNMENT = "government", _("Government or regulator")
    DEVELOPMENT_PARTNER = "development_partner", _("Development partner")
    FOREIGN_DELEGATE = "foreign_delegate", _("Foreign delegate")
    STUDENT = "student", _("Student")
    MEDIA = "media", _("Media")
    PUBLIC = "public", _("General public")


# Categories that come on behalf of an organisation: it (and for most, the person's role) must be given.
ORGANISATION_REQUIRED = {
    Category.TRADE_VISITOR,
    Category.BUYER,
    Category.INVESTOR,
    Category.BANK,
    Category.GOVERNMENT,
    Category.DEVELOPMENT_PARTNER,
    Category.FOREIGN_DELEGATE,
    Category.STUDENT,
    Category.MEDIA,
}
DESIGNATION_REQUIRED = {
    Category.BUYER,
    Category.INVESTOR,
    Category.BANK,
    Category.GOVERNMENT,
    Category.DEVELOPMENT_PARTNER,
    Category.FOREIGN_DELEGATE,
}


class BadgeType(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    BUYER = "buyer", _("Buyer")
    INVESTOR = "investor", _("Investor")
    DELEGATE = "delegate", _("Delegate")
    MEDIA = "media", _("Media")
    EXHIBITOR = "exhibitor", _("Exhibitor")
    JURY = "jury", _("Jury")
    STAFF = "staff", _("Organiser")


# The colour band printed across the badge, so that the gate and the halls tell types apart at a glance.
BADGE_COLOURS = {
    BadgeType.VISITOR: "#1f7a3a",
    BadgeType.BUYER: "#0b4f9c",
    BadgeType.INVESTOR: "#6a1b9a",
    BadgeType.DELEGATE: "#b8860b",
    BadgeType.MEDIA: "#c62828",
    BadgeType.EXHIBITOR: "#ef6c00",
    BadgeType.JURY: "#37474f",
    BadgeType.STAFF: "#000000",
}

# The badge a category gets once the registration desk has confirmed it; any other category is a visitor's.
BADGE_TYPE_FOR_CATEGORY = {
    Category.BUYER: BadgeType.BUYER,
    Category.INVESTOR: BadgeType.INVESTOR,
    Category.BANK: BadgeType.INVESTOR,
    Category.GOVERNMENT: BadgeType.DELEGATE,
    Category.DEVELOPMENT_PARTNER: BadgeType.DELEGATE,
    Category.FOREIGN_DELEGATE: BadgeType.DELEGATE,
    Category.MEDIA: BadgeType.MEDIA,
}
# Declared by the person, these categories wait for the registration desk's confirmation: matchmaking and the
# badge rely on the confirmation, never on the declaration.
PRIVILEGED_CATEGORIES = frozenset(BADGE_TYPE_FOR_CATEGORY)


class DayCapacity(models.Model):
    """How many people may be confirmed for a day: in all (no category) or in one category."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="day_capacities", verbose_name=_("expo"))
    date = models.DateField(_("day"))
    category = models.CharField(
        _("category"),
        max_length=24,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty for the whole day; a category for a cap on that category alone."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))

    class Meta:
        verbose_name = _("day capacity")
        verbose_name_plural = _("day capacities")
        ordering = ["date", "category"]
        constraints = [
            models.UniqueConstraint(fields=["expo", "date", "category"], name="one_capacity_per_day_category")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_category_display() or _('all')}: {self.capacity}"


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        DESK = "desk", _("Walk-in at the desk")

    class CategoryStatus(models.TextChoices):
        NOT_NEEDED = "", _("Needs no confirmation")
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed by the desk")
        REFUSED = "refused", _("Refused by the desk")

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("expo"))
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    designation = models.CharField(_("designation"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    city = models.CharField(_("city"), max_length=100)
    interests = models.ManyToManyField(Cluster, blank=True, related_name="+", verbose_name=_("interests"))
    consent_at = models.DateTimeField(_("consented to the privacy notice"))
    share_contact_with_exhibitors = models.BooleanField(
        _("shares email and phone with exhibitors"),
        default=False,
        help_text=_("Exhibitors who scan the badge see the email and phone only with this consent."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    category_status = models.CharField(
        _("category confirmation"), max_length=10, choices=CategoryStatus.choices, blank=True, db_index=True
    )
    category_decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category decided by")
    )
    category_decided_at = models.DateTimeField(_("category decided at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    language = models.CharField(_("language"), max_length=8, default="en")
    # Where the person registered: the links in their emails point back there.
    site_url = models.CharField(max_length=200, blank=True)
    manage_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["expo", "email"], name="one_registration_per_email")]
        permissions = [("use_registration_desk", "Can use the registration desk, badge sheets and attendance numbers")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def badge_type(self) -> str:
        """The badge type the registration's category earns: its own once confirmed, a visitor's before."""
        if self.category_status == self.CategoryStatus.CONFIRMED:
            return BADGE_TYPE_FOR_CATEGORY.get(self.category, BadgeType.VISITOR)
        return BadgeType.VISITOR

    @property
    def badge_category(self) -> str:
        """The category the badge prints: an unconfirmed privileged category is not printed."""
        if self.category in PRIVILEGED_CATEGORIES and self.category_status != self.CategoryStatus.CONFIRMED:
            return ""
        return self.category


class RegistrationChange(models.Model):
    """New details given on the public form for an email already registered, waiting for that address to confirm.

    The link emailed to the stored address carries a random token; only its SHA-256 is kept here.
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="changes")
    token_hash = models.CharField(max_length=64, unique=True)
    # The form's answers as ``services.registration_change_confirm`` applies them (dates as ISO strings,
    # interests as cluster ids).
    details = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("registration change awaiting confirmation")
        verbose_name_plural = _("registration changes awaiting confirmation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.registration} {self.created_at:%Y-%m-%d %H:%M}"


class RegistrationDay(models.Model):
    """One day a registration asks for; waitlisted days are promoted in ``pk`` order."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=Registration.Status.choices)

    class Meta:
        verbose_name = _("registered day")
        verbose_name_plural = _("registered days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["registration", "date"], name="one_row_per_registration_day")]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        return f"{self.registration} {self.date} {self.status}"


class Badge(models.Model):
    """What a person wears on site. ``version`` goes up when the printed details change."""

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="badges", verbose_name=_("expo"))
    number = models.CharField(_("badge number"), max_length=8)
    type = models.CharField(_("type"), max_length=10, choices=BadgeType.choices)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices, blank=True)
    full_name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # What the gate reads: the badge opens no gate, because staff revoked it or its registration is cancelled.
    revoked = models.BooleanField(_("revoked"), default=False)
    # Revoked by staff: only staff lift it (``BadgeRevocation`` keeps who, when and why); the holder's
    # cancelling and registering again leaves it in place.
    staff_revoked = models.BooleanField(_("revoked by staff"), default=False)
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="badge"
    )
    booth_staff = models.OneToOneField(
        "exhibitors.BoothStaff", on_delete=models.CASCADE, null=True, blank=True, related_name="badge"
    )
    pdf = models.FileField(_("badge PDF"), upload_to=badge_pdf_path, storage=private_storage, blank=True)
    pdf_version = models.PositiveSmallIntegerField(_("version of the PDF"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["expo", "number"], name="badge_number_unique_per_expo")]

    def __str__(self) -> str:
        return f"{self.number} {self.full_name}"

    @property
    def all_days(self) -> bool:
        """A badge without a registration (booth staff, jury, staff, press issued by the desk) is valid every
        day of the expo; a visitor's only on the days confirmed for them."""
        return self.registration_id is None

    @property
    def colour(self) -> str:
        return BADGE_COLOURS[BadgeType(self.type)]

    @property
    def pdf_is_current(self) -> bool:
        return bool(self.pdf) and self.pdf_version == self.version


class BadgeRevocation(models.Model):
    """One staff revocation of a badge, or the lifting of one, with the reason staff gave."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="revocations", verbose_name=_("badge"))
    revoked = models.BooleanField(_("revoked"), help_text=_("Revoked, or the revocation lifted."))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("badge revocation")
        verbose_name_plural = _("badge revocations")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.badge} {'revoked' if self.revoked else 'lifted'} {self.at:%Y-%m-%d %H:%M}"


class Gate(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="gates", verbose_name=_("expo"))
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["expo", "name"], name="one_gate_name_per_expo")]

    def __str__(self) -> str:
        return self.name


class Scan(models.Model):
    """One scan a gate uploaded, kept once by the id the gate's browser made for it."""

    class Outcome(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        ALREADY = "already", _("Already checked in today")
        MALFORMED = "malformed", _("Not a badge code")
        FORGED = "forged", _("Forged or altered code")
        WRONG_EXPO = "wrong_expo", _("Badge of another expo")
        UNKNOWN = "unknown", _("Unknown badge")
        REVOKED = "revoked", _("Revoked badge")
        SUPERSEDED = "superseded", _("Replaced by a newer badge")
        NOT_TODAY = "not_today", _("Not registered for today")

    scan_id = models.UUIDField(_("scan id"), unique=True)
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="scans", verbose_name=_("gate"))
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, null=True, blank=True, related_name="scans")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    offline = models.BooleanField(_("scanned offline"), default=False)
    # An offline gate let someone in whom the server had already let in elsewhere that day.
    conflict = models.BooleanField(_("conflict"), default=False)
    scanned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-scanned_at"]
        permissions = [("scan_badges", "Can scan badges at the gates")]

    def __str__(self) -> str:
        return f"{self.scan_id} {self.outcome}"


class CheckIn(models.Model):
    """A badge let in on a day: at most one per badge and day, whatever the gates send."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("badge"))
    day = models.DateField(_("day"))
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("gate"))
    scanned_at = models.DateTimeField(_("scanned at"))
    scan = models.OneToOneField(Scan, on_delete=models.CASCADE, related_name="checkin")

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-scanned_at"]
        constraints = [models.UniqueConstraint(fields=["badge", "day"], name="one_checkin_per_badge_day")]
        indexes = [models.Index(fields=["day", "scanned_at"])]

    def __str__(self) -> str:
        return f"{self.badge} {self.day}"


class BadgeBatch(models.Model):
    """A sheet of badges staff asked to print, made in the background with its progress kept here."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("what"), max_length=200)
    badges = models.ManyToManyField(Badge, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("badges"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    pdf = models.FileField(_("sheet PDF"), upload_to=batch_pdf_path, storage=private_storage, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Moved on by the worker after every chunk: a batch whose heartbeat stops was lost with its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("badge print batch")
        verbose_name_plural = _("badge print batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100
