"""Reads of the programme: clashes, and (for the public pages) the sessions of an edition."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from expo.models import Expo, Sector

from .models import Session, SessionSpeaker, Speaker


def sessions_overlapping(*, starts_at: datetime.datetime, ends_at: datetime.datetime) -> QuerySet[Session]:
    """Sessions still on that share a moment with [starts_at, ends_at): one that ends as another starts does not."""
    return Session.objects.filter(cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at)


def room_clash(*, session: Session) -> Session | None:
    """Another session in ``session``'s room at the same time, if any."""
    return (
        sessions_overlapping(starts_at=session.starts_at, ends_at=session.ends_at)
        .filter(room_id=session.room_id)
        .exclude(pk=session.pk)
        .first()
    )


def speaker_clashes(*, session: Session, speaker_ids: list[int]) -> list[SessionSpeaker]:
    """The other sessions, at the same time as ``session``, of any of ``speaker_ids``."""
    overlapping = sessions_overlapping(starts_at=session.starts_at, ends_at=session.ends_at).exclude(pk=session.pk)
    return list(
        SessionSpeaker.objects.filter(speaker_id__in=speaker_ids, session__in=overlapping)
        .select_related("speaker", "session")
        .order_by("session__starts_at", "speaker__name")
    )


# --- The public programme -------------------------------------------------------


def _day_bounds(*, expo: Expo, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of ``day`` and of the next, in the edition's time zone."""
    zone = ZoneInfo(expo.time_zone)
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def programme_day(*, expo: Expo, day: datetime.date, kind: str = "", sector_id: int | None = None) -> list[Session]:
    """The sessions of ``expo`` that start on ``day`` (cancelled ones included, shown as such), in time order,
    with their room, hall and speakers read in a fixed number of queries."""
    start, end = _day_bounds(expo=expo, day=day)
    sessions = Session.objects.filter(expo=expo, starts_at__gte=start, starts_at__lt=end)
    if kind:
        sessions = sessions.filter(kind=kind)
    if sector_id:
        sessions = sessions.filter(sectors=sector_id)
    return list(
        sessions.select_related("room__hall")
        .prefetch_related(_speakers_prefetch())
        .order_by("starts_at", "room__order", "pk")
    )


def _speakers_prefetch() -> Prefetch:
    return Prefetch(
        "sessionspeaker_set",
        queryset=SessionSpeaker.objects.select_related("speaker").order_by("order", "speaker__name"),
        to_attr="speaker_links",
    )


def rooms_of(sessions: list[Session]) -> list:
    """The rooms ``sessions`` are in, in the venue's order, each with ``day_sessions``: its sessions in time order."""
    rooms: dict = {}
    for session in sessions:
        room = rooms.setdefault(session.room_id, session.room)
        if room is session.room and not hasattr(room, "day_sessions"):
            room.day_sessions = []
        room.day_sessions.append(session)
    return sorted(rooms.values(), key=lambda room: (room.hall.order, room.hall.code, room.order, room.name))


SCREEN_NEXT = 4


def hall_screen(*, expo: Expo, hall, now: datetime.datetime, next_count: int = SCREEN_NEXT):
    """What a venue screen in ``hall`` shows at ``now``: the sessions on in its rooms, and the next ``next_count``
    to start there later the same day (cancelled ones among them, shown as such), with rooms and speakers read;
    two queries whatever the number of sessions."""
    _start, day_end = _day_bounds(expo=expo, day=now.astimezone(ZoneInfo(expo.time_zone)).date())
    sessions = list(
        Session.objects.filter(expo=expo, room__hall=hall, ends_at__gt=now, starts_at__lt=day_end)
        .select_related("room")
        .prefetch_related(_speakers_prefetch())
        .order_by("starts_at", "room__order", "pk")
    )
    current = [session for session in sessions if session.starts_at <= now and not session.is_cancelled]
    upcoming = [session for session in sessions if session.starts_at > now][:next_count]
    return current, upcoming


def session_public(*, expo: Expo, pk: int) -> Session:
    """One session of ``expo`` for its public page; a 404 for any other."""
    session = (
        Session.objects.filter(expo=expo, pk=pk)
        .select_related("room__hall")
        .prefetch_related(_speakers_prefetch(), "sectors")
        .first()
    )
    if session is None:
        raise Http404
    return session


def speaker_public(*, expo: Expo, pk: int) -> Speaker:
    """One speaker of ``expo`` with the sessions they speak at, for their public page; a 404 for any other."""
    speaker = (
        Speaker.objects.filter(expo=expo, pk=pk)
        .prefetch_related(
            Prefetch(
                "sessionspeaker_set",
                queryset=SessionSpeaker.objects.select_related("session__room__hall").order_by("session__starts_at"),
                to_attr="session_links",
            )
        )
        .first()
    )
    if speaker is None:
        raise Http404
    return speaker


def programme_sectors(*, expo: Expo) -> QuerySet[Sector]:
    """The sectors some session of ``expo`` is tagged with: the timetable's sector filter."""
    return Sector.objects.filter(pk__in=Session.sectors.through.objects.filter(session__expo=expo).values("sector_id"))


# --- RSVP -----------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    """Something a person already has at a session's time: a session they have a place at, or a B2B meeting."""

    display_title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    is_meeting: bool = False


def _meeting_clashes(registration) -> list[Clash]:
    """``registration``'s B2B meetings still on, from the sources of the personal calendar."""
    from . import calendar

    owner = calendar.Owner(expo=registration.expo, registration=registration)
    return [
        Clash(entry.display_title, entry.starts_at, entry.ends_at, is_meeting=True)
        for entry in calendar.added_entries(owner)
        if entry.is_meeting and entry.status != calendar.CANCELLED
    ]


def rsvp_clashes(*, registration, session: Session) -> list[Clash]:
    """What ``registration`` has at the time of ``session``: confirmed or waitlisted places at other sessions that
    overlap it, then B2B meetings that overlap it."""
    from .models import Rsvp

    rsvps = (
        Rsvp.objects.filter(
            registration=registration,
            session__in=sessions_overlapping(starts_at=session.starts_at, ends_at=session.ends_at).exclude(
                pk=session.pk
            ),
        )
        .exclude(status=Rsvp.Status.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )
    places = [Clash(rsvp.session.display_title, rsvp.session.starts_at, rsvp.session.ends_at) for rsvp in rsvps]
    meetings = [
        clash
        for clash in _meeting_clashes(registration)
        if clash.starts_at < session.ends_at and session.starts_at < clash.ends_at
    ]
    return places + meetings


def rsvp_sessions(*, registration) -> list[Session]:
    """The sessions of ``registration``'s edition that need RSVP, in time order, each with ``rsvp`` (the person's,
    or None) and ``clashes_with`` (their other places and their B2B meetings at the same time, each with a
    ``display_title``), in a fixed number of queries."""
    from .models import Rsvp

    sessions = list(
        Session.objects.filter(expo_id=registration.expo_id, rsvp_required=True)
        .select_related("room__hall")
        .order_by("starts_at", "pk")
    )
    mine = {
        rsvp.session_id: rsvp
        for rsvp in Rsvp.objects.filter(registration=registration, session__in=sessions).exclude(
            status=Rsvp.Status.CANCELLED
        )
    }
    meetings = _meeting_clashes(registration)
    for session in sessions:
        session.rsvp = mine.get(session.pk)
        places = [other for other in sessions if other.pk != session.pk and other.pk in mine]
        session.clashes_with = [
            other
            for other in [*places, *meetings]
            if other.starts_at < session.ends_at and session.starts_at < other.ends_at
        ]
    return sessions


def calendar_sessions(*, expo: Expo, registration=None, user=None) -> list[tuple[Session, bool]]:
    """(session, waitlisted) for the sessions of ``expo`` on a person's calendar, with room, hall and edition read:
    those ``registration`` has a confirmed or waitlisted place at, and those a speaker profile of ``registration``
    or of ``user`` speaks at. Two queries at most, whatever the number of sessions."""
    from .models import Rsvp

    found: list[tuple[Session, bool]] = []
    if registration is not None:
        rsvps = (
            Rsvp.objects.filter(registration=registration, session__expo=expo)
            .exclude(status=Rsvp.Status.CANCELLED)
            .select_related("session__room__hall", "session__expo")
        )
        found += [(rsvp.session, rsvp.status == Rsvp.Status.WAITLISTED) for rsvp in rsvps]
    speaking = Q(speaker__registration=registration) if registration is not None else Q()
    if user is not None:
        speaking = Q(speaker__members=user) if registration is None else speaking | Q(speaker__members=user)
    if registration is not None or user is not None:
        links = (
            SessionSpeaker.objects.filter(speaking, session__expo=expo, speaker__expo=expo)
            .select_related("session__room__hall", "session__expo")
            .distinct()
        )
        found += [(link.session, False) for link in links]
    return found


def calendar_feed_owner(*, token_hash: str) -> dict | None:
    """Whose calendar the token's hash opens, as keyword arguments of ``calendar.Owner``; None for a link that
    was revoked or never made, and for a member's link once they no longer belong to the exhibitor."""
    from .models import CalendarFeed, MemberCalendarFeed

    feed = CalendarFeed.objects.filter(token_hash=token_hash).select_related("registration__expo").first()
    if feed is not None:
        return {"expo": feed.registration.expo, "registration": feed.registration}
    member_feed = (
        MemberCalendarFeed.objects.filter(
            token_hash=token_hash,
            user__is_active=True,
            exhibitor__exhibitormembership__user=F("user"),
        )
        .select_related("exhibitor__expo", "user")
        .first()
    )
    if member_feed is None:
        return None
    return {"expo": member_feed.exhibitor.expo, "exhibitor": member_feed.exhibitor, "user": member_feed.user}


def member_calendar_feed(*, exhibitor, user):
    """``user``'s calendar feed for ``exhibitor`` (when and whether one was issued), or None."""
    from .models import MemberCalendarFeed

    return MemberCalendarFeed.objects.filter(exhibitor=exhibitor, user=user).first()


# --- Matchmaking ------------------------------------------------------------------


def meeting_breaks(expo) -> list[tuple[datetime.datetime, datetime.datetime, str]]:
    """(start, end, label) of the times the B2B meeting scheduler keeps free for ``expo``: the ceremonies, the
    awards ceremony and every session marked "no meetings during", unless cancelled. The hook matchmaking calls."""
    from django.db.models import Q

    sessions = Session.objects.filter(expo=expo, cancelled_at__isnull=True).filter(
        Q(kind__in=[Session.Kind.CEREMONY, Session.Kind.AWARDS]) | Q(no_meetings_during=True)
    )
    return [(session.starts_at, session.ends_at, session.title) for session in sessions.order_by("starts_at", "pk")]


# --- Session check-in -------------------------------------------------------------


def door_sessions(*, expo: Expo, day: datetime.date) -> list[Session]:
    """The sessions of ``expo`` on ``day`` that are still on, by room and then time, for a session door to choose
    from and to judge scans offline: each with ``rsvp_numbers`` (the badge numbers with a confirmed RSVP),
    ``confirmed_rsvps`` (every confirmed RSVP, with a badge yet or not: the places a door holds until the start)
    and ``present`` (badge number → first scan's time), in a fixed number of queries."""
    from .models import Attendance, Rsvp

    start, end = _day_bounds(expo=expo, day=day)
    sessions = list(
        Session.objects.filter(expo=expo, starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True)
        .select_related("room__hall")
        .order_by("room__hall__order", "room__hall__code", "room__order", "room__name", "starts_at", "pk")
    )
    for session in sessions:
        session.rsvp_numbers, session.confirmed_rsvps, session.present = [], 0, {}
    by_pk = {session.pk: session for session in sessions}
    confirmed = Rsvp.objects.filter(session__in=sessions, status=Rsvp.Status.CONFIRMED).values_list(
        "session_id", "registration__badge__number"
    )
    for session_id, number in confirmed:
        by_pk[session_id].confirmed_rsvps += 1
        if number is not None:
            by_pk[session_id].rsvp_numbers.append(number)
    for session_id, number, at in Attendance.objects.filter(session__in=sessions).values_list(
        "session_id", "badge__number", "scanned_at"
    ):
        by_pk[session_id].present[number] = at
    return sessions


def door_session(*, expo: Expo, pk) -> Session | None:
    """The session ``pk`` of ``expo``, with its room and edition, or None for one of another edition or none."""
    return Session.objects.filter(expo=expo, pk=pk).select_related("room__hall", "expo").first()


def attendance_day(*, expo: Expo, day: datetime.date) -> list[Session]:
    """The sessions of ``expo`` on ``day`` (cancelled ones included) in time order, each with ``checked_in`` and
    ``confirmed_rsvps`` counted, and its room's seats, in one query."""
    from .models import Attendance, Rsvp

    start, end = _day_bounds(expo=expo, day=day)
    return list(
        Session.objects.filter(expo=expo, starts_at__gte=start, starts_at__lt=end)
        .select_related("room__hall")
        .annotate(
            checked_in=_count(Attendance.objects.filter(session=OuterRef("pk"))),
            confirmed_rsvps=_count(Rsvp.objects.filter(session=OuterRef("pk"), status=Rsvp.Status.CONFIRMED)),
        )
        .order_by("starts_at", "room__order", "pk")
    )


def _count(queryset: QuerySet) -> Subquery:
    """The number of rows of ``queryset`` (filtered on an ``OuterRef``) as a subquery: counting two relations by
    joins would multiply one by the other."""
    return Coalesce(
        Subquery(queryset.order_by().values("session").annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def session_attendance(*, expo: Expo, pk: int):
    """Session ``pk`` of ``expo`` with its counts, who came (with their badges) and who had a confirmed RSVP but
    has not come (with their registrations and badges); a 404 for a session of another edition or none."""
    from .models import Attendance, Rsvp

    session = (
        Session.objects.filter(expo=expo, pk=pk)
        .select_related("room__hall")
        .annotate(confirmed_rsvps=_count(Rsvp.objects.filter(session=OuterRef("pk"), status=Rsvp.Status.CONFIRMED)))
        .first()
    )
    if session is None:
        raise Http404
    present = list(Attendance.objects.filter(session=session).select_related("badge").order_by("scanned_at", "pk"))
    absent = list(
        Rsvp.objects.filter(session=session, status=Rsvp.Status.CONFIRMED)
        .exclude(registration__badge__in=Attendance.objects.filter(session=session).values("badge"))
        .select_related("registration__badge")
        .order_by("registration__full_name", "pk")
    )
    return session, present, absent
