"""Meeting slots generated from the expo's meeting windows, the slot length and the breaks.

``slot_grid`` is the pure part: windows cut into slots of one length, a slot never overlapping a break (after a
break the next slot starts when the break ends). ``slots_generate`` is the service: it reads the windows, the
desk's breaks (``MeetingBreak``), the programme's ceremonies and "no meetings during" sessions
(``programme.selectors.meeting_breaks``) and any break slot entered by hand, and brings the expo's meeting slots
to the new grid in one transaction.

Nobody is moved silently: a slot that holds a scheduled meeting is kept exactly as it is, and if the new grid
has no room for it (a new break over it, a new slot length or window) the whole generation is refused with
the list of those meetings, for the desk to move or cancel them first (each move emails both sides). A slot
kept in the new grid keeps its row, so the blocks participants set on it stay; a slot only cancelled meetings
name is retired rather than deleted (or, when the new grid starts a slot at the same time, takes the new end).
"""

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from expo.models import Expo

from .models import (
    AvailabilityBlock,
    MatchmakingSettings,
    Meeting,
    MeetingBreak,
    MeetingWindow,
    SchedulerRun,
    Slot,
)
from .services import MatchmakingError

Interval = tuple[datetime.datetime, datetime.datetime]


def slot_grid(*, windows: Iterable[Interval], breaks: Sequence[Interval], minutes: int) -> list[Interval]:
    """The slots of ``minutes`` that fit in ``windows`` and overlap no break, in time order, none overlapping
    another (a window that overlaps an earlier one goes on from where that one's slots end)."""
    step = datetime.timedelta(minutes=minutes)
    grid: list[Interval] = []
    for start, end in sorted(windows):
        at = max(start, grid[-1][1]) if grid else start
        while at + step <= end:
            in_the_way = [b_end for b_start, b_end in breaks if b_start < at + step and at < b_end]
            if in_the_way:
                at = max(in_the_way)
                continue
            grid.append((at, at + step))
            at += step
    return grid


@dataclasses.dataclass(frozen=True)
class Conflict:
    """A scheduled meeting whose slot the new grid has no room for, and why."""

    meeting: Meeting
    reason: str


class SlotConflictError(MatchmakingError):
    """The new grid would move or drop scheduled meetings: nothing was changed."""

    def __init__(self, message: str, *, conflicts: list[Conflict]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


@dataclasses.dataclass(frozen=True)
class SlotChanges:
    created: int
    kept: int
    removed: int
    retired: int


@dataclasses.dataclass(frozen=True)
class Break:
    start: datetime.datetime
    end: datetime.datetime
    label: str


def _local(day: datetime.date, time: datetime.time, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=zone)


def _time_range(start: datetime.datetime, end: datetime.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{formats.date_format(start, 'D j M')} {start:%H:%M}–{end:%H:%M}"


def breaks_of(*, expo: Expo, days: Iterable[datetime.date]) -> list[Break]:
    """Every break of the expo on ``days``: the desk's (those with no day on each of ``days``), the programme's
    ceremonies and no-meetings sessions, and break slots entered by hand."""
    from programme.selectors import meeting_breaks  # programme sits beside matchmaking; only this hook is read

    zone = ZoneInfo(expo.time_zone)
    days = sorted(set(days))
    found = []
    for item in MeetingBreak.objects.filter(expo=expo).order_by("day", "starts_at", "pk"):
        for day in [item.day] if item.day else days:
            found.append(Break(_local(day, item.starts_at, zone), _local(day, item.ends_at, zone), item.label))
    found.extend(Break(start, end, label) for start, end, label in meeting_breaks(expo))
    found.extend(
        Break(slot.start, slot.end, slot.label or _("Break"))
        for slot in Slot.objects.filter(expo=expo, kind=Slot.Kind.BREAK)
    )
    return sorted(found, key=lambda item: (item.start, item.end, item.label))


def slots_overview(*, expo: Expo) -> dict:
    """What the slot page shows: the windows, every break on the meeting days, and the meeting slots by day."""
    windows = list(MeetingWindow.objects.filter(expo=expo).order_by("day", "starts_at", "pk"))
    per_day: dict[datetime.date, int] = {}
    for start in Slot.objects.filter(expo=expo, kind=Slot.Kind.MEETING).values_list("start", flat=True):
        day = timezone.localtime(start).date()
        per_day[day] = per_day.get(day, 0) + 1
    return {
        "windows": windows,
        "breaks": [
            {"label": item.label, "when": _time_range(item.start, item.end)}
            for item in breaks_of(expo=expo, days=[w.day for w in windows])
        ],
        "slots_per_day": sorted(per_day.items()),
    }


def _check_windows(expo: Expo, windows: list[MeetingWindow]) -> None:
    if not windows:
        raise MatchmakingError(_("Add the meeting days and their hours (meeting windows) first."))
    for window in windows:
        if not expo.start_date <= window.day <= expo.end_date:
            raise MatchmakingError(
                _("The meeting window %(window)s is not on a day of the expo.") % {"window": window}, field="windows"
            )
        if window.ends_at <= window.starts_at:
            raise MatchmakingError(
                _("The meeting window %(window)s ends before it starts.") % {"window": window}, field="windows"
            )


def _why(slot: Slot, breaks: list[Break], windows: list[Interval]) -> str:
    hit = [item for item in breaks if item.start < slot.end and slot.start < item.end]
    if hit:
        return _("it falls in the break “%(label)s” (%(when)s)") % {
            "label": hit[0].label,
            "when": _time_range(hit[0].start, hit[0].end),
        }
    if not any(start <= slot.start and slot.end <= end for start, end in windows):
        return _("it is outside the meeting windows")
    return _("its slot is not in the new grid (the slot length or the windows changed)")


def slots_generate(*, expo: Expo, slot_minutes: int) -> SlotChanges:
    """Bring the expo's meeting slots to the grid of its windows cut into ``slot_minutes`` around its breaks.

    All or nothing: raises ``MatchmakingError`` for a slot length other than 15, 20 or 30 minutes, no window, a
    window off the expo's days, or a run waiting for its preview to be published; ``SlotConflictError`` listing
    every scheduled meeting the new grid has no room for.
    """
    if slot_minutes not in MatchmakingSettings.SlotLength.values:
        raise MatchmakingError(_("Choose a slot length of 15, 20 or 30 minutes."), field="slot_minutes")
    with transaction.atomic():
        # The settings row is the expo's matchmaking lock: runs take it too.
        MatchmakingSettings.objects.get_or_create(expo=expo)
        rules = MatchmakingSettings.objects.select_for_update().get(expo=expo)
        if SchedulerRun.objects.filter(
            expo=expo,
            status__in=[SchedulerRun.Status.QUEUED, SchedulerRun.Status.RUNNING, SchedulerRun.Status.PREVIEW],
        ).exists():
            raise MatchmakingError(
                _("A scheduler run is in progress or waiting to be published: publish or discard it first.")
            )
        windows = list(MeetingWindow.objects.filter(expo=expo).order_by("day", "starts_at", "pk"))
        _check_windows(expo, windows)
        zone = ZoneInfo(expo.time_zone)
        spans = [(_local(w.day, w.starts_at, zone), _local(w.day, w.ends_at, zone)) for w in windows]
        breaks = breaks_of(expo=expo, days=[w.day for w in windows])
        wanted = dict(slot_grid(windows=spans, breaks=[(b.start, b.end) for b in breaks], minutes=slot_minutes))

        existing = list(
            Slot.objects.select_for_update()
            .filter(expo=expo, kind__in=[Slot.Kind.MEETING, Slot.Kind.RETIRED])
            .order_by("start")
        )
        scheduled = {}
        for meeting in (
            Meeting.objects.filter(expo=expo, state__in=Meeting.STANDING)
            .select_related("slot", "table", "request__sender", "request__receiver")
            .order_by("slot__start", "pk")
        ):
            scheduled.setdefault(meeting.slot_id, []).append(meeting)
        named = set(Meeting.objects.filter(expo=expo).values_list("slot_id", flat=True))

        conflicts, keep, reuse, retire, remove = [], [], [], [], []
        for slot in existing:
            end = wanted.get(slot.start)
            if slot.kind == Slot.Kind.MEETING and end == slot.end:
                keep.append(slot)
            elif slot.pk in scheduled:
                reason = _why(slot, breaks, spans)
                conflicts.extend(Conflict(meeting, reason) for meeting in scheduled[slot.pk])
            elif end is not None:
                reuse.append(slot)
            elif slot.pk in named:
                if slot.kind != Slot.Kind.RETIRED:
                    retire.append(slot)
            else:
                remove.append(slot)
        if conflicts:
            raise SlotConflictError(
                _(
                    "The new slots leave no room for %(count)s scheduled meetings: move or cancel them first "
                    "(both sides are emailed), or change the breaks back. Nothing was changed."
                )
                % {"count": len(conflicts)},
                conflicts=conflicts,
            )

        for slot in reuse:
            slot.end, slot.kind, slot.label = wanted[slot.start], Slot.Kind.MEETING, ""
            slot.save(update_fields=["end", "kind", "label"])
        if retire:
            Slot.objects.filter(pk__in=[slot.pk for slot in retire]).update(kind=Slot.Kind.RETIRED)
            AvailabilityBlock.objects.filter(slot__in=retire).delete()
        if remove:
            Slot.objects.filter(pk__in=[slot.pk for slot in remove]).delete()
        present = {slot.start for slot in (*keep, *reuse)}
        created = Slot.objects.bulk_create(
            Slot(expo=expo, start=start, end=end, kind=Slot.Kind.MEETING)
            for start, end in sorted(wanted.items())
            if start not in present
        )
        rules.slot_minutes = slot_minutes
        rules.save(update_fields=["slot_minutes"])
    return SlotChanges(created=len(created), kept=len(keep) + len(reuse), removed=len(remove), retired=len(retire))
