"""A person's programme as an iCalendar feed (RFC 5545), made with the icalendar package.

Each event keeps one UID whatever changes (the session's id), times carry the edition's time zone with its
VTIMEZONE, a cancelled session stays in the feed marked CANCELLED so that calendars remove it, and a place
still on the waiting list is TENTATIVE.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

UID_DOMAIN = "programme.sme-cluster-expo"


def session_uid(session) -> str:
    return f"session-{session.pk}@{UID_DOMAIN}"


def feed(*, expo, rsvps, now=None) -> bytes:
    """The feed of ``rsvps`` (with their sessions, rooms and halls read) for ``expo``."""
    zone = ZoneInfo(expo.time_zone)
    calendar = Calendar()
    calendar.add("prodid", "-//SME Cluster Expo//Programme//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", expo.name)
    calendar.add("x-wr-timezone", expo.time_zone)
    stamp = now or timezone.now()
    for rsvp in rsvps:
        session = rsvp.session
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", stamp)
        event.add("last-modified", session.updated_at)
        event.add("summary", session.title)
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add("location", f"{session.room.name}, {session.room.hall.name}, {expo.venue}")
        if session.abstract:
            event.add("description", session.abstract)
        if session.is_cancelled:
            event.add("status", "CANCELLED")
        elif rsvp.status == "waitlisted":
            event.add("status", "TENTATIVE")
        else:
            event.add("status", "CONFIRMED")
        # A calendar takes the latest version of an event by its sequence: raised with every change.
        event.add("sequence", int(session.updated_at.timestamp()) - int(session.created_at.timestamp()))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
