"""Gate scans: the one rule a badge is judged by (``badge_judge``), and recording a scan so that a badge gets in at
most once a day and the same scan sent again (an offline gate's upload) gets the first answer."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import Expo, User

from .. import keys, qr
from ..models import Badge, CheckIn, Gate, RegistrationDay, Scan
from .common import Outcome, Status

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
