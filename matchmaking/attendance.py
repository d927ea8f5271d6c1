"""Whether a B2B meeting took place: badges scanned at its table, both sides' word, or a side's no-show report.

A meeting is held once each of its sides is shown to be there (a ``MeetingAttendance`` per side): its badge
scanned by the lounge desk's scanner, scanned by the other side's phone from their agenda, or its own
confirmation from the agenda. A side that scans the other's badge is there too. A badge that is not one of the
meeting's sides is refused with who it belongs to and who the meeting is between. Once the slot is over, a side
may say the other did not come: the meeting is then a no-show, unless both sides were shown to be there.

Every write locks the meeting's row first, so two scans at once cannot both miss that the meeting became held.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import User
from visitors.models import Badge

from .badge_reading import badge_read
from .models import Meeting, MeetingAttendance, MeetingNoShow, Participant
from .services import MatchmakingError


@dataclass(frozen=True)
class ScanResult:
    """What a scan recorded: the side the badge belongs to, and whether the meeting is now held."""

    meeting: Meeting
    side: Participant
    held: bool

    @property
    def message(self) -> str:
        if self.held:
            return _("%(side)s is here. Both sides are here: the meeting is held.") % {"side": self.side}
        return _("%(side)s is here. Waiting for the other side.") % {"side": self.side}


def _sides(meeting: Meeting) -> list[Participant]:
    request = meeting.request
    return [request.sender, request.receiver]


def _side_of_badge(badge: Badge, sides: list[Participant]) -> Participant | None:
    """The side of the meeting the badge's holder belongs to: a visitor by their registration, an exhibitor by
    one of its booth staff."""
    for side in sides:
        if badge.registration_id is not None and side.registration_id == badge.registration_id:
            return side
        if badge.booth_staff_id is not None and side.exhibitor_id == badge.booth_staff.exhibitor_id:
            return side
    return None


def _locked(meeting: Meeting) -> Meeting:
    """The meeting's row locked for the write, with both sides; refused once it is cancelled."""
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("request__sender", "request__receiver", "slot")
        .get(pk=meeting.pk)
    )
    if current.state not in Meeting.STANDING:
        raise MatchmakingError(_("This meeting was cancelled."))
    return current


def _attend(meeting: Meeting, side: Participant, *, how: str, by: User | None, at, scan_id=None) -> None:
    """Record ``side`` as there, once: a second scan of the same side changes nothing."""
    if MeetingAttendance.objects.filter(meeting=meeting, participant=side).exists():
        return
    try:
        with transaction.atomic():
            MeetingAttendance.objects.create(meeting=meeting, participant=side, how=how, by=by, at=at, scan_id=scan_id)
    except IntegrityError:
        # The same offline scan uploaded twice: its id is taken, the side is already recorded.
        if scan_id is None or not MeetingAttendance.objects.filter(scan_id=scan_id).exists():
            raise


def _settle(meeting: Meeting, *, now: datetime.datetime) -> bool:
    """Mark the meeting held once every side is there (a no-show reported before is withdrawn); True if held."""
    present = set(MeetingAttendance.objects.filter(meeting=meeting).values_list("participant_id", flat=True))
    if not {side.pk for side in _sides(meeting)} <= present:
        return meeting.state == Meeting.State.HELD
    if meeting.state != Meeting.State.HELD:
        MeetingNoShow.objects.filter(meeting=meeting).delete()
        meeting.state, meeting.held_at = Meeting.State.HELD, now
        meeting.save(update_fields=["state", "held_at", "updated_at"])
    return True


def attendance_scan(
    *,
    meeting: Meeting,
    code: str,
    by: User | None,
    scanner: Participant | None = None,
    scan_id: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> ScanResult:
    """Record the side whose badge ``code`` names as at ``meeting``: scanned by the lounge desk (``scanner``
    None) or by the other side's phone (``scanner`` the side scanning, recorded as there too). Refused, with the
    reason, for a badge that is not valid or not one of the meeting's sides, or a side scanning its own badge."""
    now = now or timezone.now()
    reading = badge_read(expo_id=meeting.expo_id, code=code)
    if reading.badge is None:
        raise MatchmakingError(reading.refusal)
    with transaction.atomic():
        current = _locked(meeting)
        sides = _sides(current)
        if scanner is not None and scanner.pk not in {side.pk for side in sides}:
            raise MatchmakingError(_("You are not in this meeting."))
        side = _side_of_badge(reading.badge, sides)
        if side is None:
            raise MatchmakingError(
                _("%(name)s (badge %(number)s) is not in this meeting: it is between %(first)s and %(second)s.")
                % {
                    "name": reading.badge.full_name,
                    "number": reading.badge.number,
                    "first": sides[0],
                    "second": sides[1],
                }
            )
        if scanner is not None and side.pk == scanner.pk:
            raise MatchmakingError(_("This is your own badge: scan the badge of the person you are meeting."))
        _attend(current, side, how=MeetingAttendance.How.SCAN, by=by, at=now, scan_id=scan_id)
        if scanner is not None:
            _attend(current, scanner, how=MeetingAttendance.How.SCAN, by=by, at=now)
        held = _settle(current, now=now)
    return ScanResult(meeting=current, side=side, held=held)


def attendance_confirm(
    *, meeting: Meeting, participant: Participant, by: User | None, now: datetime.datetime | None = None
) -> bool:
    """``participant`` says the meeting took place; once both sides have, it is held. True if held."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(meeting)
        if participant.pk not in {side.pk for side in _sides(current)}:
            raise MatchmakingError(_("You are not in this meeting."))
        if now < current.slot.start:
            raise MatchmakingError(_("You can confirm a meeting once its time has come."))
        _attend(current, participant, how=MeetingAttendance.How.CONFIRM, by=by, at=now)
        return _settle(current, now=now)


def attendance_record_by_desk(
    *, meeting: Meeting, participant: Participant, by: User, now: datetime.datetime | None = None
) -> bool:
    """The matchmaking desk records a side as there (seen at the table without a badge). True if now held."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(meeting)
        if participant.pk not in {side.pk for side in _sides(current)}:
            raise MatchmakingError(_("This participant is not in this meeting."))
        _attend(current, participant, how=MeetingAttendance.How.DESK, by=by, at=now)
        return _settle(current, now=now)


def no_show_report(
    *, meeting: Meeting, reporter: Participant, by: User | None, now: datetime.datetime | None = None
) -> MeetingNoShow:
    """``reporter`` says the other side did not come. Only once the slot is over, and not for a meeting held."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(meeting)
        sides = _sides(current)
        if reporter.pk not in {side.pk for side in sides}:
            raise MatchmakingError(_("You are not in this meeting."))
        if now < current.slot.end:
            raise MatchmakingError(_("You can report a no-show once the meeting's time is over."))
        if current.state == Meeting.State.HELD:
            raise MatchmakingError(_("Both sides were recorded at this meeting: it is held."))
        if MeetingNoShow.objects.filter(meeting=current).exists():
            raise MatchmakingError(_("A no-show is already recorded for this meeting."))
        absent = sides[1] if sides[0].pk == reporter.pk else sides[0]
        no_show = MeetingNoShow.objects.create(meeting=current, reported_by=reporter, absent=absent, at=now, by=by)
        current.state = Meeting.State.NO_SHOW
        current.save(update_fields=["state", "updated_at"])
    return no_show
