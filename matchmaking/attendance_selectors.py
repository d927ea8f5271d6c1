"""Reads for the meetings held: the desk's tally per day and per table, and a day's meetings to scan at.

Each read is limited to one expo and costs a fixed number of queries, whatever the number of meetings.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch
from django.db.models.functions import TruncDate
from django.http import Http404

from expo.models import Expo

from .desk_selectors import _day_bounds
from .models import Meeting, MeetingAttendance


@dataclass
class Tally:
    """Meetings of a day or a table: held, no-show, and those still open (to come, or past with no word)."""

    held: int = 0
    no_show: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        return self.held + self.no_show + self.open

    def add(self, state: str, count: int) -> None:
        if state == Meeting.State.HELD:
            self.held += count
        elif state == Meeting.State.NO_SHOW:
            self.no_show += count
        else:
            self.open += count


@dataclass
class DayTally:
    day: datetime.date
    tally: Tally = field(default_factory=Tally)
    tables: dict[str, Tally] = field(default_factory=dict)  # by table label ("At the stall" for stall meetings)


def attendance_by_day(*, expo: Expo, stall_label: str) -> list[DayTally]:
    """Held, no-show and open meetings per day and, within a day, per table (one query)."""
    zone = ZoneInfo(expo.time_zone)
    rows = (
        Meeting.objects.filter(expo=expo, state__in=Meeting.STANDING)
        .annotate(day=TruncDate("slot__start", tzinfo=zone))
        .values("day", "table__number", "state")
        .annotate(count=Count("pk"))
        .order_by("day", "table__number", "state")
    )
    days: dict[datetime.date, DayTally] = {}
    for row in rows:
        day = days.setdefault(row["day"], DayTally(day=row["day"]))
        day.tally.add(row["state"], row["count"])
        number = row["table__number"]
        label = str(number) if number is not None else stall_label
        day.tables.setdefault(label, Tally()).add(row["state"], row["count"])
    return list(days.values())


def day_meetings(*, expo: Expo, day: datetime.date) -> list[Meeting]:
    """The standing meetings of ``day`` in time and table order, with both sides, who was recorded there (and
    ``absent_sides``, those not yet), and any no-show (two queries)."""
    start, end = _day_bounds(expo, day)
    meetings = list(
        Meeting.objects.filter(expo=expo, state__in=Meeting.STANDING, slot__start__gte=start, slot__start__lt=end)
        .select_related("slot", "table", "request__sender", "request__receiver", "no_show__absent")
        .prefetch_related(Prefetch("attendances", queryset=MeetingAttendance.objects.select_related("participant")))
        .order_by("slot__start", "table__number", "pk")
    )
    for meeting in meetings:
        present = {seen.participant_id for seen in meeting.attendances.all()}
        sides = (meeting.request.sender, meeting.request.receiver)
        meeting.absent_sides = [side for side in sides if side.pk not in present]
    return meetings


def desk_meeting(*, expo: Expo, pk: int) -> Meeting:
    """A standing meeting of ``expo`` for the desk; 404 for one of another edition, cancelled, or none."""
    meeting = (
        Meeting.objects.filter(expo=expo, pk=pk, state__in=Meeting.STANDING)
        .select_related("expo", "slot", "request__sender", "request__receiver")
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def participant_meeting(*, participant, pk: int) -> Meeting:
    """A standing meeting ``participant`` has a seat in; 404 otherwise."""
    meeting = Meeting.objects.filter(pk=pk, seats__participant=participant, state__in=Meeting.STANDING).first()
    if meeting is None:
        raise Http404
    return meeting
