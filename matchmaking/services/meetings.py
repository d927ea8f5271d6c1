"""Meetings placed by hand: booking, moving, cancelling and swapping them, and the agenda emails they send.

Every change is checked against the scheduler's hard rules and locks the participants' rows first.
"""

import dataclasses

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from expo.models import User
from expo.services import email_queue
from visitors import links

from .. import scheduler, selectors
from ..models import Meeting, MeetingRequest, MeetingSeat, Participant, SchedulerRun, Slot, Table
from .base import MatchmakingError, _lock


def _hand_check(*, meeting_request: MeetingRequest, slot: Slot, table: Table | None, moving: Meeting | None) -> None:
    """Refuse a meeting placed by hand that breaks a hard rule, as the scheduler states them."""
    if slot.expo_id != meeting_request.expo_id or slot.kind != Slot.Kind.MEETING:
        raise MatchmakingError(_("Choose a meeting slot of this expo."), field="slot")
    if table is not None and table.expo_id != meeting_request.expo_id:
        raise MatchmakingError(_("Choose a table of this expo."), field="table")
    if meeting_request.at_stall and table is not None:
        raise MatchmakingError(_("A meeting at the stall takes no table."), field="table")
    if not meeting_request.at_stall and table is None:
        raise MatchmakingError(_("A meeting in the lounge needs a table."), field="table")
    pair = {meeting_request.sender_id, meeting_request.receiver_id}
    inputs = selectors.scheduler_inputs(expo=meeting_request.expo, participant_pks=pair)
    kept = [m for m in inputs.instance.locked if moving is None or m.request != moving.request_id]
    # The table's other meetings in that slot, whoever holds them.
    table_taken = (
        table is not None
        and Meeting.objects.filter(slot=slot, table=table, state__in=Meeting.STANDING)
        .exclude(pk=moving.pk if moving else None)
        .exists()
    )
    if table_taken:
        raise MatchmakingError(_("%(table)s is taken in that slot.") % {"table": table}, field="table")
    instance = dataclasses.replace(inputs.instance, locked=())
    proposed = [scheduler.Meeting(m.request, m.slot, m.table) for m in kept] + [
        scheduler.Meeting(meeting_request.pk, slot.pk, table.pk if table else None)
    ]
    problems = scheduler.check_hard_rules(instance, proposed)
    if problems:
        raise MatchmakingError(
            _("This breaks the meeting rules: %(problems)s") % {"problems": "; ".join(problems)}, field="slot"
        )


def meeting_book(
    *, meeting_request: MeetingRequest, slot: Slot, table: Table | None, by: User | None, site_url: str = ""
) -> Meeting:
    """Place an accepted request by hand. Both participants' rows are locked (in primary key order), so that two
    staff booking one person's slot at once are served one after the other; the seats' unique (participant,
    slot) backs the rule up."""
    with transaction.atomic():
        _lock(meeting_request.sender, meeting_request.receiver)
        current = MeetingRequest.objects.get(pk=meeting_request.pk)
        if current.status != MeetingRequest.Status.ACCEPTED:
            raise MatchmakingError(_("Only an accepted request can be given a meeting."))
        if current.meetings.filter(state__in=Meeting.STANDING).exists():
            raise MatchmakingError(_("This request already has a meeting: move it instead."))
        _hand_check(meeting_request=current, slot=slot, table=table, moving=None)
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    expo=current.expo, request=current, slot=slot, table=table, at_stall=table is None, placed_by=by
                )
                MeetingSeat.objects.bulk_create(
                    MeetingSeat(meeting=meeting, participant_id=pk, slot=slot)
                    for pk in (current.sender_id, current.receiver_id)
                )
        except IntegrityError as error:
            raise MatchmakingError(_("Someone else booked that slot or table a moment ago.")) from error
        if site_url:
            _agenda_notify(participant_ids={current.sender_id, current.receiver_id}, kind="changed", site_url=site_url)
    return meeting


def meeting_move(*, meeting: Meeting, slot: Slot, table: Table | None, by: User | None, site_url: str = "") -> None:
    """Move a meeting by hand under the same rules as a booking; its history keeps where it was."""
    with transaction.atomic():
        request = meeting.request
        _lock(request.sender, request.receiver)
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.state != Meeting.State.SCHEDULED:
            raise MatchmakingError(_("This meeting is cancelled."))
        _hand_check(meeting_request=request, slot=slot, table=table, moving=current)
        try:
            with transaction.atomic():
                current.slot, current.table, current.at_stall, current.placed_by = slot, table, table is None, by
                current.save(update_fields=["slot", "table", "at_stall", "placed_by", "updated_at"])
                MeetingSeat.objects.filter(meeting=current).update(slot=slot)
        except IntegrityError as error:
            raise MatchmakingError(_("Someone else booked that slot or table a moment ago.")) from error
        meeting.slot, meeting.table, meeting.at_stall = slot, table, table is None
        if site_url:
            _agenda_notify(participant_ids={request.sender_id, request.receiver_id}, kind="changed", site_url=site_url)


def meeting_cancel(*, meeting: Meeting, by: User | None, site_url: str = "") -> None:
    """Cancel a meeting: its seats are freed, the request stays accepted (a later run may place it again)."""
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.state != Meeting.State.SCHEDULED:
            raise MatchmakingError(_("This meeting is already cancelled."))
        MeetingSeat.objects.filter(meeting=current).delete()
        current.state, current.placed_by = Meeting.State.CANCELLED, by
        current.save(update_fields=["state", "placed_by", "updated_at"])
        meeting.state = current.state
        if site_url:
            pair = {current.request.sender_id, current.request.receiver_id}
            _agenda_notify(participant_ids=pair, kind="changed", site_url=site_url)


def _replace_places(
    *, moves: list[tuple[Meeting, int, int | None]], by: User | None, run: SchedulerRun | None = None
) -> None:
    """Give each meeting its new (slot, table) at once, inside the caller's transaction.

    Meetings that trade places would clash with each other one row at a time, and the partial unique indexes
    (one meeting per table per slot) cannot be deferred; so the seats are taken away and the meetings stepped
    out of those indexes first (not as a history entry: the update is below the history), then put back in
    their new places. The database checks every constraint again as each row comes back."""
    ids = [meeting.pk for meeting, _slot, _table in moves]
    MeetingSeat.objects.filter(meeting_id__in=ids).delete()
    Meeting.objects.filter(pk__in=ids).update(state=Meeting.State.CANCELLED)
    seats = []
    for meeting, slot_id, table_id in moves:
        meeting.slot_id, meeting.table_id, meeting.at_stall = slot_id, table_id, table_id is None
        meeting.state, meeting.placed_by = Meeting.State.SCHEDULED, by
        fields = ["slot", "table", "at_stall", "state", "placed_by", "updated_at"]
        if run is not None:
            meeting.run = run
            fields.append("run")
        meeting.save(update_fields=fields)
        request = meeting.request
        seats += [
            MeetingSeat(meeting=meeting, participant_id=pk, slot_id=slot_id)
            for pk in (request.sender_id, request.receiver_id)
        ]
    MeetingSeat.objects.bulk_create(seats)


def meeting_swap(*, first: Meeting, second: Meeting, by: User | None, site_url: str = "") -> None:
    """Swap two scheduled meetings of an expo: each takes the other's slot and, when both are in the lounge,
    the other's table (a lounge meeting swapped with a stall meeting keeps its own table). The same hard rules
    as a booking, both participants' rows locked; all four participants are emailed."""
    if first.pk == second.pk:
        raise MatchmakingError(_("Choose another meeting to swap with."), field="other")
    with transaction.atomic():
        requests = [first.request, second.request]
        people = {pk for request in requests for pk in (request.sender_id, request.receiver_id)}
        list(Participant.objects.select_for_update().filter(pk__in=people).order_by("pk"))
        current = {
            meeting.pk: meeting
            for meeting in Meeting.objects.select_for_update(of=("self",))
            .filter(pk__in=[first.pk, second.pk])
            .select_related("slot", "table", "request")
            .order_by("pk")
        }
        one, two = current.get(first.pk), current.get(second.pk)
        if one is None or two is None or one.expo_id != two.expo_id:
            raise MatchmakingError(_("Choose a meeting of this expo."), field="other")
        if Meeting.State.CANCELLED in (one.state, two.state):
            raise MatchmakingError(_("A cancelled meeting cannot be swapped."), field="other")
        both_at_tables = one.table_id is not None and two.table_id is not None
        places = {
            one.pk: (two.slot, two.table if both_at_tables else one.table),
            two.pk: (one.slot, one.table if both_at_tables else two.table),
        }
        for meeting in (one, two):
            slot, table = places[meeting.pk]
            if (
                table is not None
                and Meeting.objects.filter(slot=slot, table=table, state=Meeting.State.SCHEDULED)
                .exclude(pk__in=[one.pk, two.pk])
                .exists()
            ):
                raise MatchmakingError(_("%(table)s is taken in that slot.") % {"table": table}, field="other")
        inputs = selectors.scheduler_inputs(expo=one.expo, participant_pks=people)
        kept = [m for m in inputs.instance.locked if m.request not in {one.request_id, two.request_id}]
        proposed = [scheduler.Meeting(m.request, m.slot, m.table) for m in kept] + [
            scheduler.Meeting(meeting.request_id, places[meeting.pk][0].pk, getattr(places[meeting.pk][1], "pk", None))
            for meeting in (one, two)
        ]
        problems = scheduler.check_hard_rules(dataclasses.replace(inputs.instance, locked=()), proposed)
        if problems:
            raise MatchmakingError(
                _("This breaks the meeting rules: %(problems)s") % {"problems": "; ".join(problems)}, field="other"
            )
        try:
            with transaction.atomic():
                _replace_places(
                    moves=[
                        (meeting, places[meeting.pk][0].pk, getattr(places[meeting.pk][1], "pk", None))
                        for meeting in (one, two)
                    ],
                    by=by,
                )
        except IntegrityError as error:
            raise MatchmakingError(_("Someone else booked that slot or table a moment ago.")) from error
        for meeting in (first, second):
            meeting.slot_id, meeting.table_id = current[meeting.pk].slot_id, current[meeting.pk].table_id
        if site_url:
            _agenda_notify(participant_ids=people, kind="changed", site_url=site_url)


def _agenda_notify(*, participant_ids: set[int], kind: str, site_url: str) -> None:
    """Tell each participant their agenda was published or changed: a visitor at their address with their own
    secret link, an exhibitor's members with the link to its dashboard on ``site_url``."""
    participants = Participant.objects.filter(pk__in=participant_ids).select_related("registration", "exhibitor")
    for participant in participants.order_by("pk"):
        context = {"kind": kind, "recipient": participant, "expo": participant.expo}
        if participant.registration_id:
            registration = participant.registration
            actor = selectors.Actor(
                expo=participant.expo, registration=registration, token=links.manage_token(registration)
            )
            email_queue(
                to=registration.email,
                template="matchmaking_agenda",
                context=context,
                secret_context={"agenda_url": registration.site_url.rstrip("/") + actor.url("agenda")},
                language=registration.language,
            )
            continue
        actor = selectors.Actor(expo=participant.expo, exhibitor=participant.exhibitor)
        url = site_url.rstrip("/") + actor.url("agenda")
        for address in selectors.member_emails(participant.exhibitor):
            email_queue(to=address, template="matchmaking_agenda", context={**context, "agenda_url": url})
