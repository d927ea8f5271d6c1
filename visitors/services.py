"""Writes of the visitors app: registrations and their waitlist, badges and their PDFs, gate scans.

Every function takes keyword arguments, runs in one transaction and raises ``RegistrationError``
with a message the user can read. Capacity is counted while the day's ``DayCapacity`` rows are
locked (``select_for_update``), always in the same order, so simultaneous registrations neither
overfill a day nor deadlock. PDFs are made by tasks enqueued after the commit. Emails go through the
outbox, queued in the same transaction as the change they tell of; a badge PDF is attached when the
email goes out (``badge_attachment``), so the outbox's sweep covers a broker outage for both.

A registration is changed only by whoever holds its address: registering again with a known email stores
the new answers as a ``RegistrationChange`` and emails the stored address a link that applies them
(``registration_change_confirm``). Only staff revoke a badge or lift a revocation, with a reason kept in
``BadgeRevocation``; the holder's own cancellation is a different thing and never lifts it.
"""

import datetime
import logging
import secrets
import uuid
from collections.abc import Iterable
from enum import StrEnum
from functools import partial

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from expo import services as core
from expo.models import Cluster, Expo, User

from . import badges as badge_pdfs
from . import keys, qr
from .models import (
    PRIVILEGED_CATEGORIES,
    Badge,
    BadgeBatch,
    BadgeRevocation,
    BadgeType,
    CheckIn,
    DayCapacity,
    Gate,
    Registration,
    RegistrationChange,
    RegistrationDay,
    Scan,
)

logger = logging.getLogger(__name__)

Status = Registration.Status
CategoryStatus = Registration.CategoryStatus
Outcome = Scan.Outcome
BADGE_ATTACHMENT = "visitors.badge"


class Email(StrEnum):
    """Which registration email is sent: its templates read it as ``kind``."""

    CONFIRMATION = "confirmation"
    RESEND = "resend"
    UPDATED = "updated"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    # Someone registered again with the address: the stored details stand until the address confirms the new.
    CHANGE_REQUESTED = "change_requested"
    CATEGORY_CONFIRMED = "category_confirmed"
    CATEGORY_REFUSED = "category_refused"


class RegistrationError(core.ExpoError):
    """A registration operation that cannot be done; the message says why."""


def _enqueue(task, *args) -> None:
    try:
        task.delay(*args)
    except BrokerUnavailable:
        # Nothing is lost: a badge PDF is made whenever it is first needed (an email going out, a download, a
        # sheet), and a sheet left queued is sent again by `badge_batches_requeue`.
        logger.warning(
            "Broker unavailable; %s%s not queued: a badge is drawn when next needed, a sheet by the sweep.",
            task.name,
            args,
        )


# --- Badges -----------------------------------------------------------------------


def _new_badge_number() -> str:
    return "".join(secrets.choice(qr.NUMBER_ALPHABET) for _ in range(qr.NUMBER_LENGTH))


def badge_issue(
    *,
    expo: Expo,
    type: str,
    full_name: str,
    organisation: str = "",
    category: str = "",
    registration: Registration | None = None,
    booth_staff=None,
) -> Badge:
    """A new badge with a random number unique within the expo; its PDF is rendered after the commit."""
    with transaction.atomic():
        for _attempt in range(10):
            try:
                with transaction.atomic():
                    badge = Badge.objects.create(
                        expo=expo,
                        number=_new_badge_number(),
                        type=type,
                        full_name=full_name,
                        organisation=organisation,
                        category=category,
                        registration=registration,
                        booth_staff=booth_staff,
                    )
            except IntegrityError:
                if registration is not None and Badge.objects.filter(registration=registration).exists():
                    raise
                if booth_staff is not None and Badge.objects.filter(booth_staff=booth_staff).exists():
                    raise
                continue
            break
        else:  # pragma: no cover - 26^8 numbers; ten collisions in a row mean something else is wrong
            raise RegistrationError(_("No free badge number could be found. Please try again."))
        if registration is None:
            transaction.on_commit(partial(_enqueue_render, badge.pk))
    return badge


def _enqueue_render(badge_id: int) -> None:
    from .tasks import render_badge

    _enqueue(render_badge, badge_id)


def badge_update(*, badge: Badge, full_name: str, organisation: str) -> Badge:
    """Change what the badge shows: a new version (older printouts stop working) and a new PDF."""
    with transaction.atomic():
        badge = Badge.objects.select_for_update().get(pk=badge.pk)
        if (badge.full_name, badge.organisation) == (full_name, organisation):
            return badge
        badge.full_name, badge.organisation = full_name, organisation
        badge.version += 1
        badge.save(update_fields=["full_name", "organisation", "version"])
        transaction.on_commit(partial(_enqueue_render, badge.pk))
    return badge


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Give the reason: it is kept in the badge's history."))
    return reason


def badge_revoke(*, badge: Badge, reason: str, by: User | None) -> Badge:
    """Staff take the badge out of use: no gate lets it in until staff lift the revocation, whatever its holder
    does with the registration. The reason is kept with who gave it."""
    reason = _reason(reason)
    with transaction.atomic():
        badge = Badge.objects.select_for_update().get(pk=badge.pk)
        if badge.staff_revoked:
            return badge
        badge.staff_revoked = badge.revoked = True
        badge.save(update_fields=["staff_revoked", "revoked"])
        BadgeRevocation.objects.create(badge=badge, revoked=True, reason=reason, by=by)
    return badge


def badge_revocation_lift(*, badge: Badge, reason: str, by: User | None) -> Badge:
    """Staff lift their revocation: the badge opens the gate again unless its registration is cancelled."""
    reason = _reason(reason)
    with transaction.atomic():
        badge = Badge.objects.select_for_update(of=("self",)).select_related("registration").get(pk=badge.pk)
        if not badge.staff_revoked:
            return badge
        badge.staff_revoked = False
        badge.revoked = badge.registration is not None and badge.registration.status == Status.CANCELLED
        badge.save(update_fields=["staff_revoked", "revoked"])
        BadgeRevocation.objects.create(badge=badge, revoked=False, reason=reason, by=by)
    return badge


def _badge_sync(registration: Registration) -> Badge:
    """Bring the registration's badge in line with it: what it prints (a new version when that changes) and
    whether it opens the gate (not while the registration is cancelled or staff revoked it)."""
    badge = Badge.objects.select_for_update().get(registration=registration)
    printed = (registration.full_name, registration.organisation, registration.badge_category, registration.badge_type)
    changed = printed != (badge.full_name, badge.organisation, badge.category, badge.type)
    badge.full_name, badge.organisation, badge.category, badge.type = printed
    badge.revoked = badge.staff_revoked or registration.status == Status.CANCELLED
    if changed:
        badge.version += 1
    badge.save(update_fields=["full_name", "organisation", "category", "type", "revoked", "version"])
    return badge


def badge_render(*, badge_id: int) -> Badge:
    """Make the badge's PDF if it is missing or older than the badge. Safe to run twice."""
    with transaction.atomic():
        badge = Badge.objects.select_for_update(of=("self",)).select_related("expo", "registration").get(pk=badge_id)
        if badge.pdf_is_current:
            return badge
        language = badge.registration.language if badge.registration else "en"
        content = badge_pdfs.badge_pdf(badge, language=language)
        old = badge.pdf.name if badge.pdf else ""
        badge.pdf.save(f"{badge.number}.pdf", ContentFile(content), save=False)
        badge.pdf_version = badge.version
        badge.save(update_fields=["pdf", "pdf_version"])
        if old:
            transaction.on_commit(partial(badge.pdf.storage.delete, old))
    return badge


def badge_attachment(badge_id: str) -> core.Attachment | None:
    """The badge's PDF for an email going out now, made first if it is not current; None if the badge is gone.

    The outbox's maker ``BADGE_ATTACHMENT`` (``EXPO_ATTACHMENT_MAKERS``).
    """
    if not Badge.objects.filter(pk=badge_id).exists():
        return None
    badge = badge_render(badge_id=int(badge_id))
    with badge.pdf.open("rb") as pdf:
        return core.Attachment(content=pdf.read(), filename=f"badge-{badge.number}.pdf", mimetype="application/pdf")


def booth_staff_badges_sync(*, expo: Expo) -> tuple[int, int]:
    """Issue badges to new booth staff and bring the others' badges up to date with their names and exhibitor.

    Exhibitors edit their booth staff in their own app, which knows nothing of badges; a beat task runs this.
    Returns (issued, updated).
    """
    from exhibitors.models import BoothStaff

    issued = badges_for_booth_staff(expo=expo)
    updated = 0
    people = BoothStaff.objects.filter(exhibitor__expo=expo, badge__isnull=False).select_related("exhibitor", "badge")
    for person in people:
        badge = person.badge
        if (badge.full_name, badge.organisation) != (person.full_name, person.exhibitor.name):
            badge_update(badge=badge, full_name=person.full_name, organisation=person.exhibitor.name)
            updated += 1
    return issued, updated


def badges_for_booth_staff(*, expo: Expo) -> int:
    """Issue a badge to every booth staff member of the expo's exhibitors who has none. Returns how many."""
    from exhibitors.models import BoothStaff

    people = BoothStaff.objects.filter(exhibitor__expo=expo, badge__isnull=True).select_related("exhibitor")
    count = 0
    with transaction.atomic():
        for person in people:
            badge_issue(
                expo=expo,
                type=BadgeType.EXHIBITOR,
                full_name=person.full_name,
                organisation=person.exhibitor.name,
                booth_staff=person,
            )
            count += 1
    return count


# --- Registrations ------------------------------------------------------------------


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


def _email(registration: Registration, kind: str, *, change_url: str = "") -> None:
    """Queue the email about the registration's new state; while a day is confirmed and the badge opens the gate
    it carries the badge PDF, made when the email goes out (``badge_attachment``)."""
    from . import links

    badge = Badge.objects.filter(registration=registration).first()
    with_badge = badge is not None and not badge.revoked and registration.status == Status.CONFIRMED
    core.email_queue(
        to=registration.email,
        template="visitor_registration",
        language=registration.language,
        attachment=(BADGE_ATTACHMENT, badge.pk) if with_badge else None,
        context={
            "registration": registration,
            "kind": kind,
            "days": list(registration.days.all()),
            "has_badge": with_badge,
            "badge_withdrawn": badge is not None and badge.staff_revoked,
            "category_requested": registration.category_status == CategoryStatus.REQUESTED,
        },
        # Links that open the registration: never stored readable in the outbox.
        secret_context={
            "done_url": links.done_url(registration),
            "manage_url": links.manage_url(registration),
            "change_url": change_url,
        },
    )


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
        _email(registration, Email.PROMOTED)
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
            _email(registration, Email.CONFIRMATION)
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
    from . import links

    token = links.new_change_token()
    RegistrationChange.objects.create(
        registration=registration, token_hash=links.change_token_hash(token), details=details, created_at=now
    )
    _email(registration, Email.CHANGE_REQUESTED, change_url=links.change_url(registration, token))


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
        _badge_sync(registration)
        RegistrationChange.objects.filter(registration=registration).delete()
        _email(registration, Email.CONFIRMATION if was_cancelled else Email.UPDATED)
        _promote(expo, freed, caps)
    return registration


def registration_category_decide(
    *, registration: Registration, confirm: bool, by: User, now: datetime.datetime | None = None
) -> Registration:
    """The registration desk confirms or refuses a requested privileged category. Confirmed, the badge takes the
    category's type (a new version, emailed); refused, it stays a visitor's. Either way the person is told."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("expo").get(pk=registration.pk)
        if registration.category not in PRIVILEGED_CATEGORIES:
            raise RegistrationError(
                _("%(category)s needs no confirmation.") % {"category": registration.get_category_display()}
            )
        if registration.status == Status.CANCELLED:
            raise RegistrationError(_("This registration is cancelled."))
        status = CategoryStatus.CONFIRMED if confirm else CategoryStatus.REFUSED
        if registration.category_status == status:
            return registration
        registration.category_status = status
        registration.category_decided_by = by
        registration.category_decided_at = now or timezone.now()
        registration.save(update_fields=["category_status", "category_decided_by", "category_decided_at", "updated_at"])
        _badge_sync(registration)
        _email(registration, Email.CATEGORY_CONFIRMED if confirm else Email.CATEGORY_REFUSED)
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
        _email(registration, Email.UPDATED)
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
        _email(registration, Email.CANCELLED)
        _promote(registration.expo, freed, caps)
    return registration


def registration_email_again(*, registration: Registration) -> None:
    """Send the person their registration (and badge) again."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        _email(registration, Email.CANCELLED if registration.status == Status.CANCELLED else Email.RESEND)


# --- Print batches ------------------------------------------------------------------

BATCH_CHUNK = 20


def badge_batch_create(*, expo: Expo, label: str, badges: Iterable[Badge], user: User | None) -> BadgeBatch:
    with transaction.atomic():
        badges = list(badges)
        if not badges:
            raise RegistrationError(_("There are no badges to print."))
        batch = BadgeBatch.objects.create(expo=expo, label=label, total=len(badges), created_by=user)
        batch.badges.set(badges)
        transaction.on_commit(partial(_enqueue_batch, batch.pk))
    return batch


def _enqueue_batch(batch_id: int) -> None:
    from .tasks import print_badges

    _enqueue(print_badges, batch_id)


def badge_batch_run(*, batch_id: int) -> BadgeBatch:
    """Lay out the batch's badges as A4 sheets, saving progress after each chunk. Safe to run again:
    a finished or failed batch is left as it is."""
    finished = [BadgeBatch.Status.DONE, BadgeBatch.Status.FAILED]
    if not (
        BadgeBatch.objects.filter(pk=batch_id)
        .exclude(status__in=finished)
        .update(status=BadgeBatch.Status.RUNNING, done=0, heartbeat_at=timezone.now())
    ):
        return BadgeBatch.objects.get(pk=batch_id)
    batch = BadgeBatch.objects.get(pk=batch_id)
    badges = list(batch.badges.select_related("expo").order_by("type", "full_name", "pk"))
    chunks = [badges[start : start + BATCH_CHUNK] for start in range(0, len(badges), BATCH_CHUNK)]

    def progress(count: int) -> None:
        BadgeBatch.objects.filter(pk=batch_id).update(done=F("done") + count, heartbeat_at=timezone.now())

    content = badge_pdfs.sheet_pdf(chunks, progress=progress)
    with transaction.atomic():
        batch = BadgeBatch.objects.select_for_update().get(pk=batch_id)
        batch.pdf.save(f"sheet-{batch.pk}.pdf", ContentFile(content), save=False)
        batch.status = BadgeBatch.Status.DONE
        batch.done = batch.total
        batch.finished_at = timezone.now()
        batch.save(update_fields=["pdf", "status", "done", "finished_at"])
    return batch


def badge_batch_fail(*, batch_id: int) -> None:
    """The last attempt failed: the batch stops (its page stops waiting) and the sweep leaves it alone."""
    BadgeBatch.objects.filter(pk=batch_id).exclude(status=BadgeBatch.Status.DONE).update(
        status=BadgeBatch.Status.FAILED, finished_at=timezone.now()
    )


def badge_batches_requeue(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Enqueue again the batches lost to a broker outage or a killed worker (no progress for ``older_than``)."""
    cutoff = timezone.now() - older_than
    ids = list(
        BadgeBatch.objects.filter(
            Q(status=BadgeBatch.Status.QUEUED, created_at__lte=cutoff)
            | Q(status=BadgeBatch.Status.RUNNING, heartbeat_at__lte=cutoff)
        ).values_list("pk", flat=True)
    )
    for batch_id in ids:
        _enqueue_batch(batch_id)
    return len(ids)


# --- Gate scans ----------------------------------------------------------------------

# How far a gate's clock may be from the server's before its time is replaced by the server's.
MAX_CLOCK_AHEAD = datetime.timedelta(minutes=10)
MAX_OFFLINE_AGE = datetime.timedelta(days=3)


def _outcome_message(scan: Scan) -> dict:
    """The answer a gate shows for a recorded scan (the same for the scan sent again)."""
    badge = scan.badge
    result = {"scan_id": str(scan.scan_id), "outcome": scan.outcome, "ok": scan.outcome == Outcome.WELCOME}
    if scan.outcome == Outcome.WELCOME:
        label = badge.get_category_display() if badge.category else badge.get_type_display()
        result["message"] = _("Welcome, %(name)s — %(category)s") % {"name": badge.full_name, "category": label}
    elif scan.outcome == Outcome.ALREADY:
        day = timezone.localtime(scan.scanned_at, timezone.get_current_timezone()).date()
        first = CheckIn.objects.select_related("gate").filter(badge=badge, day=day).first()
        if first is not None:
            at = timezone.localtime(first.scanned_at, timezone.get_current_timezone()).strftime("%H:%M")
            result["message"] = _("%(name)s already checked in today at %(time)s at gate %(gate)s") % {
                "name": badge.full_name,
                "time": at,
                "gate": first.gate.name,
            }
        else:  # pragma: no cover - a check-in is never deleted while its scans remain
            result["message"] = _("Already checked in today")
    else:
        result["message"] = str(Outcome(scan.outcome).label)
    if badge is not None:
        result["badge"] = badge.number
        result["name"] = badge.full_name
    result["conflict"] = scan.conflict
    return result


def _scan_time(scanned_at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    if scanned_at is None or scanned_at > now + MAX_CLOCK_AHEAD or scanned_at < now - MAX_OFFLINE_AGE:
        return now
    return scanned_at


def badge_judge(*, expo_id: int, payload: str, day: datetime.date) -> tuple[str, Badge | None]:
    """The verdict (a ``Scan.Outcome``) on ``payload`` for ``day`` at ``expo_id``, and the badge it names if any: the
    one rule the gates and the session doors (``programme``) both judge a badge by."""
    verdict = qr.verify(payload, keys.public_key())
    if not verdict.ok:
        return (Outcome.FORGED if verdict.reason == qr.FORGED else Outcome.MALFORMED), None
    code = verdict.code
    if code.expo_id != expo_id:
        return Outcome.WRONG_EXPO, None
    badge = Badge.objects.filter(expo_id=expo_id, number=code.number).first()
    if badge is None:
        return Outcome.UNKNOWN, None
    if badge.revoked:
        return Outcome.REVOKED, badge
    if code.version != badge.version:
        return Outcome.SUPERSEDED, badge
    if (
        not badge.all_days
        and not RegistrationDay.objects.filter(registration__badge=badge, date=day, status=Status.CONFIRMED).exists()
    ):
        return Outcome.NOT_TODAY, badge
    return Outcome.WELCOME, badge


def scan_record(
    *,
    gate: Gate,
    payload: str,
    scan_id: uuid.UUID,
    scanned_at: datetime.datetime | None = None,
    offline: bool = False,
    user: User | None = None,
) -> dict:
    """Judge one scan at ``gate`` (for the gate's expo) and let the badge in at most once a day. The same
    ``scan_id`` again returns the first answer."""
    now = timezone.now()
    when = _scan_time(scanned_at, now)
    day = timezone.localtime(when, timezone.get_current_timezone()).date()
    existing = Scan.objects.select_related("badge").filter(scan_id=scan_id).first()
    if existing is not None:
        return _outcome_message(existing)
    outcome, badge = badge_judge(expo_id=gate.expo_id, payload=payload, day=day)
    try:
        with transaction.atomic():
            scan = Scan.objects.create(
                scan_id=scan_id,
                gate=gate,
                badge=badge,
                outcome=outcome,
                scanned_at=when,
                received_at=now,
                offline=offline,
                scanned_by=user,
            )
            if outcome == Outcome.WELCOME:
                try:
                    with transaction.atomic():
                        CheckIn.objects.create(badge=badge, day=day, gate=gate, scanned_at=when, scan=scan)
                except IntegrityError:
                    first = CheckIn.objects.get(badge=badge, day=day)
                    scan.outcome = Outcome.ALREADY
                    # An offline gate let the person in although another gate already had: staff look at it.
                    scan.conflict = offline and first.gate_id != gate.pk
                    scan.save(update_fields=["outcome", "conflict"])
    except IntegrityError:
        # The same scan uploaded at the same moment by another request: that one's answer stands.
        existing = Scan.objects.select_related("badge").get(scan_id=scan_id)
        return _outcome_message(existing)
    return _outcome_message(scan)


def gate_ensure(*, expo: Expo, name: str) -> Gate:
    with transaction.atomic():
        gate, _created = Gate.objects.get_or_create(expo=expo, name=name)
    return gate
