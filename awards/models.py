"""The awards of an edition: categories and their rules, candidates, the jury, conflicts, scores, results.

A category's eligibility rules and its rubric are data, so that the secretariat sets them up per edition.
Eligibility is decided by the pure ``awards.eligibility`` from the exhibitor's data; what the secretariat
decides against the rules is an override with a reason, kept as a row of its own (``EligibilityOverride``),
never an edit of the computed answer. Evidence files are private: served only through a permission-checked
view, never from public media. A juror's conflict flags, score sheets and scores keep their whole history.
"""

import secrets
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exhibitors.models import Enterprise, Exhibitor, private_storage
from expo.models import Cluster, Expo, Sector, TradeBody, User, in_language, random_file_name

LOWEST_SCORE = 1
HIGHEST_SCORE = 10


def evidence_path(instance, filename: str) -> str:
    return random_file_name("awards/evidence", filename)


def certificate_path(instance, filename: str) -> str:
    return random_file_name("awards/certificates", filename)


def certificate_public_id() -> str:
    """The id in a certificate's verification link: random, so that certificates cannot be enumerated."""
    return secrets.token_urlsafe(16)


class Category(models.Model):
    """An award of an edition, with who may compete for it (the rules are data) and how many it honours."""

    expo = models.ForeignKey(
        Expo, on_delete=models.PROTECT, related_name="award_categories", verbose_name=_("expo edition")
    )
    name = models.CharField(_("name in English"), max_length=150)
    name_ur = models.CharField(_("name in Urdu"), max_length=150, blank=True)
    description = models.TextField(_("description in English"), max_length=2000, blank=True)
    description_ur = models.TextField(_("description in Urdu"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Eligibility rules: an empty rule lets everyone through.
    women_led_only = models.BooleanField(_("women-led enterprises only"), default=False)
    micro_only = models.BooleanField(_("micro enterprises only"), default=False)
    clusters = models.ManyToManyField(
        Cluster,
        blank=True,
        related_name="+",
        verbose_name=_("clusters"),
        help_text=_("Only exhibitors from these clusters; none chosen means any cluster."),
    )
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="+",
        verbose_name=_("sectors"),
        help_text=_("Only exhibitors in these sectors; none chosen means any sector."),
    )
    first_time_only = models.BooleanField(
        _("first-time exhibitors only"), default=False, help_text=_("Not an exhibitor at an earlier edition.")
    )
    min_years_in_business = models.PositiveSmallIntegerField(
        _("minimum years in business"), null=True, blank=True, validators=[MaxValueValidator(200)]
    )

    winners = models.PositiveSmallIntegerField(
        _("winners"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    runners_up = models.PositiveSmallIntegerField(_("runners-up"), default=0, validators=[MaxValueValidator(20)])
    candidacy_open = models.BooleanField(
        _("open for candidates"), default=True, help_text=_("Trade bodies and exhibitors may put candidates forward.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")
        ordering = ["expo", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["expo", "name"], name="one_award_category_name_per_expo"),
            models.CheckConstraint(condition=Q(winners__gte=1), name="award_category_has_a_winner"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_ur)

    @property
    def display_description(self) -> str:
        return in_language(self.description, self.description_ur)


class Round(models.Model):
    """A round of judging in a category (a shortlist, then a final), with its own jurors and rubric."""

    class Kind(models.TextChoices):
        SHORTLIST = "shortlist", _("Shortlist")
        FINAL = "final", _("Final")

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("category"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    jurors_per_candidate = models.PositiveSmallIntegerField(
        _("jurors per candidate"), default=3, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    opens_at = models.DateTimeField(_("scoring opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("scoring closes"), null=True, blank=True)
    # Set when the secretariat closes the round: scores are locked from then on, and jurors see the results.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["category", "order", "pk"]
        permissions = [("close_round", _("Can close a round and lock its scores"))]
        constraints = [
            models.UniqueConstraint(fields=["category", "kind"], name="one_round_of_each_kind_per_category"),
            models.CheckConstraint(condition=Q(jurors_per_candidate__gte=1), name="round_needs_a_juror"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
                violation_error_message=_("A round must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.get_kind_display()}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Criterion(models.Model):
    """A line of a round's rubric: weighted, scored 1–10, with what each band of scores means."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round"))
    name = models.CharField(_("name in English"), max_length=120)
    name_ur = models.CharField(_("name in Urdu"), max_length=120, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Only the ratios between a round's weights matter."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    band_1_2 = models.TextField(_("scores 1–2 mean"), max_length=500, blank=True)
    band_3_4 = models.TextField(_("scores 3–4 mean"), max_length=500, blank=True)
    band_5_6 = models.TextField(_("scores 5–6 mean"), max_length=500, blank=True)
    band_7_8 = models.TextField(_("scores 7–8 mean"), max_length=500, blank=True)
    band_9_10 = models.TextField(_("scores 9–10 mean"), max_length=500, blank=True)
    band_1_2_ur = models.TextField(_("scores 1–2 mean (Urdu)"), max_length=500, blank=True)
    band_3_4_ur = models.TextField(_("scores 3–4 mean (Urdu)"), max_length=500, blank=True)
    band_5_6_ur = models.TextField(_("scores 5–6 mean (Urdu)"), max_length=500, blank=True)
    band_7_8_ur = models.TextField(_("scores 7–8 mean (Urdu)"), max_length=500, blank=True)
    band_9_10_ur = models.TextField(_("scores 9–10 mean (Urdu)"), max_length=500, blank=True)

    BANDS = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="one_criterion_name_per_round"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_ur)

    def band_descriptions(self) -> list[tuple[int, int, str]]:
        """(low, high, what the scores mean) for each band, in the reader's language."""
        return [
            (low, high, in_language(getattr(self, f"band_{low}_{high}"), getattr(self, f"band_{low}_{high}_ur")))
            for low, high in self.BANDS
        ]


class Candidate(models.Model):
    """An exhibitor put forward for a category, by staff, by its trade body or by itself."""

    class Route(models.TextChoices):
        STAFF = "staff", _("Staff")
        TRADE_BODY = "trade_body", _("Trade body")
        SELF = "self", _("The exhibitor itself")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In the running")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXCLUDED = "excluded", _("Excluded by the secretariat")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("category")
    )
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.PROTECT, related_name="award_candidacies", verbose_name=_("exhibitor")
    )
    route = models.CharField(_("put forward by"), max_length=10, choices=Route.choices)
    trade_body = models.ForeignKey(
        TradeBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trade body"),
        help_text=_("The trade body that put the candidate forward."),
    )
    put_forward_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("put forward by")
    )
    statement = models.TextField(_("statement"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # What the rules say (``awards.eligibility``), with each failing rule's reason as {"code", "message", "params"}.
    rules_eligible = models.BooleanField(_("eligible by the rules"), default=False, editable=False)
    rules_reasons = models.JSONField(_("reasons"), default=list, blank=True, editable=False)
    eligibility_checked_at = models.DateTimeField(_("eligibility checked"), null=True, blank=True, editable=False)
    # The secretariat's latest decision against the rules (its history is in ``EligibilityOverride``); null: none.
    override_eligible = models.BooleanField(_("eligible by override"), null=True, blank=True, editable=False)
    eligible = models.GeneratedField(
        expression=Coalesce("override_eligible", "rules_eligible"),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("eligible"),
    )
    shortlisted_at = models.DateTimeField(_("shortlisted"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("put forward"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "eligible"])

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["category", "created_at", "pk"]
        permissions = [("override_eligibility", _("Can override a candidate's eligibility"))]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "exhibitor"],
                name="one_candidacy_per_category",
                violation_error_message=_("This exhibitor is already a candidate in this category."),
            ),
            models.CheckConstraint(
                condition=~Q(route="trade_body") | Q(trade_body__isnull=False),
                name="candidate_by_trade_body_names_it",
            ),
        ]
        indexes = [models.Index(fields=["category", "status"])]

    def __str__(self) -> str:
        return f"{self.exhibitor} — {self.category}"

    @property
    def is_shortlisted(self) -> bool:
        return self.shortlisted_at is not None


class EvidenceFile(models.Model):
    """A PDF or image that supports a candidacy: private, checked by content on upload."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("Image")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, storage=private_storage)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    # The uploader's name for the file, shown (escaped) to those who may open it; the stored name is random.
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["candidate", "pk"]

    def __str__(self) -> str:
        return self.original_name


class EligibilityOverride(models.Model):
    """One decision of the secretariat on a candidate's eligibility, against or back to the rules."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="overrides")
    # True or False: the candidate is (not) eligible whatever the rules say; null: the rules decide again.
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("eligibility override")
        verbose_name_plural = _("eligibility overrides")
        ordering = ["candidate", "-decided_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="eligibility_override_has_a_reason")]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.eligible}"


class Juror(models.Model):
    """A member of the jury of an edition. Invited by email (``expo.services.invitation_create``); the person
    who accepts becomes its member and signs in with an authenticator, like staff."""

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="jurors", verbose_name=_("expo edition"))
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"))
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("Compared with candidates to find conflicts.")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("own enterprise"),
        help_text=_("The juror's own SME, if any: a candidate in its cluster and city is a conflict."),
    )
    # The person, once they accept the invitation (the invitation flow adds to ``members``).
    members = models.ManyToManyField(User, blank=True, related_name="juror_profiles", verbose_name=_("members"))
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["expo", "name"]
        constraints = [models.UniqueConstraint(fields=["expo", "email"], name="one_juror_per_email_per_expo")]

    # Who accepts the invitation joins this group too: its permission opens the jurors' pages (``expo.services``).
    member_group = "Jurors"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """Where a juror lands after accepting the invitation: their candidates."""
        return reverse("awards_jury")

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()


class PanelMembership(models.Model):
    """A juror on the panel of one round of one category."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="panels", verbose_name=_("juror"))
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel", verbose_name=_("round"))
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["round", "juror__name"]
        constraints = [models.UniqueConstraint(fields=["juror", "round"], name="one_panel_seat_per_round")]

    def __str__(self) -> str:
        return f"{self.juror} @ {self.round}"


class Assignment(models.Model):
    """A candidate a juror scores in a round, assigned by hand or by ``awards.judging.assign``."""

    class Method(models.TextChoices):
        HAND = "hand", _("By hand")
        AUTO = "auto", _("Automatic")

    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("juror"))
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("candidate")
    )
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("round"))
    method = models.CharField(_("assigned"), max_length=4, choices=Method.choices, default=Method.HAND)
    assigned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round", "juror__name", "candidate"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "candidate", "round"], name="one_assignment_per_juror_candidate")
        ]
        indexes = [models.Index(fields=["round", "juror"])]

    def __str__(self) -> str:
        return f"{self.juror} → {self.candidate}"


class ConflictFlag(models.Model):
    """A reason a juror may not judge a candidate: declared by the juror or found in the portal's data.

    A flag is never deleted; staff clear it with a reason, and the history keeps every change.
    """

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the juror")
        TRADE_BODY = "trade_body", _("Member of the candidate's trade body")
        ORGANISATION = "organisation", _("Same organisation")
        MEETING_OR_LEAD = "meeting_lead", _("B2B meeting or lead with the candidate")
        CLUSTER_CITY = "cluster_city", _("Own enterprise in the same cluster and city")

    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("juror"))
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("candidate")
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    detail = models.TextField(_("detail"), max_length=1000, blank=True, help_text=_("What was declared or found."))
    raised_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    cleared_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cleared by")
    )
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    clear_reason = models.TextField(_("reason for clearing"), max_length=1000, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict flag")
        verbose_name_plural = _("conflict flags")
        ordering = ["-raised_at", "-pk"]
        permissions = [("clear_conflictflag", _("Can clear a juror's conflict flag"))]
        constraints = [
            models.UniqueConstraint(fields=["juror", "candidate", "source"], name="one_flag_per_source"),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True) | ~Q(clear_reason=""), name="cleared_flag_has_a_reason"
            ),
        ]
        indexes = [models.Index(fields=["juror", "candidate"])]

    def __str__(self) -> str:
        return f"{self.juror} / {self.candidate}: {self.get_source_display()}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class ScoreSheet(models.Model):
    """A juror's scores for an assigned candidate: a draft until submitted, locked when the round closes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="sheet", verbose_name=_("assignment")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    abstained = models.BooleanField(_("abstained"), default=False)
    abstain_reason = models.TextField(_("reason for abstaining"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        # By key: ordering by the assignment would follow its candidate and its round to the same category twice.
        ordering = ["assignment_id"]
        permissions = [("score_candidates", _("Can score the candidates assigned to them"))]
        constraints = [
            models.CheckConstraint(condition=Q(abstained=False) | ~Q(abstain_reason=""), name="abstention_has_a_reason")
        ]

    def __str__(self) -> str:
        return str(self.assignment)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Score(models.Model):
    """One criterion's score on a sheet, 1–10, with the juror's comment."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("sheet"))
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(LOWEST_SCORE), MaxValueValidator(HIGHEST_SCORE)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet_id", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__gte=LOWEST_SCORE) & Q(value__lte=HIGHEST_SCORE),
                name="score_from_1_to_10",
                violation_error_message=_("A score is from 1 to 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Result(models.Model):
    """A candidate's place in a category once the final round closes: approved by staff, then published."""

    class Place(models.TextChoices):
        WINNER = "winner", _("Winner")
        RUNNER_UP = "runner_up", _("Runner-up")

    class Mode(models.TextChoices):
        NORMALISED = "normalised", _("Normalised (z-scores per juror)")
        RAW = "raw", _("Raw mean")

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="results", verbose_name=_("category"))
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="results", verbose_name=_("candidate")
    )
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    place = models.CharField(_("place"), max_length=10, choices=Place.choices)
    mode = models.CharField(_("scored by"), max_length=10, choices=Mode.choices, default=Mode.NORMALISED)
    score = models.FloatField(_("score"))
    explanation = models.TextField(_("explanation"), blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["category", "rank"]
        permissions = [
            ("approve_result", _("Can approve the winners of a category")),
            ("publish_result", _("Can publish the winners of a category")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["category", "rank"], name="one_result_per_rank"),
            models.UniqueConstraint(fields=["category", "candidate"], name="one_result_per_candidate"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(approved_at__isnull=False),
                name="result_published_only_once_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.rank}. {self.candidate.exhibitor}"


class Certificate(models.Model):
    """The certificate of a result: a readable number, a random public id for its verification link, the PDF."""

    result = models.OneToOneField(Result, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    public_id = models.CharField(max_length=32, unique=True, default=certificate_public_id, editable=False)
    pdf = models.FileField(upload_to=certificate_path, storage=private_storage, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number
