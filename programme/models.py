"""The programme of an edition: rooms in the halls, sessions in them, and their speakers.

A session never clashes with another in its room: PostgreSQL refuses the overlap with an exclusion
constraint (the guard under concurrent writes), and ``services.session_save`` checks it first on every
database so that the person gets a readable answer (the local SQLite mode has only that check). A speaker
is never in two sessions at once: checked by the services under a row lock on the speaker.
Times are stored in UTC and shown in the edition's time zone (Asia/Karachi).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exhibitors.models import Exhibitor
from expo.models import Cluster, Expo, Sector, User, in_language, random_file_name
from pavilions.models import Hall
from visitors.models import Badge, Registration


def speaker_photo_path(instance, filename: str) -> str:
    return random_file_name("programme/speakers", filename)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint where the database is PostgreSQL; nothing on the local SQLite mode.

    Its ``validate`` does nothing: the services check the same overlap on every database first, with a
    message that names the other session, so the admin shows one clear error rather than two.
    """

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using=None):
        return None


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    URDU = "ur", _("Urdu")
    BOTH = "en_ur", _("English and Urdu")


class Room(models.Model):
    """A room or stage in a hall of the venue."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("hall"))
    name = models.CharField(_("name"), max_length=100)
    name_ur = models.CharField(_("name in Urdu"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("seats"))
    accessible = models.BooleanField(_("step-free access"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["hall__order", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["hall", "name"], name="one_room_name_per_hall")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hall.code})"

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_ur)


class Session(models.Model):
    """A ceremony, panel, workshop, talk or award ceremony in one room at one time."""

    class Kind(models.TextChoices):
        CEREMONY = "ceremony", _("Ceremony")
        PANEL = "panel", _("Panel discussion")
        WORKSHOP = "workshop", _("Workshop")
        TALK = "talk", _("Talk")
        AWARDS = "awards", _("Awards ceremony")

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("expo edition"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title in English"), max_length=200)
    title_ur = models.CharField(_("title in Urdu"), max_length=200, blank=True)
    abstract = models.TextField(_("abstract in English"), max_length=3000, blank=True)
    abstract_ur = models.TextField(_("abstract in Urdu"), max_length=3000, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors"))
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="+", verbose_name=_("clusters"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("room"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH)
    rsvp_required = models.BooleanField(_("RSVP needed"), default=False)
    no_meetings_during = models.BooleanField(
        _("no B2B meetings during"),
        default=False,
        help_text=_("The meeting scheduler keeps this time free, as it does for ceremonies."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    speakers = models.ManyToManyField(
        "Speaker", through="SessionSpeaker", related_name="sessions", verbose_name=_("speakers")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "room__order"]
        indexes = [models.Index(fields=["expo", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            PostgresExclusionConstraint(
                name="no_two_sessions_in_a_room_at_once",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", models.Value("[)")), RangeOperators.OVERLAPS),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(cancelled_at__isnull=True),
                violation_error_message=_("Another session is in this room at that time."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme_session", args=[self.pk])

    @property
    def display_title(self) -> str:
        return in_language(self.title, self.title_ur)

    @property
    def display_abstract(self) -> str:
        return in_language(self.abstract, self.abstract_ur)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Speaker(models.Model):
    """A person who speaks at sessions. Invited by email (``expo.services.invitation_create``), the person
    becomes a member and edits the profile; staff edit it in the admin."""

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="speakers", verbose_name=_("expo edition"))
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title or role"), max_length=150, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("short bio in English"), max_length=1500, blank=True)
    bio_ur = models.TextField(_("short bio in Urdu"), max_length=1500, blank=True)
    photo = models.ImageField(_("photo"), upload_to=speaker_photo_path, blank=True)
    photo_thumbnail = models.ImageField(upload_to=speaker_photo_path, blank=True, editable=False)
    exhibitor = models.ForeignKey(
        Exhibitor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exhibitor"),
        help_text=_("When the speaker comes from an exhibitor at this edition."),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visitor registration"),
    )
    # The people who may edit the profile: the speaker, once they accept the invitation.
    members = models.ManyToManyField(User, blank=True, related_name="speaker_profiles", verbose_name=_("members"))
    confirmed_at = models.DateTimeField(_("confirmed by the speaker"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """Where a member lands after accepting the invitation: their profile to confirm and edit."""
        return reverse("programme_speaker_edit", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("programme_speaker", args=[self.pk])

    @property
    def display_bio(self) -> str:
        return in_language(self.bio, self.bio_ur)


class SessionSpeaker(models.Model):
    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        CHIEF_GUEST = "chief_guest", _("Chief guest")
        TRAINER = "trainer", _("Trainer")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, verbose_name=_("session"))
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, verbose_name=_("speaker"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session speaker")
        verbose_name_plural = _("session speakers")
        ordering = ["order", "speaker__name"]
        constraints = [models.UniqueConstraint(fields=["session", "speaker"], name="one_speaker_once_per_session")]

    def __str__(self) -> str:
        return f"{self.speaker} · {self.session}"


class Rsvp(models.Model):
    """A registered visitor's place at a session that needs RSVP: confirmed while the room has seats, else on the
    session's waitlist in the order people asked (``queued_at``), promoted as places free up."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("session"))
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="+", verbose_name=_("visitor registration")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    queued_at = models.DateTimeField(_("asked"), default=timezone.now)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["session", "queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "registration"], name="one_rsvp_per_person")]
        indexes = [models.Index(fields=["session", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.registration} · {self.session}"


class CalendarFeed(models.Model):
    """A person's calendar feed: the sessions they have a place at, behind a secret link. Only a hash of the
    link's token is stored; issuing a new link revokes the old one."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="+", verbose_name=_("visitor registration")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.registration)


class MemberCalendarFeed(models.Model):
    """An exhibitor member's calendar feed: the exhibitor's B2B meetings and the sessions the member speaks at,
    behind a secret link. As for ``CalendarFeed``, only a hash of the token is stored, a new link revokes the
    old one, and the link stops working once the person is no longer a member."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="+", verbose_name=_("exhibitor"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("member's calendar feed")
        verbose_name_plural = _("members' calendar feeds")
        constraints = [models.UniqueConstraint(fields=["exhibitor", "user"], name="one_calendar_feed_per_member")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.exhibitor}"


class Attendance(models.Model):
    """A badge checked in at a session's door: at most one per badge and session, whatever the doors send.

    ``scan_id`` is the id the door's browser made for the scan that let the person in, so that the same scan
    uploaded again is answered as the first time. ``rsvp`` keeps what the person's place was when they came in.
    """

    class RsvpState(models.TextChoices):
        NOT_NEEDED = "not_needed", _("No RSVP needed")
        CONFIRMED = "confirmed", _("Confirmed RSVP")
        WAITLISTED = "waitlisted", _("Waitlisted, no place")
        NONE = "none", _("No RSVP")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="+", verbose_name=_("badge"))
    scan_id = models.UUIDField(_("scan id"), unique=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    offline = models.BooleanField(_("scanned offline"), default=False)
    rsvp = models.CharField(_("RSVP"), max_length=10, choices=RsvpState.choices)
    # Let in by a door that was offline when the room was already full: staff look at it.
    over_capacity = models.BooleanField(_("over the room's seats"), default=False)
    scanned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendances")
        ordering = ["session", "scanned_at"]
        constraints = [models.UniqueConstraint(fields=["session", "badge"], name="one_attendance_per_badge_session")]
        permissions = [("scan_session_badges", "Can check badges in at session doors")]

    def __str__(self) -> str:
        return f"{self.badge} · {self.session}"

    @property
    def flagged(self) -> bool:
        """Let in to a session that needs RSVP without a confirmed place."""
        return self.rsvp in (self.RsvpState.WAITLISTED, self.RsvpState.NONE)
