"""Reads behind the outcome pages: a side's meeting, a visitor's leads through their manage link, a lead's history.

Exhibitors reach leads through ``lead_access`` (membership of the exhibitor). A visitor has no account: their
signed manage link is the only key, and it opens only the leads in which they are the person (the scanned visitor
or a meeting's counterpart). Anything else is a 404, like a lead that does not exist.

A lead's history is read through ``history_lines`` for one side: each side sees its own notes and every change
of status or value with the side that made it, never the other side's notes, which member of the exhibitor
recorded something (for the visitor), or SMEDA staff's notes.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor
from visitors import links
from visitors.models import Registration

from .lead_access import LEAD_RELATED
from .models import Lead, LeadEvent, Meeting
from .selectors import Actor

# Meetings that took place or may have: an outcome is recorded once the slot has begun.
OUTCOME_STATES = (Meeting.State.SCHEDULED, Meeting.State.HELD)


def meeting_for_outcome(*, actor: Actor, pk: int) -> tuple[Meeting, Exhibitor]:
    """The meeting ``pk`` of the actor's participant with the exhibitor whose lead it makes: the actor's own
    exhibitor, or for a visitor the exhibitor met. 404 for a meeting of others, cancelled, or with no exhibitor."""
    if actor.participant is None:
        raise Http404
    participant = actor.participant
    meeting = (
        Meeting.objects.filter(Q(request__sender=participant) | Q(request__receiver=participant), pk=pk)
        .filter(state__in=OUTCOME_STATES)
        .select_related(
            "expo",
            "slot",
            "request__sender__exhibitor",
            "request__receiver__exhibitor",
            "request__sender__registration",
            "request__receiver__registration",
        )
        .first()
    )
    if meeting is None:
        raise Http404
    request = meeting.request
    other = request.receiver if request.sender_id == participant.pk else request.sender
    exhibitor = actor.exhibitor or other.exhibitor
    if exhibitor is None:
        raise Http404
    return meeting, exhibitor


def meeting_started(meeting: Meeting) -> bool:
    return meeting.slot.start <= timezone.now()


def meeting_lead_of(*, meeting: Meeting, exhibitor: Exhibitor) -> Lead | None:
    return Lead.objects.filter(meeting=meeting, exhibitor=exhibitor).select_related(*LEAD_RELATED).first()


def registration_for(token: str) -> Registration:
    """The registration of a manage link; 404 for a link that was altered or never made."""
    registration = links.registration_for_token(token)
    if registration is None:
        raise Http404
    return registration


def visitor_leads(registration: Registration) -> QuerySet[Lead]:
    """The leads in which the registration's person is the visitor, newest first, with the exhibitor."""
    return (
        Lead.objects.filter(Q(registration=registration) | Q(counterpart__registration=registration))
        .select_related("exhibitor", "meeting__slot")
        .order_by("-created_at", "-pk")
    )


def visitor_lead_for(*, token: str, pk: int) -> tuple[Registration, Lead]:
    registration = registration_for(token)
    lead = visitor_leads(registration).select_related(*LEAD_RELATED).filter(pk=pk).first()
    if lead is None:
        raise Http404
    return registration, lead


@dataclass(frozen=True)
class HistoryLine:
    """One event of a lead's history as one side may read it."""

    at: datetime.datetime
    who: str  # the side that recorded it, in the reader's words ("you", "the exhibitor", "SMEDA staff")
    by: str  # the member who recorded it: only on the exhibitor's own lines, read by the exhibitor
    status_from: str
    status_to: str
    value_amount: Decimal | None
    value_currency: str
    note: str


def _who(event_side: str, viewer: str) -> str:
    if event_side == viewer:
        return _("you")
    if event_side == LeadEvent.Side.STAFF:
        return _("SMEDA staff")
    if event_side == LeadEvent.Side.EXHIBITOR:
        return _("the exhibitor")
    return _("the visitor")


def history_lines(events: Iterable[LeadEvent], *, viewer: str) -> list[HistoryLine]:
    """``events`` as the ``viewer`` side ("exhibitor" or "visitor") may read them, in the order given.

    Notes are private to the side that wrote them: another side's event shows only what it changed (status,
    value) and is left out when it changed nothing. The exhibitor's member is named only to the exhibitor.
    """
    labels = dict(Lead.Status.choices)
    lines = []
    for event in events:
        own = event.side == viewer
        if not own and not event.status_to and event.value_amount is None:
            continue
        named = own and viewer == LeadEvent.Side.EXHIBITOR and event.by is not None
        lines.append(
            HistoryLine(
                at=event.at,
                who=_who(event.side, viewer),
                by=event.by.get_full_name() if named else "",
                status_from=labels.get(event.status_from, "") if event.status_to else "",
                status_to=labels.get(event.status_to, ""),
                value_amount=event.value_amount,
                value_currency=event.value_currency or "",
                note=event.note if own else "",
            )
        )
    return lines


def lead_history(lead: Lead, *, viewer: str) -> list[HistoryLine]:
    """The lead's dated history, oldest first, as the ``viewer`` side may read it."""
    events = LeadEvent.objects.filter(lead=lead).select_related("by").order_by("at", "pk")
    return history_lines(events, viewer=viewer)
