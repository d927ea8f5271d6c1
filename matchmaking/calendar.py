"""B2B meetings as calendar entries, written by the portal's one calendar writer (``programme.calendar``).

Each meeting's UID is made from its request, so that a calendar app that reads the feed again updates the
meeting it already has when the desk moves it (or books it again after a cancellation), rather than adding a
second one; a request whose meeting was cancelled and not booked again stays in the feed marked CANCELLED.
``meeting_entries`` is registered (``apps.MatchmakingConfig.ready``) as a source of every person's calendar:
a visitor's feed and an exhibitor member's feed carry their meetings beside their sessions.
"""

from django.utils.translation import gettext as _

from programme import calendar
from programme.calendar import Entry, Owner

from . import selectors
from .models import Meeting, Participant


def meeting_uid(meeting: Meeting) -> str:
    return f"b2b-meeting-{meeting.request_id}@{calendar.UID_DOMAIN}"


def _entry(meeting: Meeting, *, other: Participant, venue: str, stall_codes=(), contact=None) -> Entry:
    if meeting.table_id:
        where = _("%(table)s, B2B lounge, %(venue)s") % {"table": meeting.table, "venue": venue}
    else:
        where = _("Stall %(codes)s, %(venue)s") % {"codes": ", ".join(stall_codes) or "—", "venue": venue}
    cancelled = meeting.state == Meeting.State.CANCELLED
    contact = contact or {}
    return Entry(
        uid=meeting_uid(meeting),
        summary=_("B2B meeting with %(name)s") % {"name": other.organisation},
        starts_at=meeting.slot.start,
        ends_at=meeting.slot.end,
        location=where,
        updated_at=meeting.updated_at,
        # Grows with every booking, move or cancellation of the request's meetings, whichever row holds it.
        sequence=int((meeting.updated_at - meeting.request.created_at).total_seconds()),
        status=calendar.CANCELLED if cancelled else calendar.CONFIRMED,
        description=" · ".join(value for value in (contact.get(key) for key in ("name", "email", "phone")) if value),
        is_meeting=True,
    )


def agenda_entries(*, items: list[selectors.AgendaItem], expo) -> list[Entry]:
    """The entries of a participant's scheduled meetings (``selectors.agenda_of``), the other side's contact in each."""
    return [
        _entry(item.meeting, other=item.other, venue=expo.venue, stall_codes=item.stall_codes, contact=item.contact)
        for item in items
    ]


def agenda_ics(*, items: list[selectors.AgendaItem], expo) -> bytes:
    """A participant's agenda as an iCalendar file."""
    return calendar.write(
        expo=expo,
        entries=agenda_entries(items=items, expo=expo),
        name=_("B2B meetings · %(expo)s") % {"expo": expo.name},
    )


def meeting_entries(owner: Owner) -> list[Entry]:
    """The B2B meetings on ``owner``'s calendar: those of the participant that is their registration or their
    exhibitor, scheduled ones with the other side's contact, then requests whose meeting was cancelled."""
    if owner.registration is not None:
        participant = Participant.objects.filter(registration=owner.registration, expo=owner.expo).first()
    elif owner.exhibitor is not None:
        participant = Participant.objects.filter(exhibitor=owner.exhibitor, expo=owner.expo).first()
    else:
        participant = None
    if participant is None:
        return []
    entries = agenda_entries(items=selectors.agenda_of(participant=participant), expo=owner.expo)
    for meeting in selectors.cancelled_meetings_of(participant=participant):
        other = meeting.request.receiver if meeting.request.sender_id == participant.pk else meeting.request.sender
        entries.append(_entry(meeting, other=other, venue=owner.expo.venue))
    return entries
