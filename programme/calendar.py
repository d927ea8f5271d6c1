"""A person's calendar as iCalendar (RFC 5545), made with the icalendar package: the one place the portal
writes ``.ics``.

A person is a visitor (their registration) or a member of an exhibitor (the user, for that exhibitor): an
``Owner``. Their events are ``Entry`` rows: the sessions they have a place at or speak at, read here, and
what other apps add through ``register_source``. Matchmaking registers the person's B2B meetings that way,
so that the programme, which matchmaking imports for its breaks, never imports matchmaking.

Each event keeps one UID whatever changes (the session's id, the meeting request's id), times carry the
edition's time zone with its VTIMEZONE, something cancelled stays in the feed marked CANCELLED so that
calendars remove it, a place still on the waiting list is TENTATIVE, and the sequence grows with every
change so that calendars take the latest version.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from exhibitors.models import Exhibitor
from expo.models import Expo, User
from visitors.models import Registration

from . import selectors

UID_DOMAIN = "programme.sme-cluster-expo"

CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"


@dataclass(frozen=True)
class Owner:
    """Whose calendar: a visitor's ``registration``, or a ``user`` who is a member of ``exhibitor``."""

    expo: Expo
    registration: Registration | None = None
    exhibitor: Exhibitor | None = None
    user: User | None = None


@dataclass(frozen=True)
class Entry:
    """One event of a person's calendar."""

    uid: str
    summary: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    updated_at: datetime.datetime
    sequence: int
    status: str = CONFIRMED
    description: str = ""
    is_meeting: bool = False

    @property
    def display_title(self) -> str:
        return self.summary


Source = Callable[[Owner], list[Entry]]
_sources: list[Source] = []


def register_source(source: Source) -> None:
    """Add ``source`` (an owner in, their entries out) to every person's calendar; registering twice adds it once."""
    if source not in _sources:
        _sources.append(source)


def added_entries(owner: Owner) -> list[Entry]:
    """The entries the other apps' sources give ``owner`` (their B2B meetings)."""
    return [entry for source in _sources for entry in source(owner)]


def session_uid(session) -> str:
    return f"session-{session.pk}@{UID_DOMAIN}"


def session_entry(session, *, waitlisted: bool = False) -> Entry:
    """The entry of ``session`` (with its room and hall read)."""
    if session.is_cancelled:
        status = CANCELLED
    elif waitlisted:
        status = TENTATIVE
    else:
        status = CONFIRMED
    return Entry(
        uid=session_uid(session),
        summary=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=f"{session.room.name}, {session.room.hall.name}, {session.expo.venue}",
        updated_at=session.updated_at,
        sequence=int((session.updated_at - session.created_at).total_seconds()),
        status=status,
        description=session.abstract,
    )


def entries_of(owner: Owner) -> list[Entry]:
    """Everything on ``owner``'s calendar in time order, each event once: their sessions, then what the sources add."""
    own = [
        session_entry(session, waitlisted=waitlisted)
        for session, waitlisted in selectors.calendar_sessions(
            registration=owner.registration, user=owner.user, expo=owner.expo
        )
    ]
    unique = {}
    for entry in [*own, *added_entries(owner)]:
        unique.setdefault(entry.uid, entry)
    return sorted(unique.values(), key=lambda entry: (entry.starts_at, entry.uid))


def write(*, expo: Expo, entries: Iterable[Entry], name: str = "", now: datetime.datetime | None = None) -> bytes:
    """``entries`` as an iCalendar file named ``name`` (the edition's name by default), in the edition's time zone."""
    zone = ZoneInfo(expo.time_zone)
    calendar = Calendar()
    calendar.add("prodid", "-//SME Cluster Expo//Personal calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name or expo.name)
    calendar.add("x-wr-timezone", expo.time_zone)
    stamp = now or timezone.now()
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("last-modified", entry.updated_at)
        event.add("summary", entry.summary)
        event.add("dtstart", entry.starts_at.astimezone(zone))
        event.add("dtend", entry.ends_at.astimezone(zone))
        event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        event.add("status", entry.status)
        event.add("sequence", max(entry.sequence, 0))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
