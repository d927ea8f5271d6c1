"""Core data: users, expo editions, sectors and clusters, trade bodies, invitations, the email outbox."""

import datetime
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(english: str, urdu: str) -> str:
    """The Urdu text on Urdu pages when there is one, the English otherwise."""
    return urdu if get_language() == "ur" and urdu else english


def random_file_name(folder: str, filename: str) -> str:
    """A random file name in ``folder``, so that names neither leak what was uploaded nor can be guessed."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


class Province(models.TextChoices):
    PUNJAB = "punjab", _("Punjab")
    SINDH = "sindh", _("Sindh")
    KHYBER_PAKHTUNKHWA = "kp", _("Khyber Pakhtunkhwa")
    BALOCHISTAN = "balochistan", _("Balochistan")
    ISLAMABAD = "ict", _("Islamabad Capital Territory")
    GILGIT_BALTISTAN = "gb", _("Gilgit-Baltistan")
    AZAD_KASHMIR = "ajk", _("Azad Jammu and Kashmir")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The email address is the login."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Staff may open the admin once they have set up MFA.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Expo(models.Model):
    """One edition of the expo. Every record of the portal belongs to an edition."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    venue = models.CharField(_("venue"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Karachi")
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    is_current = models.BooleanField(
        _("current edition"), default=False, help_text=_("The edition the public pages show. Only one can be current.")
    )

    class Meta:
        verbose_name = _("expo edition")
        verbose_name_plural = _("expo editions")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_expo"
            ),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="expo_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def days(self) -> list:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=offset) for offset in range(count)]

    def registration_is_open(self, *, now=None) -> bool:
        now = now or timezone.now()
        opened = self.registration_opens_at is None or self.registration_opens_at <= now
        not_closed = self.registration_closes_at is None or now < self.registration_closes_at
        return opened and not_closed


class Sector(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_ur = models.CharField(_("name in Urdu"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language, falling back to English."""
        return in_language(self.name, self.name_ur)


class Cluster(models.Model):
    """A sector in a place: surgical instruments in Sialkot, furniture in Chiniot."""

    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("sector"))
    name = models.CharField(_("name"), max_length=160, unique=True)
    city = models.CharField(_("city or district"), max_length=100)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["sector__name", "city"]
        constraints = [models.UniqueConstraint(fields=["sector", "city"], name="one_cluster_per_sector_city")]

    def __str__(self) -> str:
        return self.name


class TradeBody(models.Model):
    """A chamber of commerce or trade association that nominates SMEs."""

    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("Chamber of commerce and industry")
        ASSOCIATION = "association", _("Trade or industry association")
        WOMEN_CHAMBER = "women_chamber", _("Women chamber of commerce")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        User, through="TradeBodyMembership", related_name="trade_bodies", verbose_name=_("members")
    )
    invitations = GenericRelation(
        "Invitation", content_type_field="organisation_type", object_id_field="organisation_id"
    )

    class Meta:
        verbose_name = _("trade body")
        verbose_name_plural = _("trade bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("trade_body_dashboard", args=[self.pk])


class TradeBodyMembership(models.Model):
    trade_body = models.ForeignKey(TradeBody, on_delete=models.CASCADE, verbose_name=_("trade body"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, verbose_name=_("user"))
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("trade body member")
        verbose_name_plural = _("trade body members")
        constraints = [models.UniqueConstraint(fields=["trade_body", "user"], name="one_membership_per_trade_body")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.trade_body}"


class Invitation(models.Model):
    """A one-time link that lets a person set a password and join an organisation.

    The organisation is a trade body or an exhibitor: any model with a ``members``
    many-to-many to users and a ``get_absolute_url`` leading to its dashboard.
    Only a hash of the token is stored, so a leaked database does not leak working links.
    """

    email = models.EmailField(_("email address"))
    organisation_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    organisation_id = models.PositiveBigIntegerField()
    organisation = GenericForeignKey("organisation_type", "organisation_id")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation_type", "organisation_id"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class OutboundEmail(models.Model):
    """One email the portal sends: rendered when queued, delivered by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    template = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # What to attach, made when the email is sent: a registered maker's name and an id, e.g. "visitors.badge:42".
    attachment = models.CharField(_("attachment"), max_length=100, blank=True)
    attachment_name = models.CharField(_("attachment file name"), max_length=100, blank=True)
    # The secret parts (sign-in, invitation and manage links) stand in the bodies as markers; their values are kept
    # here encrypted, put in when the email goes out, and erased once it is sent (see expo.services.email_queue).
    sealed_secrets = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
