"""A participant's agenda as an iCalendar file: one event per meeting, in Asia/Karachi time.

Each event's UID is made from the request, so that a calendar app that reads the feed again updates the
meeting it already has when the desk moves it, rather than adding a second one.
"""

from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .selectors import AgendaItem


def agenda_ics(*, items: list[AgendaItem], expo, domain: str, time_zone: str) -> bytes:
    zone = ZoneInfo(time_zone)
    calendar = Calendar()
    calendar.add("prodid", "-//SME Cluster Expo Portal//B2B meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("B2B meetings · %(expo)s") % {"expo": expo.name})
    calendar.add("x-wr-timezone", time_zone)
    for item in items:
        meeting = item.meeting
        event = Event()
        event.add("uid", f"b2b-meeting-{meeting.request_id}@{domain}")
        event.add("summary", _("B2B meeting with %(name)s") % {"name": item.other.organisation})
        event.add("dtstart", meeting.slot.start.astimezone(zone))
        event.add("dtend", meeting.slot.end.astimezone(zone))
        event.add("dtstamp", meeting.updated_at)
        event.add("last-modified", meeting.updated_at)
        if meeting.table_id:
            where = _("%(table)s, B2B lounge, %(venue)s") % {"table": meeting.table, "venue": expo.venue}
        else:
            where = _("Stall %(codes)s, %(venue)s") % {"codes": ", ".join(item.stall_codes) or "—", "venue": expo.venue}
        event.add("location", where)
        contact = item.contact
        event.add(
            "description", " · ".join(value for value in (contact["name"], contact["email"], contact["phone"]) if value)
        )
        calendar.add_component(event)
    return calendar.to_ical()
