"""Reads of the matchmaking app, and its one permission check: ``actor_for``.

Everything a participant opens starts from ``actor_for``: a member of the exhibitor, or the holder of a
registration's signed manage link whose privileged category the desk has confirmed. Anyone else gets a 404,
exactly like for a page that does not exist; requests are then loaded *through* the actor's participant, so
another participant's request is a 404 too.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from exhibitors import selectors as exhibitor_selectors
from exhibitors.models import Exhibitor
from expo.models import Expo, User
from pavilions.models import StallAllocation
from visitors import links
from visitors.models import Registration

from . import scheduler
from .models import (
    MATCHMAKING_CATEGORIES,
    MatchmakingSettings,
    Meeting,
    MeetingAttendance,
    MeetingRequest,
    Participant,
    SchedulerRun,
    Slot,
    Table,
)


@dataclass(frozen=True)
class Actor:
    """Who acts on a matchmaking page: an exhibitor (through a member) or a confirmed visitor (through the link)."""

    expo: Expo
    exhibitor: Exhibitor | None = None
    registration: Registration | None = None
    token: str = ""  # the visitor's signed manage token, the only key to their pages
    participant: Participant | None = None

    @property
    def is_exhibitor(self) -> bool:
        return self.exhibitor is not None

    @property
    def name(self) -> str:
        return self.exhibitor.name if self.exhibitor else self.registration.organisation or self.registration.full_name

    def url(self, name: str, *args) -> str:
        """The URL of the matchmaking page ``name`` for this actor (``mm_exhibitor_<name>`` or ``mm_visitor_…``)."""
        if self.exhibitor:
            return reverse(f"mm_exhibitor_{name}", args=[self.exhibitor.pk, *args])
        return reverse(f"mm_visitor_{name}", args=[self.token, *args])


def registration_can_take_part(registration: Registration) -> bool:
    """A confirmed registration whose privileged category the registration desk has confirmed: the declaration
    alone never counts."""
    return (
        registration.status == Registration.Status.CONFIRMED
        and registration.category in MATCHMAKING_CATEGORIES
        and registration.category_status == Registration.CategoryStatus.CONFIRMED
    )


def actor_for(user: User, *, exhibitor_pk: int | None = None, token: str | None = None) -> Actor:
    """The actor of a matchmaking page, or a 404 for anyone who may not act there."""
    if exhibitor_pk is not None:
        exhibitor = exhibitor_selectors.exhibitor_for_user(user, exhibitor_pk)
        participant = Participant.objects.filter(exhibitor=exhibitor).first()
        return Actor(expo=exhibitor.expo, exhibitor=exhibitor, participant=participant)
    registration = links.registration_for_token(token or "")
    if registration is None or not registration_can_take_part(registration):
        raise Http404
    participant = Participant.objects.filter(registration=registration).first()
    return Actor(expo=registration.expo, registration=registration, token=token, participant=participant)


def settings_for(expo: Expo) -> MatchmakingSettings:
    """The expo's matchmaking settings; the defaults when staff have not set any."""
    return MatchmakingSettings.objects.filter(expo=expo).first() or MatchmakingSettings(expo=expo)


def meeting_slots(expo: Expo) -> QuerySet[Slot]:
    return Slot.objects.filter(expo=expo, kind=Slot.Kind.MEETING).order_by("start")


def default_slots(*, expo: Expo, registration: Registration | None) -> list[Slot]:
    """The meeting slots someone can meet in unless they block some: a visitor on the days confirmed for them,
    an exhibitor (no registration) every meeting slot."""
    slots = list(meeting_slots(expo))
    if registration is None:
        return slots
    days = set(registration.days.filter(status=Registration.Status.CONFIRMED).values_list("date", flat=True))
    return [slot for slot in slots if timezone.localtime(slot.start).date() in days]


def available_slot_ids(*, participant: Participant) -> set[int]:
    offered = default_slots(expo=participant.expo, registration=participant.registration)
    blocked = set(participant.blocks.values_list("slot_id", flat=True))
    return {slot.pk for slot in offered if slot.pk not in blocked}


def requests_of(*, participant: Participant) -> QuerySet[MeetingRequest]:
    """The requests ``participant`` sent or received, with both sides, newest first."""
    return (
        MeetingRequest.objects.filter(Q(sender=participant) | Q(receiver=participant))
        .select_related("sender__exhibitor", "sender__registration", "receiver__exhibitor", "receiver__registration")
        .order_by("-created_at", "-pk")
    )


def request_for(*, actor: Actor, pk: int) -> MeetingRequest:
    """The request ``pk`` if the actor sent or received it; 404 otherwise."""
    if actor.participant is None:
        raise Http404
    found = requests_of(participant=actor.participant).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def sent_count(*, participant: Participant) -> int:
    """The requests that count against the cap: every one sent, except those withdrawn."""
    return participant.sent_requests.exclude(status=MeetingRequest.Status.WITHDRAWN).count()


def _open_with(participant: Participant):
    return MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN).filter(
        Q(sender=participant, receiver=OuterRef("pk")) | Q(receiver=participant, sender=OuterRef("pk"))
    )


def exhibitors_to_meet(*, actor: Actor) -> QuerySet[Exhibitor]:
    """Listed exhibitors of the expo that take part (all do unless they opted out), the actor's own left out,
    with ``asked`` true where a request between the two still stands."""
    exhibitors = (
        Exhibitor.objects.filter(expo=actor.expo, listed=True)
        .exclude(participant__active=False)
        .select_related("cluster__sector")
        .order_by("name", "pk")
    )
    if actor.exhibitor:
        exhibitors = exhibitors.exclude(pk=actor.exhibitor.pk)
    if actor.participant:
        standing = MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN).filter(
            Q(sender=actor.participant, receiver__exhibitor=OuterRef("pk"))
            | Q(receiver=actor.participant, sender__exhibitor=OuterRef("pk"))
        )
        return exhibitors.annotate(asked=Exists(standing))
    return exhibitors


def visitors_to_meet(*, actor: Actor) -> QuerySet[Participant]:
    """The buyers, investors and delegations taking part, for an exhibitor: their public profile fields only."""
    participants = (
        Participant.objects.filter(expo=actor.expo, kind=Participant.Kind.VISITOR, active=True)
        .only("pk", "organisation", "country", "product_keywords", "hs_codes", "volume", "target_markets", "languages")
        .prefetch_related(Prefetch("clusters"), Prefetch("sectors"))
        .order_by("organisation", "pk")
    )
    if actor.participant:
        return participants.annotate(asked=Exists(_open_with(actor.participant)))
    return participants


def contact_of(participant: Participant) -> dict[str, str]:
    """How to reach a participant: shown to the other side only once the meeting is agreed."""
    if participant.registration_id:
        registration = participant.registration
        return {"name": registration.full_name, "email": registration.email, "phone": registration.phone}
    exhibitor = participant.exhibitor
    return {
        "name": exhibitor.name,
        "email": exhibitor.public_email,
        "phone": exhibitor.public_phone or exhibitor.whatsapp,
    }


def member_emails(exhibitor: Exhibitor) -> list[str]:
    return list(exhibitor.members.filter(is_active=True).order_by("pk").values_list("email", flat=True))


# --- The scheduler's input ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchedulerInputs:
    """The scheduler's ``Instance`` read from the database, and how its ids map back to rows."""

    instance: scheduler.Instance
    participant_pks: dict[str, int]  # the instance's participant id -> Participant pk
    request_pairs: dict[int, tuple[int, int]]  # request pk -> (sender pk, receiver pk)


def participant_key(participant: Participant) -> str:
    """A participant's id in the scheduler: readable in its reasons, unique by the primary key."""
    return f"{participant.organisation} (P{participant.pk})"


def scheduler_inputs(*, expo: Expo, participant_pks: set[int] | None = None) -> SchedulerInputs:
    """The one adapter from the database to the scheduler: meeting slots; tables; the accepted requests (of
    ``participant_pks`` only, when given) with the weight of their priority; their participants, each available
    in the default slots minus their blocks; and every scheduled meeting of those requests, fixed as it is."""
    rules = settings_for(expo)
    slots = list(meeting_slots(expo))
    requests = MeetingRequest.objects.filter(expo=expo, status=MeetingRequest.Status.ACCEPTED)
    if participant_pks is not None:
        requests = requests.filter(Q(sender_id__in=participant_pks) | Q(receiver_id__in=participant_pks))
    requests = list(requests.order_by("pk"))
    involved = {pk for request in requests for pk in (request.sender_id, request.receiver_id)}
    participants = list(
        Participant.objects.filter(pk__in=involved)
        .select_related("registration")
        .prefetch_related("blocks", "registration__days")
        .order_by("pk")
    )
    keys = {participant.pk: participant_key(participant) for participant in participants}
    every_slot = {slot.pk for slot in slots}
    days_of = {slot.pk: timezone.localtime(slot.start).date() for slot in slots}
    scheduler_participants = []
    for participant in participants:
        if participant.registration_id:
            days = {
                day.date for day in participant.registration.days.all() if day.status == Registration.Status.CONFIRMED
            }
            offered = {pk for pk in every_slot if days_of[pk] in days}
        else:
            offered = set(every_slot)
        blocked = {block.slot_id for block in participant.blocks.all()}
        available = tuple(pk for pk in sorted(offered - blocked))
        scheduler_participants.append(scheduler.Participant(keys[participant.pk], available))
    fixed = Meeting.objects.filter(request__in=requests, state__in=Meeting.STANDING).order_by("pk")
    return SchedulerInputs(
        instance=scheduler.Instance(
            slots=tuple(scheduler.Slot(slot.pk, slot.start, slot.end) for slot in slots),
            tables=tuple(Table.objects.filter(expo=expo).order_by("number").values_list("pk", flat=True)),
            participants=tuple(scheduler_participants),
            requests=tuple(
                scheduler.Request(
                    request.pk,
                    keys[request.sender_id],
                    keys[request.receiver_id],
                    rules.weight(request.priority),
                    at_stall=request.at_stall,
                )
                for request in requests
            ),
            locked=tuple(scheduler.Locked(m.request_id, m.slot_id, m.table_id) for m in fixed),
        ),
        participant_pks={key: pk for pk, key in keys.items()},
        request_pairs={request.pk: (request.sender_id, request.receiver_id) for request in requests},
    )


def scheduler_runs(*, expo: Expo) -> QuerySet[SchedulerRun]:
    return SchedulerRun.objects.filter(expo=expo).select_related("started_by").order_by("-created_at", "-pk")


def scheduler_run_for(*, expo: Expo, pk: int) -> SchedulerRun:
    run = SchedulerRun.objects.filter(expo=expo, pk=pk).first()
    if run is None:
        raise Http404
    return run


def meetings_of_expo(*, expo: Expo) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(expo=expo, state=Meeting.State.SCHEDULED)
        .select_related("slot", "table", "request__sender", "request__receiver")
        .order_by("slot__start", "table__number", "pk")
    )


# --- Agendas ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    meeting: Meeting
    other: Participant
    stall_codes: tuple[str, ...]  # the exhibitor's stalls, for a meeting at the stall
    contact: dict[str, str]
    i_am_recorded: bool = False  # this side's badge scanned or its word given (``matchmaking.attendance``)
    over: bool = False  # the slot has ended: a no-show may be reported


def agenda_of(*, participant: Participant) -> list[AgendaItem]:
    """The participant's scheduled meetings in time order: who, when, where, and the other side's contact (the
    meeting is agreed). A constant number of queries whatever the number of meetings: the meetings (whether this
    side is recorded is a subquery), the other sides' clusters, and the stalls of the meetings at a stall; each
    of the last two only for what the agenda shows, read once for all the meetings."""
    meetings = list(
        Meeting.objects.filter(seats__participant=participant, state__in=Meeting.STANDING)
        .select_related(
            "slot",
            "table",
            "request__sender__exhibitor",
            "request__sender__registration",
            "request__receiver__exhibitor",
            "request__receiver__registration",
        )
        .annotate(
            recorded_here=Exists(MeetingAttendance.objects.filter(meeting=OuterRef("pk"), participant=participant))
        )
        .order_by("slot__start", "pk")
    )
    others = [
        meeting.request.receiver if meeting.request.sender_id == participant.pk else meeting.request.sender
        for meeting in meetings
    ]
    prefetch_related_objects(others, "clusters")
    # The exhibitor whose stall hosts a meeting at the stall: the sender's if it is one, else the receiver's.
    hosts = {
        meeting.pk: meeting.request.sender.exhibitor_id or meeting.request.receiver.exhibitor_id
        for meeting in meetings
        if meeting.at_stall
    }
    stall_codes: dict[int, list[str]] = {}
    if any(hosts.values()):
        allocations = StallAllocation.objects.filter(exhibitor_id__in=set(hosts.values()) - {None})
        for exhibitor_id, code in allocations.values_list("exhibitor_id", "stall__code"):
            stall_codes.setdefault(exhibitor_id, []).append(code)
    now = timezone.now()
    return [
        AgendaItem(
            meeting=meeting,
            other=other,
            stall_codes=tuple(sorted(stall_codes.get(hosts.get(meeting.pk), ()))),
            contact=contact_of(other),
            i_am_recorded=meeting.recorded_here,
            over=meeting.slot.end <= now,
        )
        for meeting, other in zip(meetings, others, strict=True)
    ]


def cancelled_meetings_of(*, participant: Participant) -> list[Meeting]:
    """The latest cancelled meeting of each of ``participant``'s requests that has no scheduled meeting now (a
    cancelled meeting has no seats left: it is found through its request), with both sides read."""
    meetings = (
        Meeting.objects.filter(
            Q(request__sender=participant) | Q(request__receiver=participant), state=Meeting.State.CANCELLED
        )
        .exclude(request__meetings__state__in=Meeting.STANDING)
        .select_related("slot", "table", "request__sender", "request__receiver")
        .order_by("request_id", "-updated_at", "-pk")
    )
    latest: dict[int, Meeting] = {}
    for meeting in meetings:
        latest.setdefault(meeting.request_id, meeting)
    return list(latest.values())


def accepted_unscheduled(*, expo: Expo) -> QuerySet[MeetingRequest]:
    """Accepted requests that have no scheduled meeting: what a run or the desk has still to place."""
    return (
        MeetingRequest.objects.filter(expo=expo, status=MeetingRequest.Status.ACCEPTED)
        .exclude(meetings__state__in=Meeting.STANDING)
        .select_related("sender", "receiver")
        .order_by("pk")
    )
