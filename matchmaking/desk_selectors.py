"""Reads for the matchmaking desk's own pages: finding a participant to act for, and the print-outs of a day.

Each read is limited to one expo and loads what its page shows in a fixed number of queries, whatever the
number of tables, slots and meetings.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404

from expo.models import Expo

from .models import Meeting, Participant, Slot, Table

SEARCH_LIMIT = 50


def participant_search(*, expo: Expo, query: str) -> QuerySet[Participant]:
    """The expo's participants whose organisation, person's name or email (a visitor's, or a member's of the
    exhibitor) contains ``query``; at most ``SEARCH_LIMIT``."""
    query = query.strip()
    participants = Participant.objects.filter(expo=expo).select_related("registration", "exhibitor")
    if query:
        participants = participants.filter(
            Q(organisation__icontains=query)
            | Q(registration__full_name__icontains=query)
            | Q(registration__email__icontains=query)
            | Q(exhibitor__name__icontains=query)
            | Q(exhibitor__members__email__icontains=query)
            | Q(exhibitor__members__full_name__icontains=query)
        ).distinct()
    return participants.order_by("organisation", "pk")[:SEARCH_LIMIT]


def desk_participant(*, expo: Expo, pk: int) -> Participant:
    """A participant of ``expo`` for the desk to act for; 404 for one of another edition or none."""
    participant = (
        Participant.objects.filter(expo=expo, pk=pk).select_related("expo", "registration", "exhibitor").first()
    )
    if participant is None:
        raise Http404
    return participant


def _day_bounds(expo: Expo, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = ZoneInfo(expo.time_zone)
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone)


def meeting_days(*, expo: Expo) -> list[dict]:
    """The expo's days with meeting slots, each with its number of scheduled meetings."""
    zone = ZoneInfo(expo.time_zone)
    days = (
        Slot.objects.filter(expo=expo, kind=Slot.Kind.MEETING)
        .annotate(day=TruncDate("start", tzinfo=zone))
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )
    counts: dict[datetime.date, int] = {}
    for start in Meeting.objects.filter(expo=expo, state__in=Meeting.STANDING).values_list("slot__start", flat=True):
        day = start.astimezone(zone).date()
        counts[day] = counts.get(day, 0) + 1
    return [{"day": day, "meetings": counts.get(day, 0)} for day in days]


@dataclass(frozen=True)
class DaySchedule:
    day: datetime.date
    slots: list[Slot]  # the day's slots, breaks included, in time order
    tables: list[Table]
    meetings: list[Meeting]  # the day's scheduled meetings, in time and table order


def day_schedule(*, expo: Expo, day: datetime.date) -> DaySchedule:
    """The grid's slots, the tables and the scheduled meetings of ``day``; 404 for a day without slots."""
    start, end = _day_bounds(expo, day)
    slots = list(
        Slot.objects.filter(expo=expo, start__gte=start, start__lt=end)
        .exclude(kind=Slot.Kind.RETIRED)
        .order_by("start")
    )
    if not slots:
        raise Http404
    meetings = list(
        Meeting.objects.filter(expo=expo, state__in=Meeting.STANDING, slot__in=slots)
        .select_related("slot", "table", "request__sender", "request__receiver")
        .order_by("slot__start", "table__number", "pk")
    )
    return DaySchedule(
        day=day, slots=slots, tables=list(Table.objects.filter(expo=expo).order_by("number")), meetings=meetings
    )


def table_sheets(schedule: DaySchedule) -> list[dict]:
    """One sheet per table: each slot of the day with the meeting held there, if any."""
    by_place = {(m.slot_id, m.table_id): m for m in schedule.meetings if m.table_id}
    return [
        {
            "table": table,
            "rows": [{"slot": slot, "meeting": by_place.get((slot.pk, table.pk))} for slot in schedule.slots],
        }
        for table in schedule.tables
    ]


def slot_sheet(schedule: DaySchedule) -> list[dict]:
    """The lounge's day sheet: each slot with its meetings, lounge tables first in number order, then the stalls."""
    meetings_of: dict[int, list[Meeting]] = {slot.pk: [] for slot in schedule.slots}
    for meeting in schedule.meetings:
        meetings_of[meeting.slot_id].append(meeting)
    return [
        {
            "slot": slot,
            "meetings": sorted(
                meetings_of[slot.pk], key=lambda m: (m.table is None, m.table.number if m.table else 0, m.pk)
            ),
        }
        for slot in schedule.slots
    ]
