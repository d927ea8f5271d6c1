"""Enterprises, their nominations by trade bodies, staff reviews, and the exhibitors approval makes.

A nomination carries the enterprise's details as the trade body gave them; the
``Enterprise`` row is the identity the same SME keeps across trade bodies and
editions (matched by NTN, or by name and city), so staff see a duplicate as one SME.
Files a trade body uploads are private (served only through permission-checked
views); an exhibitor's public profile images live in public media.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from expo.models import Cluster, Expo, Province, TradeBody, User, in_language, random_file_name


def private_storage() -> FileSystemStorage:
    """Storage for uploads that only the owner and staff may read: never under MEDIA_URL."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def nomination_logo_path(instance, filename: str) -> str:
    return random_file_name("nominations/logos", filename)


def nomination_product_path(instance, filename: str) -> str:
    return random_file_name("nominations/products", filename)


def exhibitor_logo_path(instance, filename: str) -> str:
    return random_file_name("exhibitors/logos", filename)


def exhibitor_product_path(instance, filename: str) -> str:
    return random_file_name("exhibitors/products", filename)


def nomination_import_path(instance, filename: str) -> str:
    return random_file_name("imports/nominations", filename)


ntn_validator = RegexValidator(r"^\d{7}-?\d$", _("Enter the NTN as 7 digits and a check digit, for example 1234567-8."))
cnic_validator = RegexValidator(
    r"^(\d{5}-\d{7}-\d|[A-Z0-9]{6,12})$",
    _("Enter a CNIC as 12345-1234567-1, or a passport number of 6 to 12 letters and digits."),
)
hs_code_validator = RegexValidator(r"^\d{4}(\.?\d{2}){0,3}$", _("Enter an HS code of 4 to 10 digits, e.g. 9018.90."))
phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{7,20}$", _("Enter a phone number of digits, spaces and dashes, e.g. +92 300 1234567.")
)


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large (not an SME)")


class TurnoverBand(models.TextChoices):
    UNDER_10 = "lt10", _("Under PKR 10 million")
    FROM_10_TO_30 = "10-30", _("PKR 10 to 30 million")
    FROM_30_TO_75 = "30-75", _("PKR 30 to 75 million")
    FROM_75_TO_150 = "75-150", _("PKR 75 to 150 million")
    FROM_150_TO_400 = "150-400", _("PKR 150 to 400 million")
    FROM_400_TO_800 = "400-800", _("PKR 400 to 800 million")
    OVER_800 = "gt800", _("Over PKR 800 million")


# The top of each band in PKR million; the size class compares it with the expo's thresholds.
TURNOVER_BAND_TOP = {
    TurnoverBand.UNDER_10: 10,
    TurnoverBand.FROM_10_TO_30: 30,
    TurnoverBand.FROM_30_TO_75: 75,
    TurnoverBand.FROM_75_TO_150: 150,
    TurnoverBand.FROM_150_TO_400: 400,
    TurnoverBand.FROM_400_TO_800: 800,
    TurnoverBand.OVER_800: None,
}


class LegalForm(models.TextChoices):
    SOLE_PROPRIETOR = "sole", _("Sole proprietorship")
    PARTNERSHIP = "partnership", _("Partnership")
    PRIVATE_LIMITED = "private_limited", _("Private limited company")
    SINGLE_MEMBER = "smc", _("Single member company")
    COOPERATIVE = "cooperative", _("Cooperative")
    OTHER = "other", _("Other")


class ExportExperience(models.TextChoices):
    NONE = "none", _("Not exporting yet")
    INDIRECT = "indirect", _("Exports through others")
    OCCASIONAL = "occasional", _("Exports now and then")
    REGULAR = "regular", _("Exports regularly")


EXPORT_READY = (ExportExperience.OCCASIONAL, ExportExperience.REGULAR)


class StallSize(models.TextChoices):
    SHELL_9 = "9", _("9 m² (3 × 3 m)")
    SHELL_18 = "18", _("18 m² (3 × 6 m)")
    SPACE_36 = "36", _("36 m² (6 × 6 m)")


# How many booth staff get badges for each stall size.
BOOTH_STAFF_CAP = {StallSize.SHELL_9: 3, StallSize.SHELL_18: 5, StallSize.SPACE_36: 8}


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or prefer not to say")


class Certification(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NominationRules(models.Model):
    """The rules of one edition's nominations: size thresholds, quota, ranking preferences. All data."""

    expo = models.OneToOneField(Expo, on_delete=models.CASCADE, related_name="nomination_rules")
    micro_turnover_max = models.PositiveIntegerField(_("micro: turnover under (PKR million)"), default=30)
    small_turnover_max = models.PositiveIntegerField(_("small: turnover up to (PKR million)"), default=150)
    medium_turnover_max = models.PositiveIntegerField(_("medium: turnover up to (PKR million)"), default=800)
    default_quota = models.PositiveSmallIntegerField(
        _("nominations per trade body"), default=15, help_text=_("Unless a quota for the trade body says otherwise.")
    )
    women_led_bonus = models.DecimalField(
        _("bonus for women-led enterprises"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.25"),
        help_text=_("Added to the mean score (out of 5) when ranking."),
    )
    micro_bonus = models.DecimalField(
        _("bonus for micro enterprises"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.15"),
        help_text=_("Added to the mean score (out of 5) when ranking."),
    )
    nominations_open = models.BooleanField(_("nominations open"), default=True)

    class Meta:
        verbose_name = _("nomination rules")
        verbose_name_plural = _("nomination rules")

    def __str__(self) -> str:
        return str(self.expo)

    def size_class_for(self, band: str) -> str:
        top = TURNOVER_BAND_TOP.get(band)
        if top is None:
            return SizeClass.LARGE
        # "Micro" is turnover *under* its threshold; the band's top may equal it (10–30 is under 30).
        if top <= self.micro_turnover_max:
            return SizeClass.MICRO
        if top <= self.small_turnover_max:
            return SizeClass.SMALL
        if top <= self.medium_turnover_max:
            return SizeClass.MEDIUM
        return SizeClass.LARGE


class ReviewCriterion(models.Model):
    """One line of the review rubric of an edition, scored 1–5, with its weight."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="review_criteria")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal("1"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["expo", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["expo", "key"], name="one_criterion_key_per_expo")]

    def __str__(self) -> str:
        return self.name


class TradeBodyQuota(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="+")
    trade_body = models.ForeignKey(TradeBody, on_delete=models.CASCADE, related_name="quotas")
    limit = models.PositiveSmallIntegerField(_("nominations allowed"))

    class Meta:
        verbose_name = _("trade body quota")
        verbose_name_plural = _("trade body quotas")
        constraints = [models.UniqueConstraint(fields=["expo", "trade_body"], name="one_quota_per_trade_body")]

    def __str__(self) -> str:
        return f"{self.trade_body}: {self.limit}"


class ClusterCapacity(models.Model):
    """How many exhibitors a cluster's pavilion holds at an edition; the ranked view compares approvals with it."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="capacities")
    exhibitors = models.PositiveSmallIntegerField(_("exhibitors the pavilion holds"))

    class Meta:
        verbose_name = _("cluster capacity")
        verbose_name_plural = _("cluster capacities")
        constraints = [models.UniqueConstraint(fields=["expo", "cluster"], name="one_capacity_per_cluster")]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.exhibitors}"


def normalise_name(name: str) -> str:
    """Fold a company name for duplicate detection: case, punctuation and legal suffixes ignored."""
    folded = re.sub(r"[^a-z0-9 ]+", " ", name.lower())
    folded = re.sub(r"\b(pvt|private|ltd|limited|smc|co|company|and|the)\b", " ", folded)
    return " ".join(folded.split())


class Enterprise(models.Model):
    """The identity of an SME across trade bodies and editions."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    ntn = models.CharField(_("NTN"), max_length=9, null=True, blank=True, unique=True, validators=[ntn_validator])
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="enterprises")
    women_led = models.BooleanField(_("women-led"), default=False)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return f"{self.legal_name}, {self.city}"


class Nomination(models.Model):
    """A trade body's proposal of one SME for one edition, from draft to decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Step(models.IntegerChoices):
        ENTERPRISE = 1, _("Enterprise")
        OWNER = 2, _("Owner and contact")
        PRODUCTS = 3, _("Products and photos")
        JUSTIFICATION = 4, _("Justification")
        REVIEW = 5, _("Review and submit")

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="nominations")
    trade_body = models.ForeignKey(TradeBody, on_delete=models.PROTECT, related_name="nominations")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations"
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    steps_done = models.PositiveSmallIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    # Step 1: the enterprise
    legal_name = models.CharField(_("legal name"), max_length=200)
    brand_name = models.CharField(_("brand name"), max_length=120, blank=True)
    ntn = models.CharField(
        _("NTN"), max_length=9, blank=True, validators=[ntn_validator], help_text=_("Optional. Example: 1234567-8")
    )
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, blank=True)
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    turnover_band = models.CharField(_("annual turnover"), max_length=10, choices=TurnoverBand.choices, blank=True)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices, blank=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations", verbose_name=_("cluster")
    )
    description = models.TextField(_("what the enterprise makes or does"), max_length=2000, blank=True)
    website = models.URLField(_("website"), blank=True)
    facebook = models.URLField(_("Facebook page"), blank=True)
    instagram = models.URLField(_("Instagram"), blank=True)
    linkedin = models.URLField(_("LinkedIn"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=nomination_logo_path, storage=private_storage, blank=True)
    logo_thumbnail = models.ImageField(upload_to=nomination_logo_path, storage=private_storage, blank=True)

    # Step 2: owner and contact (private: never shown publicly)
    owner_name = models.CharField(_("owner's name"), max_length=150, blank=True)
    owner_gender = models.CharField(_("owner's gender"), max_length=10, choices=Gender.choices, blank=True)
    women_led = models.BooleanField(
        _("women-led"), default=False, help_text=_("A woman owns the majority of the enterprise or leads it.")
    )
    owner_cnic = models.CharField(_("owner's CNIC"), max_length=15, blank=True, validators=[cnic_validator])
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True, validators=[phone_validator])
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_designation = models.CharField(_("contact's designation"), max_length=100, blank=True)
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("The exhibitor account invitation goes here on approval.")
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[phone_validator])

    # Step 3: products, certifications, exports
    certifications = models.ManyToManyField(Certification, blank=True, verbose_name=_("certifications"))
    export_experience = models.CharField(
        _("export experience"), max_length=12, choices=ExportExperience.choices, blank=True
    )
    export_markets = models.CharField(
        _("export markets"), max_length=300, blank=True, help_text=_("Countries, separated by commas.")
    )

    # Step 4: justification
    justification = models.TextField(
        _("why this SME should exhibit"),
        max_length=3000,
        blank=True,
        help_text=_("Quality, innovation, market readiness, export potential."),
    )
    requested_stall_size = models.CharField(
        _("requested stall size"), max_length=4, choices=StallSize.choices, default=StallSize.SHELL_9
    )
    wants_women_pavilion = models.BooleanField(
        _("place in the women entrepreneurs pavilion"),
        default=False,
        help_text=_("Only for women-led enterprises."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "logo_thumbnail"])

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]
        permissions = [("decide_nomination", _("Can approve, waitlist or reject nominations"))]
        indexes = [models.Index(fields=["expo", "status"]), models.Index(fields=["expo", "trade_body"])]

    def __str__(self) -> str:
        return self.legal_name or str(_("Untitled nomination"))

    def get_absolute_url(self) -> str:
        return reverse("nomination_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_withdrawable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)


# The fields each step of the nomination form fills: the form, the admin and the review page follow these.
STEP_FIELDS = {
    Nomination.Step.ENTERPRISE: [
        "legal_name",
        "brand_name",
        "ntn",
        "legal_form",
        "year_founded",
        "employees",
        "turnover_band",
        "city",
        "province",
        "cluster",
        "description",
        "website",
        "facebook",
        "instagram",
        "linkedin",
    ],
    Nomination.Step.OWNER: [
        "owner_name",
        "owner_gender",
        "women_led",
        "owner_cnic",
        "owner_phone",
        "contact_name",
        "contact_designation",
        "contact_email",
        "contact_phone",
    ],
    Nomination.Step.PRODUCTS: ["certifications", "export_experience", "export_markets"],
    Nomination.Step.JUSTIFICATION: ["justification", "requested_stall_size", "wants_women_pavilion"],
}


class NominationProduct(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("product name"), max_length=120)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=13, blank=True, validators=[hs_code_validator])
    photo = models.ImageField(_("photo"), upload_to=nomination_product_path, storage=private_storage, blank=True)
    thumbnail = models.ImageField(upload_to=nomination_product_path, storage=private_storage, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One reviewer's rubric scores for one nomination."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("reviewer"))
    scores = models.JSONField(_("scores"), default=dict, help_text=_("Criterion key → score from 1 to 5."))
    weighted_score = models.DecimalField(_("weighted score"), max_digits=4, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["nomination", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.nomination} — {self.reviewer}: {self.weighted_score}"


class Exhibitor(models.Model):
    """An approved enterprise at an edition: its public profile and the people who manage it."""

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="exhibitors")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="exhibitors")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="exhibitor")
    name = models.CharField(_("name shown to visitors"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220)
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="exhibitors")
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    women_led = models.BooleanField(_("women-led"), default=False)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices)
    stall_size = models.CharField(_("stall size"), max_length=4, choices=StallSize.choices)
    wants_women_pavilion = models.BooleanField(_("in the women entrepreneurs pavilion"), default=False)
    trade_body = models.ForeignKey(TradeBody, on_delete=models.PROTECT, related_name="exhibitors")

    logo = models.ImageField(_("logo"), upload_to=exhibitor_logo_path, blank=True)
    logo_thumbnail = models.ImageField(upload_to=exhibitor_logo_path, blank=True)
    description = models.TextField(_("description in English"), max_length=2000, blank=True)
    description_ur = models.TextField(_("description in Urdu"), max_length=2000, blank=True)
    certifications = models.ManyToManyField(Certification, blank=True, verbose_name=_("certifications"))
    export_experience = models.CharField(
        _("export experience"), max_length=12, choices=ExportExperience.choices, blank=True
    )
    export_markets = models.CharField(_("export markets"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("email for visitors"), blank=True)
    public_phone = models.CharField(_("phone for visitors"), max_length=20, blank=True, validators=[phone_validator])
    whatsapp = models.CharField(_("WhatsApp number"), max_length=20, blank=True, validators=[phone_validator])
    # Staff's decision to keep the exhibitor out of the public directory; only staff lift it, with a reason
    # (both reasons are kept in the history).
    unlisted_at = models.DateTimeField(_("unlisted by staff"), null=True, blank=True, editable=False)
    unlisted_reason = models.TextField(_("reason for unlisting"), blank=True, editable=False)
    # Computed by the database from the data, so that no save can leave it stale: an exhibitor exists only
    # once its nomination is approved (approval is final), so it is listed when it has a description and
    # staff have not unlisted it.
    listed = models.GeneratedField(
        expression=Q(unlisted_at__isnull=True) & ~Q(description=""),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("listed in the public directory"),
    )
    members = models.ManyToManyField(
        User, through="ExhibitorMembership", related_name="exhibitors", verbose_name=_("members")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "logo_thumbnail", "listed"], m2m_fields=[])

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["expo", "slug"], name="one_exhibitor_slug_per_expo")]
        indexes = [models.Index(fields=["expo", "listed", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("exhibitor_dashboard", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("directory_detail", args=[self.slug])

    @property
    def display_description(self) -> str:
        return in_language(self.description, self.description_ur)

    @property
    def is_unlisted_by_staff(self) -> bool:
        return self.unlisted_at is not None

    @property
    def is_export_ready(self) -> bool:
        return self.export_experience in EXPORT_READY

    @cached_property
    def booth_staff_cap(self) -> int:
        return BOOTH_STAFF_CAP[StallSize(self.stall_size)]


class ExhibitorMembership(models.Model):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("exhibitor member")
        verbose_name_plural = _("exhibitor members")
        constraints = [models.UniqueConstraint(fields=["exhibitor", "user"], name="one_membership_per_exhibitor")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.exhibitor}"


class ExhibitorProduct(models.Model):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("product name"), max_length=120)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=13, blank=True, validators=[hs_code_validator])
    photo = models.ImageField(_("photo"), upload_to=exhibitor_product_path, blank=True)
    thumbnail = models.ImageField(upload_to=exhibitor_product_path, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class BoothStaff(models.Model):
    """A person who will staff the stall and get a badge. The ID number is private to the exhibitor and staff."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="booth_staff")
    full_name = models.CharField(_("full name"), max_length=150)
    designation = models.CharField(_("designation"), max_length=100, blank=True)
    id_number = models.CharField(
        _("CNIC or passport number"),
        max_length=15,
        validators=[cnic_validator],
        help_text=_("Kept private; checked at the gate against the badge."),
    )
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("booth staff member")
        verbose_name_plural = _("booth staff")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["exhibitor", "id_number"], name="one_badge_per_person")]

    def __str__(self) -> str:
        return self.full_name


class NominationImport(models.Model):
    """A spreadsheet of nominations uploaded for a trade body: checked, then (when confirmed) imported whole.

    Both steps run in a Celery task; the page follows them with a progress bar. The file stays in
    private storage until it is imported. Only the person who uploaded it sees it, through
    ``selectors.nomination_import_for_user``.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Not imported")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="+")
    trade_body = models.ForeignKey(TradeBody, on_delete=models.CASCADE, related_name="nomination_imports")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=nomination_import_path, storage=private_storage, blank=True)
    extension = models.CharField(max_length=4)
    rows = models.PositiveIntegerField(_("rows"))
    language = models.CharField(max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    report = models.JSONField(default=dict, blank=True)
    imported = models.PositiveIntegerField(_("nominations imported"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nomination import")
        verbose_name_plural = _("nomination imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.trade_body}: {self.rows} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
