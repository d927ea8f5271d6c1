"""B2B matchmaking: who takes part, when they can meet, their requests, the meetings placed, the scheduler's runs.

A ``Participant`` is one party at the table: an exhibitor (acting through its members) or a visitor whose
privileged category the registration desk has confirmed (a foreign delegation is one participant with several
people). Requests go both ways, exhibitor to exhibitor included. A ``Meeting`` holds one ``MeetingSeat`` per
participant, with the meeting's slot copied in: the unique (participant, slot) of the seats and the unique
(slot, table) of the meetings make a double booking impossible whoever writes, even two staff at once. Slots of
an expo never overlap (``Slot.clean``), so "the same slot" is "the same time".
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exhibitors.models import Exhibitor
from expo.models import Cluster, Expo, OutboundEmail, Sector, User
from visitors.countries import COUNTRIES
from visitors.models import Category, Registration

# The visitor categories that may ask for B2B meetings, once the registration desk has confirmed them.
MATCHMAKING_CATEGORIES = frozenset(
    {
        Category.BUYER,
        Category.INVESTOR,
        Category.BANK,
        Category.GOVERNMENT,
        Category.DEVELOPMENT_PARTNER,
        Category.FOREIGN_DELEGATE,
    }
)


class Priority(models.TextChoices):
    MUST = "must", _("Must meet")
    WOULD = "would", _("Would like to meet")
    IF_TIME = "if_time", _("If time allows")


class MatchmakingSettings(models.Model):
    """An edition's matchmaking rules: the slot length, the request cap and the weight of each priority."""

    class SlotLength(models.IntegerChoices):
        FIFTEEN = 15, _("15 minutes")
        TWENTY = 20, _("20 minutes")
        THIRTY = 30, _("30 minutes")

    expo = models.OneToOneField(
        Expo, on_delete=models.CASCADE, related_name="matchmaking_settings", verbose_name=_("expo")
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length"), choices=SlotLength.choices, default=SlotLength.THIRTY
    )
    request_cap = models.PositiveSmallIntegerField(
        _("requests a participant may send"), default=20, help_text=_("Withdrawn requests do not count.")
    )
    weight_must = models.PositiveSmallIntegerField(_("weight of “must meet”"), default=3)
    weight_would = models.PositiveSmallIntegerField(_("weight of “would like to meet”"), default=2)
    weight_if_time = models.PositiveSmallIntegerField(_("weight of “if time allows”"), default=1)
    requests_open = models.BooleanField(_("requests open"), default=True)
    reminder_evening_hour = models.PositiveSmallIntegerField(
        _("evening reminder at (hour)"),
        default=18,
        validators=[MaxValueValidator(23)],
        help_text=_("The hour of the day before a meeting, in the expo's time, when both sides are reminded of it."),
    )
    reminder_minutes_before = models.PositiveSmallIntegerField(
        _("last reminder (minutes before)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("How long before a meeting both sides are reminded of it again."),
    )
    published_at = models.DateTimeField(
        _("agendas published"), null=True, blank=True, help_text=_("When the schedule was first published.")
    )
    # How suggestions of whom to meet are weighed (``matchmaking.suggest``): each factor's strength, 0 to 1,
    # times its weight; 0 leaves a factor out.
    suggestions_per_participant = models.PositiveSmallIntegerField(_("suggestions per participant"), default=20)
    suggest_weight_sector = models.PositiveSmallIntegerField(
        _("suggestions: weight of a shared cluster or sector"), default=3
    )
    suggest_weight_products = models.PositiveSmallIntegerField(_("suggestions: weight of shared products"), default=4)
    suggest_weight_hs_code = models.PositiveSmallIntegerField(_("suggestions: weight of shared HS codes"), default=4)
    suggest_weight_market = models.PositiveSmallIntegerField(_("suggestions: weight of export market fit"), default=3)
    suggest_weight_size = models.PositiveSmallIntegerField(_("suggestions: weight of size and volume fit"), default=1)
    suggest_weight_women_led = models.PositiveSmallIntegerField(
        _("suggestions: preference for women-led exhibitors"), default=1
    )
    suggest_weight_micro = models.PositiveSmallIntegerField(
        _("suggestions: preference for micro exhibitors"), default=1
    )
    suggestions_computed_at = models.DateTimeField(_("suggestions computed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("matchmaking settings")
        verbose_name_plural = _("matchmaking settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight_must__gte=1, weight_would__gte=1, weight_if_time__gte=1),
                name="matchmaking_weights_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    reminder_evening_hour__lte=23, reminder_minutes_before__gte=5, reminder_minutes_before__lte=240
                ),
                name="matchmaking_reminder_times_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.expo)

    def weight(self, priority: str) -> int:
        return {Priority.MUST: self.weight_must, Priority.WOULD: self.weight_would}.get(priority, self.weight_if_time)


class Slot(models.Model):
    """A stretch of an expo day: a meeting slot, or a break (lunch, prayers, a ceremony) when nobody meets."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meetings")
        BREAK = "break", _("Break")
        # Left out of the grid by a new slot generation, kept only because cancelled meetings still name it.
        RETIRED = "retired", _("No longer in the grid")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="meeting_slots", verbose_name=_("expo"))
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.MEETING)
    label = models.CharField(_("label"), max_length=80, blank=True, help_text=_("For a break: lunch, prayers, …"))

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["expo", "start"], name="one_slot_per_start"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.start)
        return f"{start:%Y-%m-%d %H:%M}–{timezone.localtime(self.end):%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.expo_id:
            overlapping = Slot.objects.filter(expo_id=self.expo_id, start__lt=self.end, end__gt=self.start).exclude(
                kind=Slot.Kind.RETIRED
            )
            if self.pk:
                overlapping = overlapping.exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(_("This slot overlaps another slot of the expo."))


def _check_day_and_times(record, *, expo: Expo | None, errors: dict) -> None:
    """A window's or a break's day is one of the expo's days, and it ends after it starts."""
    if expo is not None and record.day and not expo.start_date <= record.day <= expo.end_date:
        errors["day"] = _("Choose a day of the expo (%(first)s to %(last)s).") % {
            "first": expo.start_date,
            "last": expo.end_date,
        }
    if record.starts_at and record.ends_at and record.ends_at <= record.starts_at:
        errors["ends_at"] = _("The end must be after the start, on the same day.")


class MeetingWindow(models.Model):
    """When B2B meetings are held on a meeting day (local time of the expo); a day may have several windows.

    The meeting days of an expo are the days that have a window. Slots are generated from the windows, the slot
    length and the breaks (``matchmaking.slots``); exhibitors' stalls are staffed through every window.
    """

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="meeting_windows", verbose_name=_("expo"))
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("meeting window")
        verbose_name_plural = _("meeting windows")
        ordering = ["day", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        errors: dict = {}
        _check_day_and_times(self, expo=self.expo if self.expo_id else None, errors=errors)
        if not errors and self.expo_id and self.day and self.starts_at and self.ends_at:
            overlapping = MeetingWindow.objects.filter(
                expo_id=self.expo_id, day=self.day, starts_at__lt=self.ends_at, ends_at__gt=self.starts_at
            ).exclude(pk=self.pk)
            if overlapping.exists():
                errors["starts_at"] = _("This window overlaps another window of the same day.")
        if errors:
            raise ValidationError(errors)


class MeetingBreak(models.Model):
    """A time nobody meets (lunch, prayers): on one day, or every meeting day when no day is given.

    The ceremonies and the sessions marked "no meetings during" in the programme are breaks as well, read from
    the programme when slots are generated.
    """

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="meeting_breaks", verbose_name=_("expo"))
    label = models.CharField(_("label"), max_length=80, help_text=_("Lunch, Zuhr prayers, …"))
    day = models.DateField(_("day"), null=True, blank=True, help_text=_("Leave empty for every meeting day."))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("meeting break")
        verbose_name_plural = _("meeting breaks")
        ordering = ["day", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_break_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        errors: dict = {}
        _check_day_and_times(self, expo=self.expo if self.expo_id else None, errors=errors)
        if errors:
            raise ValidationError(errors)


class Table(models.Model):
    """A numbered table in the B2B lounge."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="meeting_tables", verbose_name=_("expo"))
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["expo", "number"], name="one_table_per_number")]

    def __str__(self) -> str:
        return _("Table %(number)s") % {"number": self.number}


class Participant(models.Model):
    """One party at the table: an exhibitor, or a confirmed buyer, investor, bank, official or delegation."""

    class Kind(models.TextChoices):
        EXHIBITOR = "exhibitor", _("Exhibitor")
        VISITOR = "visitor", _("Visitor")

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="participants", verbose_name=_("expo"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    exhibitor = models.OneToOneField(
        Exhibitor, on_delete=models.CASCADE, null=True, blank=True, related_name="participant"
    )
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="participant"
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="+", verbose_name=_("clusters"))
    sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors"))
    product_keywords = models.CharField(
        _("products you source or offer"), max_length=300, blank=True, help_text=_("Separated by commas.")
    )
    hs_codes = models.CharField(
        _("HS codes"), max_length=200, blank=True, help_text=_("Optional, separated by commas.")
    )
    volume = models.CharField(_("volumes or ticket size"), max_length=120, blank=True)
    target_markets = models.CharField(_("target markets"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    delegation_members = models.TextField(
        _("others in your delegation"),
        max_length=1000,
        blank=True,
        help_text=_("One name per line: they share your agenda and your table."),
    )
    active = models.BooleanField(_("taking part"), default=True)
    opted_in_at = models.DateTimeField(_("joined"), default=timezone.now)
    # Who last saved the availability when it was not the participant: a member of the desk acting for them.
    availability_set_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("availability set by")
    )
    availability_set_at = models.DateTimeField(_("availability set"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["organisation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="exhibitor", exhibitor__isnull=False, registration__isnull=True)
                    | models.Q(kind="visitor", exhibitor__isnull=True, registration__isnull=False)
                ),
                name="participant_is_exhibitor_or_visitor",
            )
        ]

    def __str__(self) -> str:
        return self.organisation

    @property
    def is_exhibitor(self) -> bool:
        return self.kind == self.Kind.EXHIBITOR


class AvailabilityBlock(models.Model):
    """A meeting slot the participant cannot meet in, though by default they could."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="blocks")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("unavailable slot")
        verbose_name_plural = _("unavailable slots")
        constraints = [models.UniqueConstraint(fields=["participant", "slot"], name="one_block_per_slot")]

    def __str__(self) -> str:
        return f"{self.participant} · {self.slot}"


class MeetingRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class DeclineReason(models.TextChoices):
        NOT_RELEVANT = "not_relevant", _("Not relevant to our business")
        NO_CAPACITY = "no_capacity", _("We cannot take on more business now")
        ALREADY_IN_CONTACT = "already_in_contact", _("We are already in contact")
        NO_TIME = "no_time", _("Our schedule is full")
        OTHER = "other", _("Another reason")

    # Requests that still stand: a second one between the same two would be a duplicate.
    OPEN = (Status.PENDING, Status.ACCEPTED)

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="meeting_requests", verbose_name=_("expo"))
    sender = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent_requests")
    receiver = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="received_requests")
    message = models.TextField(_("message"), max_length=500, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.WOULD)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(_("reason"), max_length=20, choices=DeclineReason.choices, blank=True)
    at_stall = models.BooleanField(
        _("at the exhibitor's stall"), default=False, help_text=_("Held at the stall: no lounge table is used.")
    )
    sent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The signed-in person who accepted, declined or withdrew it, when a member of the desk acted for a participant.
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answered by")
    )

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(sender=models.F("receiver")), name="request_not_to_oneself"),
            models.UniqueConstraint(
                fields=["sender", "receiver"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="one_open_request_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.receiver}"


class Meeting(models.Model):
    """An accepted request placed in a slot, at a lounge table or at the exhibitor's stall."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("No-show")

    # A meeting that took its slot and table: scheduled, then held or missed. Only a cancelled one frees them.
    STANDING = (State.SCHEDULED, State.HELD, State.NO_SHOW)

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("expo"))
    request = models.ForeignKey(MeetingRequest, on_delete=models.PROTECT, related_name="meetings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("slot"))
    table = models.ForeignKey(
        Table, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("table")
    )
    at_stall = models.BooleanField(_("at the exhibitor's stall"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    run = models.ForeignKey("SchedulerRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    placed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot__start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state__in=["scheduled", "held", "no_show"]),
                name="one_standing_meeting_per_request",
            ),
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=models.Q(state__in=["scheduled", "held", "no_show"], table__isnull=False),
                name="one_standing_meeting_per_table_per_slot",
            ),
            models.CheckConstraint(
                condition=models.Q(at_stall=True, table__isnull=True) | models.Q(at_stall=False, table__isnull=False),
                name="meeting_at_a_table_or_the_stall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.slot}"


class MeetingSeat(models.Model):
    """A participant's place in a scheduled meeting; removed when the meeting is cancelled."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="seats")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["participant", "slot"], name="one_meeting_per_participant_per_slot"),
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_seat_per_participant_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.slot}"


class MeetingAttendance(models.Model):
    """One side of a meeting shown to be there: its badge scanned at the table, its own confirmation, or the desk.

    A meeting is held once every side has one; the unique (meeting, participant) makes a second scan of the same
    side harmless, and the client-made ``scan_id`` makes a phone's offline queue safe to upload twice.
    """

    class How(models.TextChoices):
        SCAN = "scan", _("Badge scanned at the table or by the other side")
        CONFIRM = "confirm", _("Confirmed by the side")
        DESK = "desk", _("Recorded by the matchmaking desk")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendances")
    how = models.CharField(_("how"), max_length=8, choices=How.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    scan_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendances")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_attendance_per_side_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.meeting}"


class MeetingNoShow(models.Model):
    """A side's word, once the slot has passed, that the other side did not come."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="no_show")
    reported_by = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    absent = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("absent"))
    at = models.DateTimeField(_("reported"), default=timezone.now)
    by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reported by")
    )

    class Meta:
        verbose_name = _("meeting no-show")
        verbose_name_plural = _("meeting no-shows")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.absent} · {self.meeting}"


class NextStep(models.TextChoices):
    QUOTE = "quote", _("Quote")
    SAMPLE = "sample", _("Sample")
    ORDER = "order", _("Order")
    SUBCONTRACT = "subcontract", _("Subcontract")
    INVESTMENT = "investment", _("Investment")
    FINANCING = "financing", _("Financing")
    EXPORT_PARTNERSHIP = "export_partnership", _("Export partnership")
    NONE = "none", _("No next step")


class Currency(models.TextChoices):
    PKR = "PKR", _("PKR")
    USD = "USD", _("USD")


class Lead(models.Model):
    """A business contact an exhibitor made at the expo: a visitor scanned at the stall, or a meeting's counterpart.

    One per visitor per exhibitor and one per meeting per exhibitor: a repeat scan adds a note to the lead it
    finds. What the exhibitor may read of the visitor follows the visitor's consent
    (``Registration.share_contact_with_exhibitors``); leads are read through ``matchmaking.lead_access``.
    """

    class Source(models.TextChoices):
        STALL_SCAN = "stall_scan", _("Badge scanned at the stall")
        MEETING = "meeting", _("B2B meeting")
        STAFF = "staff", _("Added by staff")

    class Rating(models.TextChoices):
        HOT = "hot", _("Hot")
        WARM = "warm", _("Warm")
        COLD = "cold", _("Cold")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TALKS = "talks", _("In talks")
        QUOTE = "quote", _("Quote or sample")
        WON_ORDER = "won_order", _("Won: order")
        WON_SUBCONTRACT = "won_subcontract", _("Won: subcontract")
        WON_INVESTMENT = "won_investment", _("Won: investment")
        WON_FINANCING = "won_financing", _("Won: financing")
        LOST = "lost", _("Lost")

    WON = (Status.WON_ORDER, Status.WON_SUBCONTRACT, Status.WON_INVESTMENT, Status.WON_FINANCING)
    CLOSED = (*WON, Status.LOST)

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="leads", verbose_name=_("expo"))
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="leads", verbose_name=_("exhibitor")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("visitor"),
    )
    counterpart = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="counterpart_leads",
        verbose_name=_("counterpart"),
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads", verbose_name=_("meeting")
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    scan_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    captured_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("captured by")
    )
    rating = models.CharField(_("rating"), max_length=4, choices=Rating.choices, blank=True)
    interest_product = models.CharField(_("product of interest"), max_length=200, blank=True)
    quantity = models.CharField(_("quantity"), max_length=100, blank=True)
    next_step = models.CharField(_("next step"), max_length=20, choices=NextStep.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    value_amount = models.DecimalField(_("estimated value"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.PKR)
    created_at = models.DateTimeField(_("captured"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exhibitor", "registration"],
                condition=models.Q(registration__isnull=False),
                name="one_lead_per_visitor_per_exhibitor",
            ),
            models.UniqueConstraint(
                fields=["exhibitor", "meeting"],
                condition=models.Q(meeting__isnull=False),
                name="one_lead_per_meeting_per_exhibitor",
            ),
        ]

    def __str__(self) -> str:
        other = self.registration.full_name if self.registration_id else self.counterpart
        return f"{self.exhibitor} · {other}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED


class LeadEvent(models.Model):
    """One dated line of a lead's history: a note, a change of status, an outcome or a one-click answer."""

    class Side(models.TextChoices):
        EXHIBITOR = "exhibitor", _("Exhibitor")
        VISITOR = "visitor", _("Visitor")
        STAFF = "staff", _("Staff")
        LINK = "link", _("Answer by email link")

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        STATUS = "status", _("Status")
        OUTCOME = "outcome", _("Outcome")
        ANSWER = "answer", _("Answer")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status_from = models.CharField(_("status before"), max_length=16, choices=Lead.Status.choices, blank=True)
    status_to = models.CharField(_("status after"), max_length=16, choices=Lead.Status.choices, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    value_amount = models.DecimalField(_("estimated value"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, null=True, blank=True)

    class Meta:
        verbose_name = _("lead event")
        verbose_name_plural = _("lead events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.lead} · {self.get_kind_display()}"


class FollowUpStep(models.Model):
    """A follow-up email of an expo's sequence: sent so many days after the expo to each side of every open lead."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="follow_up_steps", verbose_name=_("expo"))
    days_after = models.PositiveSmallIntegerField(_("days after the expo"))
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_ur = models.CharField(_("subject (Urdu)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"))
    body_ur = models.TextField(_("text (Urdu)"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("follow-up step")
        verbose_name_plural = _("follow-up steps")
        ordering = ["expo", "days_after"]
        constraints = [models.UniqueConstraint(fields=["expo", "days_after"], name="one_follow_up_step_per_day")]

    def __str__(self) -> str:
        return _("+%(days)s days") % {"days": self.days_after}


class FollowUpEmail(models.Model):
    """A follow-up step's email to one side of a lead, claimed before it is queued so that it goes out once."""

    class Side(models.TextChoices):
        EXHIBITOR = "exhibitor", _("Exhibitor")
        VISITOR = "visitor", _("Visitor")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="follow_up_emails")
    step = models.ForeignKey(FollowUpStep, on_delete=models.CASCADE, related_name="emails")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    email = models.ForeignKey(OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("follow-up email")
        verbose_name_plural = _("follow-up emails")
        constraints = [
            models.UniqueConstraint(fields=["lead", "step", "side"], name="one_follow_up_email_per_step_and_side")
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.step} · {self.get_side_display()}"


class FollowUpOptOut(models.Model):
    """An address that asked for no more follow-up emails of an expo, kept only as a digest of it."""

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="+", verbose_name=_("expo"))
    email_digest = models.CharField(_("email digest"), max_length=64)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up opt-out")
        verbose_name_plural = _("follow-up opt-outs")
        constraints = [models.UniqueConstraint(fields=["expo", "email_digest"], name="one_follow_up_opt_out_per_email")]

    def __str__(self) -> str:
        return f"{self.expo} · {self.email_digest[:8]}"


class MeetingReminder(models.Model):
    """A reminder emailed to one side of a meeting, the evening before or shortly before it.

    The row is claimed in the transaction that queues the email: the unique (seat, kind, start) makes a second
    send of the same reminder, by a second run of the task or a second worker, fail instead of emailing twice.
    The start is part of the key, so a meeting moved to another time is reminded of its new time; a cancelled
    meeting has no seats left, so no reminder.
    """

    class Kind(models.TextChoices):
        EVENING = "evening", _("The evening before")
        SOON = "soon", _("Shortly before")

    seat = models.ForeignKey(MeetingSeat, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    starts_at = models.DateTimeField(_("meeting starts"))
    sent_at = models.DateTimeField(_("queued"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting reminder")
        verbose_name_plural = _("meeting reminders")
        constraints = [
            models.UniqueConstraint(fields=["seat", "kind", "starts_at"], name="one_reminder_per_seat_kind_and_start")
        ]

    def __str__(self) -> str:
        return f"{self.seat} · {self.get_kind_display()}"


class Suggestion(models.Model):
    """Someone a participant should meet, with the score and the reason ``matchmaking.suggest`` gave.

    Recomputed for a whole expo in the background, never on page load. The one suggested is an exhibitor (joined
    or not) or a visitor taking part; ``reasons`` holds the reason's message codes and parameters, rendered in the
    reader's language.
    """

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="+", verbose_name=_("expo"))
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="suggestions")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    other = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.PositiveIntegerField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["participant", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exhibitor__isnull=False, other__isnull=True)
                | models.Q(exhibitor__isnull=True, other__isnull=False),
                name="suggestion_of_an_exhibitor_or_a_visitor",
            ),
            models.UniqueConstraint(fields=["participant", "rank"], name="one_suggestion_per_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.exhibitor or self.other}"


class SchedulerRun(models.Model):
    """One run of the scheduler: its parameters, its progress, and its result as a preview until published."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        PREVIEW = "preview", _("Preview")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    expo = models.ForeignKey(Expo, on_delete=models.PROTECT, related_name="scheduler_runs", verbose_name=_("expo"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True, editable=False)
    value = models.PositiveIntegerField(_("value"), null=True, blank=True)
    bound = models.PositiveIntegerField(_("bound"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    decided_at = models.DateTimeField(_("published or discarded"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduler run")
        verbose_name_plural = _("scheduler runs")
        ordering = ["-created_at", "-pk"]
        permissions = [("run_scheduler", "Can run the meeting scheduler and publish its result")]

    def __str__(self) -> str:
        return f"{self.expo} #{self.pk} ({self.get_status_display()})"
