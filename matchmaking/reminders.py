"""Reminders of B2B meetings: each side is emailed the evening before a meeting and shortly before it, once.

Celery beat runs ``reminders_send`` every minute. A reminder is due from the expo's evening hour
(``MatchmakingSettings.reminder_evening_hour``, in the expo's time zone) on the day before the meeting until that
day ends, and again from ``reminder_minutes_before`` minutes before it starts until it starts; a run that comes
late (the worker was down) still sends what is due, never what is past.

Each reminder is claimed by inserting a ``MeetingReminder`` for (seat, kind, start) in the transaction that queues
its emails in the outbox: a second run, or a second worker at the same moment, meets the unique constraint and
sends nothing, and the emails leave only if the claim commits. The seat is locked first, so a move or a
cancellation by the desk is either wholly before the reminder (which then goes to the new time, or not at all)
or wholly after it. The meeting's start is part of the key: a meeting moved to another time is reminded again,
of the new time; a cancelled meeting has no seats, so no reminders.
"""

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from expo.services import email_queue
from visitors import links

from . import selectors
from .models import MatchmakingSettings, Meeting, MeetingReminder, MeetingSeat

logger = logging.getLogger(__name__)

# The furthest ahead a reminder can be due: the evening hour of the day before, at its earliest (midnight).
HORIZON = datetime.timedelta(days=2)


def reminder_due(
    *, start: datetime.datetime, now: datetime.datetime, zone: ZoneInfo, evening_hour: int, minutes_before: int
) -> str | None:
    """The kind of reminder due at ``now`` for a meeting starting at ``start``, or None: "soon" in the last
    ``minutes_before`` minutes before it, "evening" from ``evening_hour`` on the day before until that day ends."""
    if now >= start:
        return None
    if now >= start - datetime.timedelta(minutes=minutes_before):
        return MeetingReminder.Kind.SOON
    day = start.astimezone(zone).date()
    evening = datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(evening_hour), tzinfo=zone)
    midnight = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    if evening <= now < midnight:
        return MeetingReminder.Kind.EVENING
    return None


def _due_seats(now: datetime.datetime) -> list[tuple[MeetingSeat, str]]:
    """The seats of scheduled meetings with a reminder due now and not yet sent, with its kind."""
    seats = list(
        MeetingSeat.objects.filter(
            meeting__state=Meeting.State.SCHEDULED, slot__start__gt=now, slot__start__lte=now + HORIZON
        )
        .select_related(
            "slot",
            "participant__expo",
            "participant__registration",
            "participant__exhibitor",
            "meeting__table",
            "meeting__request__sender__exhibitor",
            "meeting__request__sender__registration",
            "meeting__request__receiver__exhibitor",
            "meeting__request__receiver__registration",
        )
        .prefetch_related(
            "meeting__request__sender__exhibitor__stall_allocations__stall",
            "meeting__request__receiver__exhibitor__stall_allocations__stall",
        )
        .order_by("slot__start", "pk")
    )
    if not seats:
        return []
    rules = {
        rule.expo_id: rule
        for rule in MatchmakingSettings.objects.filter(expo_id__in={seat.participant.expo_id for seat in seats})
    }
    sent = set(MeetingReminder.objects.filter(seat__in=seats).values_list("seat_id", "kind", "starts_at").order_by())
    due = []
    for seat in seats:
        expo = seat.participant.expo
        rule = rules.get(expo.pk) or MatchmakingSettings(expo=expo)
        kind = reminder_due(
            start=seat.slot.start,
            now=now,
            zone=ZoneInfo(expo.time_zone),
            evening_hour=rule.reminder_evening_hour,
            minutes_before=rule.reminder_minutes_before,
        )
        if kind is not None and (seat.pk, kind, seat.slot.start) not in sent:
            due.append((seat, kind))
    return due


def _claim(seat: MeetingSeat, kind: str) -> bool:
    """Record the reminder, unless the meeting moved or was cancelled since it was read or it is already sent."""
    current = MeetingSeat.objects.select_for_update().filter(pk=seat.pk, slot_id=seat.slot_id).first()
    if current is None:
        return False
    try:
        with transaction.atomic():
            MeetingReminder.objects.create(seat=current, kind=kind, starts_at=seat.slot.start)
    except IntegrityError:
        return False
    return True


def _email(seat: MeetingSeat, kind: str) -> None:
    """Queue the reminder to the seat's participant: a visitor at their address with their own secret agenda
    link; each member of an exhibitor with the link to the agenda on the exhibitor's dashboard (B2B meetings), on
    the portal's address (``EXPO_SITE_URL``: beat runs outside any request), which asks them to sign in."""
    meeting, participant = seat.meeting, seat.participant
    request = meeting.request
    other = request.receiver if request.sender_id == participant.pk else request.sender
    exhibitor = request.sender.exhibitor or request.receiver.exhibitor
    stall_codes = []
    if meeting.at_stall and exhibitor is not None:
        stall_codes = sorted(allocation.stall.code for allocation in exhibitor.stall_allocations.all())
    context = {
        "kind": kind,
        "expo": participant.expo,
        "recipient": participant,
        "other": other,
        "slot": seat.slot,
        "table": meeting.table,
        "stall_codes": stall_codes,
        "contact": selectors.contact_of(other),
    }
    with timezone.override(ZoneInfo(participant.expo.time_zone)):
        if participant.registration_id:
            registration = participant.registration
            actor = selectors.Actor(
                expo=participant.expo, registration=registration, token=links.manage_token(registration)
            )
            email_queue(
                to=registration.email,
                template="matchmaking_reminder",
                context=context,
                secret_context={"agenda_url": registration.site_url.rstrip("/") + actor.url("agenda")},
                language=registration.language,
            )
            return
        context["agenda_url"] = settings.EXPO_SITE_URL.rstrip("/") + reverse(
            "mm_exhibitor_agenda", args=[participant.exhibitor_id]
        )
        for address in selectors.member_emails(participant.exhibitor):
            email_queue(to=address, template="matchmaking_reminder", context=context)


def reminders_send(*, now: datetime.datetime) -> int:
    """Queue every reminder due at ``now`` that was not sent yet; the number of reminders (seats) sent.

    Safe to run twice and from two workers at once: each (seat, kind, start) is claimed once.
    """
    count = 0
    for seat, kind in _due_seats(now):
        try:
            with transaction.atomic():
                if not _claim(seat, kind):
                    continue
                _email(seat, kind)
        except IntegrityError:
            # The seat went (the meeting was cancelled) between the lock and the commit of the claim.
            logger.info("Reminder %s of seat %s not sent: the seat is gone", kind, seat.pk)
            continue
        count += 1
    return count
