"""Registrations and their waitlist: registering, changing days, cancelling, and the change someone asks for by
registering again with an address already known.

Capacity is counted while the day's ``DayCapacity`` rows are locked (``select_for_update``), always in the same
order, so simultaneous registrations neither overfill a day nor deadlock. A registration is changed only by whoever
holds its address: registering again with a known email stores the new answers as a ``RegistrationChange`` and
emails the stored address a link that applies them (``registration_change_confirm``).
"""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import Cluster, Expo, User

from ..models import PRIVILEGED_CATEGORIES, Badge, DayCapacity, Registration, RegistrationChange, RegistrationDay
from .badges import badge_issue, badge_sync
from .common import CategoryStatus, RegistrationError, Status
from .emails import Email, registration_email


def _lock_capacities(expo: Expo, dates: Iterable[datetime.date]) -> dict:
    """Lock the capacity rows of ``dates`` (in one order, so concurrent callers cannot deadlock)."""
    rows = DayCapacity.objects.select_for_update().filter(expo=expo, date__in=list(dates)).order_by("date", "category")
    caps: dict = {}
    for row in rows:
        caps.setdefault(row.date, {})[row.category] = row.capacity
    return caps


def _confirmed_counts(expo: Expo, date: datetime.date) -> dict:
    rows = (
        RegistrationDay.objects.filter(registration__expo=expo, date=date, status=Status.CONFIRMED)
        .values("registration__category")
        .annotate(n=Count("pk"))
    )
    counts = {row["registration__category"]: row["n"] for row in rows}
    counts[""] = sum(counts.values())
    return counts


def _has_room(caps: dict, counts: dict, category: str) -> bool:
    if "" in caps and counts.get("", 0) >= caps[""]:
        return False
    return not (category in caps and counts.get(category, 0) >= caps[category])


def _refresh_status(registration: Registration) -> bool:
    """Set the registration's status from its days; True when it changed."""
    statuses = set(registration.days.values_list("status", flat=True))
    if Status.CONFIRMED in statuses:
        status = Status.CONFIRMED
    elif Status.WAITLISTED in statuses:
        status = Status.WAITLISTED
    else:
        status = Status.CANCELLED
    if status == registration.status:
        return False
    registration.status = status
    registration.save(update_fields=["status", "updated_at"])
    return True


def _add_days(registration: Registration, dates: list, caps: dict) -> None:
    for date in sorted(dates):
        counts = _confirmed_counts(registration.expo, date)
        status = Status.CONFIRMED if _has_room(caps.get(date, {}), counts, registration.category) else Status.WAITLISTED
        RegistrationDay.objects.update_or_create(registration=registration, date=date, defaults={"status": status})


def _promote(expo: Expo, dates: Iterable[datetime.date], caps: dict) -> list[int]:
    """Confirm waitlisted people in the order they registered while the days have room."""
    promoted: list[int] = []
    for date in sorted(dates):
        day_caps = caps.get(date, {})
        counts = _confirmed_counts(expo, date)
        waiting = (
            RegistrationDay.objects.filter(registration__expo=expo, date=date, status=Status.WAITLISTED)
            .select_related("registration")
            .order_by("pk")
        )
        for day in waiting:
            if "" in day_caps and counts.get("", 0) >= day_caps[""]:
                break
            category = day.registration.category
            if not _has_room(day_caps, counts, category):
                continue
            day.status = Status.CONFIRMED
            day.save(update_fields=["status"])
            counts[""] = counts.get("", 0) + 1
            counts[category] = counts.get(category, 0) + 1
            promoted.append(day.registration_id)
    for registration in Registration.objects.filter(pk__in=set(promoted)):
        _refresh_status(registration)
        registration_email(registration, Email.PROMOTED)
    return promoted


def _check_dates(expo: Expo, dates: Iterable[datetime.date]) -> list:
    dates = sorted(set(dates))
    if not dates:
        raise RegistrationError(_("Choose at least one day."))
    if any(date not in expo.days for date in dates):
        raise RegistrationError(_("Choose days of the expo only."))
    return dates


def _category_status(category: str, *, confirmed_by: User | None) -> str:
    if category not in PRIVILEGED_CATEGORIES:
        return CategoryStatus.NOT_NEEDED
    return CategoryStatus.CONFIRMED if confirmed_by is not None else CategoryStatus.REQUESTED


def registration_create(
    *,
    expo: Expo,
    category: str,
    full_name: str,
    email: str,
    phone: str,
    country: str,
    city: str,
    dates: Iterable[datetime.date],
    organisation: str = "",
    designation: str = "",
    interests: Iterable[Cluster] = (),
    share_contact_with_exhibitors: bool = False,
    source: str = Registration.Source.ONLINE,
    language: str = "en",
    site_url: str = "",
    category_confirmed_by: User | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Registration, bool]:
    """Register a person for days of ``expo``: confirmed where there is room, waitlisted elsewhere.

    A privileged category (``PRIVILEGED_CATEGORIES``) is only requested, with a visitor's badge, unless
    ``category_confirmed_by`` (the registration desk registering a walk-in) confirms it at once.

    An email already registered changes nothing: the new answers wait in a ``RegistrationChange`` and the
    stored address is emailed its registration and a link that applies them. The second value is False then.
    Consent is recorded as given now; sharing the email and phone with exhibitors is a separate, explicit choice.
    """
    now = now or timezone.now()
    if source == Registration.Source.ONLINE and not expo.registration_is_open(now=now):
        raise RegistrationError(_("Registration for %(expo)s is closed.") % {"expo": expo.name})
    dates = _check_dates(expo, dates)
    email = User.objects.normalize_email(email).strip().lower()
    interests = list(interests)
    details = {
        "category": category,
        "full_name": full_name,
        "phone": phone,
        "organisation": organisation,
        "designation": designation,
        "country": country,
        "city": city,
        "language": language,
        "dates": [date.isoformat() for date in dates],
        "interests": [cluster.pk for cluster in interests],
        "share_contact_with_exhibitors": share_contact_with_exhibitors,
    }
    try:
        with transaction.atomic():
            existing = Registration.objects.select_for_update().filter(expo=expo, email=email).first()
            if existing is not None:
                _change_request(existing, details=details, now=now)
                return existing, False
            caps = _lock_capacities(expo, dates)
            category_status = _category_status(category, confirmed_by=category_confirmed_by)
            registration = Registration.objects.create(
                expo=expo,
                category=category,
                category_status=category_status,
                category_decided_by=category_confirmed_by if category_status == CategoryStatus.CONFIRMED else None,
                category_decided_at=now if category_status == CategoryStatus.CONFIRMED else None,
                full_name=full_name,
                email=email,
                phone=phone,
                organisation=organisation,
                designation=designation,
                country=country,
                city=city,
                consent_at=now,
                share_contact_with_exhibitors=share_contact_with_exhibitors,
                source=source,
                language=language,
                site_url=site_url,
                created_at=now,
            )
            registration.interests.set(interests)
            _add_days(registration, dates, caps)
            _refresh_status(registration)
            badge_issue(
                expo=expo,
                type=registration.badge_type,
                full_name=full_name,
                organisation=organisation,
                category=registration.badge_category,
                registration=registration,
            )
            registration_email(registration, Email.CONFIRMATION)
    except IntegrityError:
        # The same email registered at the same moment in another request: that one stands.
        with transaction.atomic():
            existing = Registration.objects.select_for_update().filter(expo=expo, email=email).first()
            if existing is None:
                raise
            _change_request(existing, details=details, now=now)
            return existing, False
    return registration, True


def _change_request(registration: Registration, *, details: dict, now: datetime.datetime) -> None:
    """Keep ``details`` for the stored address to confirm and email it its registration with the link."""
    from .. import links

    token = links.new_change_token()
    RegistrationChange.objects.create(
        registration=registration, token_hash=links.change_token_hash(token), details=details, created_at=now
    )
    registration_email(registration, Email.CHANGE_REQUESTED, change_url=links.change_url(registration, token))


def _set_days(registration: Registration, dates: list) -> tuple[list, dict]:
    """Keep, add and drop days so that ``dates`` are the active ones; returns the confirmed days freed and the
    locked capacities, for the waitlist's promotion."""
    current = {day.date: day for day in registration.days.all()}
    active = {date for date, day in current.items() if day.status != Status.CANCELLED}
    dropped, added = active - set(dates), set(dates) - active
    caps = _lock_capacities(registration.expo, dropped | added)
    freed = [date for date in dropped if current[date].status == Status.CONFIRMED]
    RegistrationDay.objects.filter(registration=registration, date__in=dropped).update(status=Status.CANCELLED)
    _add_days(registration, list(added), caps)
    _refresh_status(registration)
    return freed, caps


def registration_change_confirm(*, change: RegistrationChange, now: datetime.datetime | None = None) -> Registration:
    """Apply the answers someone gave when registering again, now that the stored address has confirmed them.

    A cancelled registration comes back with them; its badge opens the gate again unless staff revoked it. A
    newly given privileged category is requested again. Every pending change of the registration is used up.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("expo").get(pk=change.registration_id)
        )
        change = RegistrationChange.objects.filter(pk=change.pk, registration=registration).first()
        if change is None:
            raise RegistrationError(_("This link has already been used."))
        expo = registration.expo
        if not expo.registration_is_open(now=now):
            raise RegistrationError(_("Registration for %(expo)s is closed.") % {"expo": expo.name})
        details = change.details
        dates = _check_dates(expo, [datetime.date.fromisoformat(value) for value in details["dates"]])
        was_cancelled = registration.status == Status.CANCELLED
        if details["category"] != registration.category:
            registration.category = details["category"]
            registration.category_status = _category_status(registration.category, confirmed_by=None)
            registration.category_decided_by = registration.category_decided_at = None
        for field in ("full_name", "phone", "organisation", "designation", "country", "city", "language"):
            setattr(registration, field, details[field])
        registration.consent_at = now
        registration.share_contact_with_exhibitors = details.get(
            "share_contact_with_exhibitors", registration.share_contact_with_exhibitors
        )
        registration.save()
        registration.interests.set(Cluster.objects.filter(pk__in=details["interests"]))
        freed, caps = _set_days(registration, dates)
        badge_sync(registration)
        RegistrationChange.objects.filter(registration=registration).delete()
        registration_email(registration, Email.CONFIRMATION if was_cancelled else Email.UPDATED)
        _promote(expo, freed, caps)
    return registration


def registration_change_days(
    *, registration: Registration, dates: Iterable[datetime.date], now: datetime.datetime | None = None
) -> Registration:
    """Keep, add and drop days; dropped days free their places for the waitlist.

    Once registration has closed, days can still be dropped (someone cannot come) but not added.
    """
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("expo").get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            raise RegistrationError(_("This registration is cancelled."))
        dates = _check_dates(registration.expo, dates)
        active = set(registration.days.exclude(status=Status.CANCELLED).values_list("date", flat=True))
        if active == set(dates):
            return registration
        if set(dates) - active and not registration.expo.registration_is_open(now=now or timezone.now()):
            raise RegistrationError(_("Registration has closed: you can drop days, but not add them."))
        freed, caps = _set_days(registration, dates)
        registration_email(registration, Email.UPDATED)
        _promote(registration.expo, freed, caps)
    return registration


def registration_cancel(*, registration: Registration) -> Registration:
    """Cancel every day, take the badge out of use and confirm the next people on the waitlist."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("expo").get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return registration
        days = list(registration.days.exclude(status=Status.CANCELLED))
        caps = _lock_capacities(registration.expo, [day.date for day in days])
        freed = [day.date for day in days if day.status == Status.CONFIRMED]
        registration.days.update(status=Status.CANCELLED)
        _refresh_status(registration)
        # ``staff_revoked`` is left alone: a staff revocation outlives the cancellation.
        Badge.objects.filter(registration=registration).update(revoked=True)
        registration_email(registration, Email.CANCELLED)
        _promote(registration.expo, freed, caps)
    return registration


def registration_changes_purge_expired(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Delete the pending changes whose link has expired (``links.CHANGE_LINK_VALID_FOR``): nobody can apply them
    any more, and they hold the personal details someone typed. Deletes ``batch_size`` at a time, each batch in its
    own short transaction, so that a large backlog never locks many rows at once. Safe to run twice, or from two
    workers at once. Returns how many were deleted."""
    from .. import links

    expired = RegistrationChange.objects.filter(created_at__lte=(now or timezone.now()) - links.CHANGE_LINK_VALID_FOR)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            count, _by_model = RegistrationChange.objects.filter(pk__in=ids).delete()
            deleted += count
