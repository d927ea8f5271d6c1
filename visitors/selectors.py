"""Reads of the visitors app: capacity left, the gate's day list, the numbers staff watch."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractHour
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from expo.models import Cluster, Expo

from . import keys, qr
from .countries import COUNTRY_NAMES
from .models import (
    Badge,
    BadgeBatch,
    BadgeType,
    Category,
    CheckIn,
    DayCapacity,
    Gate,
    Registration,
    RegistrationChange,
    RegistrationDay,
    Scan,
)

Status = Registration.Status


def registration_days(registration: Registration) -> QuerySet[RegistrationDay]:
    return registration.days.exclude(status=Status.CANCELLED).order_by("date")


def waitlist_position(day: RegistrationDay) -> int | None:
    """1 for the next person to be promoted on that day; None when not waitlisted."""
    if day.status != Status.WAITLISTED:
        return None
    return RegistrationDay.objects.filter(
        registration__expo_id=day.registration.expo_id, date=day.date, status=Status.WAITLISTED, pk__lte=day.pk
    ).count()


def days_left(expo: Expo) -> dict:
    """Places left per day for the whole day (None where unlimited)."""
    caps = {row.date: row.capacity for row in DayCapacity.objects.filter(expo=expo, category="")}
    confirmed = dict(
        RegistrationDay.objects.filter(registration__expo=expo, status=Status.CONFIRMED)
        .values_list("date")
        .annotate(n=Count("pk"))
    )
    return {date: (None if date not in caps else max(caps[date] - confirmed.get(date, 0), 0)) for date in expo.days}


def change_details(change: RegistrationChange) -> list[tuple[str, str]]:
    """The answers a pending change would store, as (label, value) lines for the person to check."""
    details = change.details
    days = [formats.date_format(datetime.date.fromisoformat(value), "l j F Y") for value in details["dates"]]
    interests = Cluster.objects.filter(pk__in=details["interests"]).order_by("name").values_list("name", flat=True)
    lines = [
        (_("I am visiting as"), str(dict(Category.choices).get(details["category"], details["category"]))),
        (_("Full name"), details["full_name"]),
        (_("Mobile phone"), details["phone"]),
        (_("Organisation"), details["organisation"]),
        (_("Designation"), details["designation"]),
        (_("Country"), str(COUNTRY_NAMES.get(details["country"], details["country"]))),
        (_("City"), details["city"]),
        (_("Days I will attend"), ", ".join(days)),
        (_("Clusters I am interested in"), ", ".join(interests)),
    ]
    return [(label, value) for label, value in lines if value]


def gates(expo: Expo) -> QuerySet[Gate]:
    return Gate.objects.filter(expo=expo).order_by("name")


def day_list(*, expo: Expo, day: datetime.date) -> dict:
    """What a gate needs to keep judging scans offline for ``day``: no secret, only the public key."""
    valid = (
        Badge.objects.filter(expo=expo, revoked=False)
        .filter(
            Q(registration__isnull=True) | Q(registration__days__date=day, registration__days__status=Status.CONFIRMED)
        )
        .values_list("number", "version", "full_name", "category", "type")
        .distinct()
    )
    revoked = Badge.objects.filter(expo=expo, revoked=True).values_list("number", flat=True)
    checked_in = CheckIn.objects.filter(badge__expo=expo, day=day).values_list(
        "badge__number", "scanned_at", "gate__name"
    )
    categories, kinds = dict(Category.choices), dict(BadgeType.choices)
    return {
        "expo": expo.pk,
        "day": day.isoformat(),
        # The day as every page writes it in the gate's language (the day is also the list's key, in ISO form).
        "day_label": formats.date_format(day),
        "public_key": qr.public_key_b64url(keys.public_key()),
        "badges": [
            {"n": number, "v": version, "name": name, "label": str(categories.get(category) or kinds.get(kind, kind))}
            for number, version, name, category, kind in valid
        ],
        "revoked": list(revoked),
        "checked_in": [
            {"n": number, "at": timezone.localtime(at).strftime("%H:%M"), "gate": gate}
            for number, at, gate in checked_in
        ],
    }


def conflicts(*, expo: Expo) -> QuerySet[Scan]:
    return Scan.objects.filter(gate__expo=expo, conflict=True).select_related("badge", "gate").order_by("-scanned_at")


def batches(*, expo: Expo) -> QuerySet[BadgeBatch]:
    return BadgeBatch.objects.filter(expo=expo).order_by("-created_at")


def numbers(*, expo: Expo) -> dict:
    """Registrations and check-ins by day, hour, category, country and gate."""
    active = RegistrationDay.objects.filter(registration__expo=expo)
    checkins = CheckIn.objects.filter(badge__expo=expo)
    by_day = {}
    for row in active.values("date", "status").annotate(n=Count("pk")):
        by_day.setdefault(row["date"], {"confirmed": 0, "waitlisted": 0, "cancelled": 0, "checked_in": 0})
        by_day[row["date"]][row["status"]] = row["n"]
    for row in checkins.values("day").annotate(n=Count("pk")):
        by_day.setdefault(row["day"], {"confirmed": 0, "waitlisted": 0, "cancelled": 0, "checked_in": 0})
        by_day[row["day"]]["checked_in"] = row["n"]
    registrations = Registration.objects.filter(expo=expo).exclude(status=Status.CANCELLED)
    # A visitor counts in the category registered, confirmed or not, as in "registered": the badge prints only a
    # confirmed one.
    checked_in_categories = dict(
        checkins.annotate(key=Coalesce("badge__registration__category", "badge__category"))
        .values_list("key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_category = [
        {"key": row["category"], "registered": row["n"], "checked_in": checked_in_categories.get(row["category"], 0)}
        for row in registrations.values("category").annotate(n=Count("pk")).order_by("-n", "category")
    ]
    by_country = list(registrations.values("country").annotate(n=Count("pk")).order_by("-n", "country"))
    by_gate = list(checkins.values("gate__name").annotate(n=Count("pk")).order_by("gate__name"))
    tz = timezone.get_current_timezone()
    by_hour = list(
        checkins.annotate(hour=ExtractHour("scanned_at", tzinfo=tz))
        .values("day", "hour")
        .annotate(n=Count("pk"))
        .order_by("day", "hour")
    )
    return {
        "by_day": sorted(by_day.items()),
        "by_category": by_category,
        "by_country": by_country,
        "by_gate": by_gate,
        "by_hour": by_hour,
        "registrations": registrations.count(),
        "checkins": checkins.count(),
    }
