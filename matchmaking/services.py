"""Writes of the matchmaking app: taking part, availability, and meeting requests with their emails.

Every write runs in one transaction and raises ``MatchmakingError`` with a message a person can read (and the
form field it belongs to, if any); nothing is half done. Requests lock both participants' rows, so that the cap
and the one-open-request-per-pair rule hold when both sides click at once.
"""

import dataclasses
import logging
from collections.abc import Iterable
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor
from expo.models import Cluster, Expo, Sector, User
from expo.services import ExpoError, email_queue
from visitors import links
from visitors.models import Registration

from . import scheduler, selectors, suggest_services
from .models import (
    AvailabilityBlock,
    MatchmakingSettings,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Participant,
    Priority,
    SchedulerRun,
    Slot,
    Table,
)

logger = logging.getLogger(__name__)


class MatchmakingError(ExpoError):
    """A refusal a person can read; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


PROFILE_FIELDS = ("organisation", "country", "product_keywords", "hs_codes", "volume", "target_markets", "languages")


def _profile_set(
    participant: Participant, *, profile: dict[str, str], clusters: Iterable[Cluster], sectors: Iterable[Sector]
) -> None:
    for name in PROFILE_FIELDS:
        setattr(participant, name, profile.get(name, ""))
    participant.delegation_members = profile.get("delegation_members", "") if participant.registration_id else ""
    participant.save()
    participant.clusters.set(clusters)
    participant.sectors.set(sectors)


def participant_join(
    *,
    exhibitor: Exhibitor | None = None,
    registration: Registration | None = None,
    profile: dict[str, str],
    clusters: Iterable[Cluster] = (),
    sectors: Iterable[Sector] = (),
) -> Participant:
    """Make (or update, and take part again) the participant of an exhibitor or of a confirmed registration.

    ``profile`` holds the texts of ``PROFILE_FIELDS`` (and ``delegation_members`` for a visitor).
    """
    if (exhibitor is None) == (registration is None):
        raise ValueError("Give an exhibitor or a registration.")
    if registration is not None and not selectors.registration_can_take_part(registration):
        raise MatchmakingError(_("Only confirmed buyers, investors, banks, officials and delegations take part."))
    with transaction.atomic():
        if exhibitor is not None:
            participant, _created = Participant.objects.select_for_update().get_or_create(
                exhibitor=exhibitor,
                defaults={"expo": exhibitor.expo, "kind": Participant.Kind.EXHIBITOR, "country": "PK"},
            )
        else:
            participant, _created = Participant.objects.select_for_update().get_or_create(
                registration=registration,
                defaults={"expo": registration.expo, "kind": Participant.Kind.VISITOR, "country": registration.country},
            )
        participant.active = True
        _profile_set(participant, profile=profile, clusters=clusters, sectors=sectors)
        suggest_services.suggestions_recompute_soon(expo_id=participant.expo_id)
    return participant


def participant_leave(*, participant: Participant) -> None:
    """Stop taking part: others can no longer ask; requests already made stay as they are."""
    Participant.objects.filter(pk=participant.pk).update(active=False)
    suggest_services.suggestions_recompute_soon(expo_id=participant.expo_id)


def exhibitor_participant_ensure(*, exhibitor: Exhibitor) -> Participant:
    """The exhibitor's participant, made from its directory profile if it has none yet: every exhibitor can be
    asked for a meeting unless it opts out."""
    participant, _created = Participant.objects.get_or_create(
        exhibitor=exhibitor,
        defaults={
            "expo": exhibitor.expo,
            "kind": Participant.Kind.EXHIBITOR,
            "organisation": exhibitor.name,
            "country": "PK",
            "target_markets": exhibitor.export_markets[:200],
        },
    )
    if _created:
        participant.clusters.set([exhibitor.cluster_id])
    return participant


def availability_set(*, participant: Participant, available_slot_ids: Iterable[int], by: User | None = None) -> None:
    """Block every slot the participant could meet in by default but did not keep; ``by`` is the member of the
    desk who set it for them, recorded on the participant."""
    keep = set(available_slot_ids)
    offered = {
        slot.pk for slot in selectors.default_slots(expo=participant.expo, registration=participant.registration)
    }
    if not keep <= offered:
        raise MatchmakingError(_("Choose among the slots offered."), field="slots")
    with transaction.atomic():
        AvailabilityBlock.objects.filter(participant=participant).delete()
        AvailabilityBlock.objects.bulk_create(
            AvailabilityBlock(participant=participant, slot_id=slot_id) for slot_id in sorted(offered - keep)
        )
        Participant.objects.filter(pk=participant.pk).update(availability_set_by=by, availability_set_at=timezone.now())


# --- Requests ----------------------------------------------------------------------------------


def _days(slot_ids: set[int], slots: dict) -> str:
    days = sorted({timezone.localtime(slots[pk].start).date() for pk in slot_ids})
    return ", ".join(formats.date_format(day, "D j M") for day in days)


def _check_common_time(*, asking: Participant, other: Participant) -> None:
    """Refuse a meeting between two participants who share no meeting slot they are both available in ("outside
    availability"), saying why. Before the desk has made any meeting slot there is nothing to hold them against."""
    slots = {slot.pk: slot for slot in selectors.meeting_slots(asking.expo)}
    if not slots:
        return
    mine = selectors.available_slot_ids(participant=asking)
    theirs = selectors.available_slot_ids(participant=other)
    if mine & theirs:
        return
    if not mine:
        message = _("Outside availability: you have no meeting slot open. Open some in your availability first.")
    elif not theirs:
        message = _("Outside availability: %(name)s has no meeting slot open.") % {"name": other}
    else:
        message = _(
            "Outside availability: you can meet on %(mine)s and %(name)s on %(theirs)s, never in the same slot."
        ) % {"mine": _days(mine, slots), "name": other, "theirs": _days(theirs, slots)}
    raise MatchmakingError(message, field="to")


def _lock(*participants: Participant) -> None:
    """Lock the participants' rows in primary key order (the same order everywhere: no deadlock)."""
    list(Participant.objects.select_for_update().filter(pk__in=[p.pk for p in participants]).order_by("pk"))


def _receiver(*, sender: Participant, exhibitor_id: int | None, participant_id: int | None) -> Participant:
    if exhibitor_id is not None:
        exhibitor = Exhibitor.objects.filter(pk=exhibitor_id, expo=sender.expo, listed=True).first()
        if exhibitor is None:
            raise MatchmakingError(_("This exhibitor is not at this expo."), field="to")
        if sender.exhibitor_id == exhibitor.pk:
            raise MatchmakingError(_("You cannot ask yourself for a meeting."), field="to")
        receiver = exhibitor_participant_ensure(exhibitor=exhibitor)
    else:
        receiver = Participant.objects.filter(pk=participant_id, expo=sender.expo).first()
        if receiver is None:
            raise MatchmakingError(_("This participant is not at this expo."), field="to")
    if receiver.pk == sender.pk:
        raise MatchmakingError(_("You cannot ask yourself for a meeting."), field="to")
    if not receiver.active:
        raise MatchmakingError(_("This participant no longer takes meeting requests."), field="to")
    if not sender.is_exhibitor and not receiver.is_exhibitor:
        raise MatchmakingError(_("Visitors ask exhibitors for meetings, not each other."), field="to")
    return receiver


def request_send(
    *,
    sender: Participant,
    exhibitor_id: int | None = None,
    participant_id: int | None = None,
    message: str,
    priority: str,
    at_stall: bool = False,
    by: User | None = None,
    site_url: str,
) -> MeetingRequest:
    """Ask an exhibitor (by ``exhibitor_id``) or another participant for a meeting; the receiver is emailed."""
    if priority not in Priority.values:
        raise MatchmakingError(_("Choose a priority."), field="priority")
    with transaction.atomic():
        receiver = _receiver(sender=sender, exhibitor_id=exhibitor_id, participant_id=participant_id)
        _lock(sender, receiver)
        sender.refresh_from_db()
        if not sender.active:
            raise MatchmakingError(_("You no longer take part in matchmaking."))
        rules = selectors.settings_for(sender.expo)
        if not rules.requests_open:
            raise MatchmakingError(_("Meeting requests are closed for this expo."))
        if selectors.sent_count(participant=sender) >= rules.request_cap:
            raise MatchmakingError(
                _("You have sent the %(cap)s requests allowed; withdraw one to send another.")
                % {"cap": rules.request_cap}
            )
        standing = MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN).filter(
            Q(sender=sender, receiver=receiver) | Q(sender=receiver, receiver=sender)
        )
        if standing.exists():
            raise MatchmakingError(
                _("A request between you and %(name)s already stands.") % {"name": receiver}, field="to"
            )
        _check_common_time(asking=sender, other=receiver)
        meeting_request = MeetingRequest.objects.create(
            expo=sender.expo,
            sender=sender,
            receiver=receiver,
            message=message.strip(),
            priority=priority,
            at_stall=at_stall and (sender.is_exhibitor or receiver.is_exhibitor),
            sent_by=by,
        )
        _notify(meeting_request, to=receiver, kind="received", site_url=site_url)
    return meeting_request


def _decide(
    *,
    meeting_request: MeetingRequest,
    by_participant: Participant,
    status: str,
    reason: str = "",
    by: User | None = None,
    site_url: str,
) -> None:
    with transaction.atomic():
        current = MeetingRequest.objects.select_for_update().get(pk=meeting_request.pk)
        if status == MeetingRequest.Status.WITHDRAWN:
            if current.sender_id != by_participant.pk:
                raise MatchmakingError(_("Only the participant who sent a request can withdraw it."))
            if current.status not in MeetingRequest.OPEN:
                raise MatchmakingError(_("This request is no longer open."))
            if current.meetings.filter(state__in=Meeting.STANDING).exists():
                raise MatchmakingError(_("This meeting is on the agenda: ask the matchmaking desk to cancel it."))
        else:
            if current.receiver_id != by_participant.pk:
                raise MatchmakingError(_("Only the participant who was asked can answer."))
            if current.status != MeetingRequest.Status.PENDING:
                raise MatchmakingError(_("This request has already been answered."))
            if status == MeetingRequest.Status.ACCEPTED:
                _check_common_time(asking=current.receiver, other=current.sender)
        if status == MeetingRequest.Status.DECLINED and reason not in MeetingRequest.DeclineReason.values:
            raise MatchmakingError(_("Choose a reason."), field="reason")
        current.status = status
        current.decline_reason = reason if status == MeetingRequest.Status.DECLINED else ""
        current.decided_at, current.decided_by = timezone.now(), by
        current.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
        meeting_request.status, meeting_request.decline_reason = current.status, current.decline_reason
        other = current.receiver if status == MeetingRequest.Status.WITHDRAWN else current.sender
        _notify(current, to=other, kind=status, site_url=site_url)


# ``by`` on an answer is the member of the desk acting for ``by_participant``, recorded as ``decided_by``.


def request_accept(
    *, meeting_request: MeetingRequest, by_participant: Participant, by: User | None = None, site_url: str
) -> None:
    _decide(
        meeting_request=meeting_request,
        by_participant=by_participant,
        status=MeetingRequest.Status.ACCEPTED,
        by=by,
        site_url=site_url,
    )


def request_decline(
    *, meeting_request: MeetingRequest, by_participant: Participant, reason: str, by: User | None = None, site_url: str
) -> None:
    _decide(
        meeting_request=meeting_request,
        by_participant=by_participant,
        status=MeetingRequest.Status.DECLINED,
        reason=reason,
        by=by,
        site_url=site_url,
    )


def request_withdraw(
    *, meeting_request: MeetingRequest, by_participant: Participant, by: User | None = None, site_url: str
) -> None:
    _decide(
        meeting_request=meeting_request,
        by_participant=by_participant,
        status=MeetingRequest.Status.WITHDRAWN,
        by=by,
        site_url=site_url,
    )


def _notify(meeting_request: MeetingRequest, *, to: Participant, kind: str, site_url: str) -> None:
    """Email ``to`` about the request: the registration's address with their own secret link, or each member of
    the exhibitor with the link to its dashboard on ``site_url``."""
    other = meeting_request.sender if to.pk == meeting_request.receiver_id else meeting_request.receiver
    context = {"kind": kind, "meeting_request": meeting_request, "recipient": to, "other": other}
    if to.registration_id:
        registration = to.registration
        base = registration.site_url.rstrip("/")
        requests_path = selectors.Actor(
            expo=to.expo, registration=registration, token=links.manage_token(registration)
        ).url("requests")
        email_queue(
            to=registration.email,
            template="matchmaking_request",
            context=context,
            secret_context={"requests_url": base + requests_path},
            language=registration.language,
        )
        return
    exhibitor = to.exhibitor
    url = site_url.rstrip("/") + selectors.Actor(expo=to.expo, exhibitor=exhibitor).url("requests")
    for address in selectors.member_emails(exhibitor):
        email_queue(to=address, template="matchmaking_request", context={**context, "requests_url": url})


# --- Scheduler runs ---------------------------------------------------------------------------------


def scheduler_run_start(*, expo: Expo, by: User | None, move_published: bool = False) -> SchedulerRun:
    """Queue a run of the scheduler; a Celery task computes the preview after the transaction commits.

    With ``move_published`` the run may move published meetings (never drop one) when that places more; the
    preview then lists who is moved, and publishing emails them."""
    from .tasks import run_scheduler  # the tasks module imports this one

    with transaction.atomic():
        # One run at a time per expo: the expo's settings row is the lock.
        MatchmakingSettings.objects.get_or_create(expo=expo)
        MatchmakingSettings.objects.select_for_update().get(expo=expo)
        if SchedulerRun.objects.filter(
            expo=expo, status__in=[SchedulerRun.Status.QUEUED, SchedulerRun.Status.RUNNING]
        ).exists():
            raise MatchmakingError(_("A run is already in progress. Wait for its preview."))
        run = SchedulerRun.objects.create(
            expo=expo,
            started_by=by,
            parameters={"work_per_request": scheduler.WORK_PER_REQUEST, "move_published": bool(move_published)},
        )
        transaction.on_commit(partial(run_scheduler.delay, run.pk))
    return run


def _progress(run_id: int, percent: int) -> None:
    SchedulerRun.objects.filter(pk=run_id).update(progress=percent)


def _snapshot(expo: Expo) -> list[list[int | None]]:
    """The scheduled meetings as the run saw them: publishing refuses if they changed since."""
    return [
        [meeting_id, request_id, slot_id, table_id]
        for meeting_id, request_id, slot_id, table_id in Meeting.objects.filter(
            expo=expo, state__in=Meeting.STANDING
        )
        .order_by("pk")
        .values_list("pk", "request_id", "slot_id", "table_id")
    ]


def scheduler_run_execute(*, run_id: int) -> None:
    """Compute a run's preview. Safe to call twice: only a queued run is taken (a conditional update claims it)."""
    if not SchedulerRun.objects.filter(pk=run_id, status=SchedulerRun.Status.QUEUED).update(
        status=SchedulerRun.Status.RUNNING, progress=5
    ):
        return
    run = SchedulerRun.objects.select_related("expo").get(pk=run_id)
    try:
        snapshot = _snapshot(run.expo)
        inputs = selectors.scheduler_inputs(expo=run.expo)
        _progress(run_id, 20)
        work = int(run.parameters.get("work_per_request", scheduler.WORK_PER_REQUEST))
        if run.parameters.get("move_published") and inputs.instance.locked:
            result = _schedule_moving_published(inputs.instance, work=work)
        else:
            result = scheduler.schedule(inputs.instance, work_per_request=work)
        _progress(run_id, 90)
        SchedulerRun.objects.filter(pk=run_id).update(
            status=SchedulerRun.Status.PREVIEW,
            progress=100,
            value=result.value,
            bound=result.bound,
            result=_result_json(inputs, result, snapshot),
            finished_at=timezone.now(),
        )
    except scheduler.ScheduleInputError as error:
        # Input that breaks a rule (a published meeting someone is no longer free for): the record is named.
        SchedulerRun.objects.filter(pk=run_id).update(
            status=SchedulerRun.Status.FAILED, error=error.describe(), finished_at=timezone.now()
        )
    except Exception as error:
        logger.exception("Scheduler run %s failed", run_id)
        SchedulerRun.objects.filter(pk=run_id).update(
            status=SchedulerRun.Status.FAILED, error=str(error), finished_at=timezone.now()
        )


def _keeps_every_one(result: scheduler.Schedule, published: set) -> bool:
    return published <= {meeting.request for meeting in result.meetings}


def _schedule_moving_published(instance: scheduler.Instance, *, work: int) -> scheduler.Schedule:
    """The best schedule that may move published meetings but keeps every one of them, or the schedule with
    published meetings left in place when moving them places no more.

    The scheduler may leave any request out, so it is asked twice: with the real weights (whose LP bound is the
    bound of moving), then, if that drops a published meeting, with every published request weighing more than
    all the others together, so that leaving one out never pays. A published meeting that now breaks a rule
    (someone blocked its slot) can only be moved: then the schedule in place is no candidate."""
    try:
        kept = scheduler.schedule(instance, work_per_request=work)
    except scheduler.ScheduleInputError as error:
        kept, broken = None, error
    published = {fixed.request for fixed in instance.locked}
    free_instance = dataclasses.replace(instance, locked=())
    free = scheduler.schedule(free_instance, work_per_request=work)
    candidates = [free] if _keeps_every_one(free, published) else []
    if not candidates:
        heavy = sum(request.weight for request in instance.requests) + 1
        boosted = scheduler.schedule(
            dataclasses.replace(
                free_instance,
                requests=tuple(
                    dataclasses.replace(request, weight=request.weight + heavy) if request.id in published else request
                    for request in instance.requests
                ),
            ),
            work_per_request=work,
        )
        if _keeps_every_one(boosted, published):
            weight = {request.id: request.weight for request in instance.requests}
            true_value = sum(weight[meeting.request] for meeting in boosted.meetings)
            candidates.append(
                dataclasses.replace(boosted, value=true_value, bound=free.bound, greedy_value=free.greedy_value)
            )
    best = max(candidates, key=lambda candidate: candidate.value, default=None)
    if kept is None:
        if best is None:
            raise broken
        return best
    return best if best is not None and best.value > kept.value else kept


def _result_json(inputs: selectors.SchedulerInputs, result: scheduler.Schedule, snapshot: list) -> dict:
    names = {key: key.rsplit(" (P", 1)[0] for key in inputs.participant_pks}
    load: dict[str, int] = dict.fromkeys(inputs.participant_pks, 0)
    requests = {request.id: request for request in inputs.instance.requests}
    for meeting in result.meetings:
        load[requests[meeting.request].a] += 1
        load[requests[meeting.request].b] += 1
    available = {p.id: len(p.available) for p in inputs.instance.participants}
    locked = {fixed.request: fixed for fixed in inputs.instance.locked}
    return {
        "meetings": [
            {"request": m.request, "slot": m.slot, "table": m.table, "new": m.request not in locked}
            for m in result.meetings
        ],
        # Published meetings the run puts elsewhere (only when staff let it move them): from -> to.
        "moved": [
            {
                "request": m.request,
                "a": names[requests[m.request].a],
                "b": names[requests[m.request].b],
                "from_slot": locked[m.request].slot,
                "from_table": locked[m.request].table,
                "slot": m.slot,
                "table": m.table,
            }
            for m in result.meetings
            if m.request in locked and (locked[m.request].slot, locked[m.request].table) != (m.slot, m.table)
        ],
        "unscheduled": [
            {
                "request": item.request,
                "a": names[requests[item.request].a],
                "b": names[requests[item.request].b],
                "code": item.reason.code,
                "params": {
                    key: list(value) if isinstance(value, tuple) else value for key, value in item.reason.params.items()
                },
            }
            for item in result.unscheduled
        ],
        "load": sorted(
            (
                {
                    "participant": inputs.participant_pks[key],
                    "name": names[key],
                    "meetings": count,
                    "slots": available[key],
                }
                for key, count in load.items()
            ),
            key=lambda row: (-row["meetings"], row["name"]),
        ),
        "requests": len(inputs.instance.requests),
        "locked": len(locked),
        "greedy_value": result.greedy_value,
        "idle_gaps": result.idle_gaps,
        "snapshot": snapshot,
    }


@transaction.atomic
def scheduler_run_publish(*, run: SchedulerRun, by: User | None, site_url: str = "") -> int:
    """Write the preview's new meetings in one transaction, and the moves of published meetings when the run was
    allowed to make them (the others kept as they are); the number of new meetings.

    Refused if meetings were booked, moved or cancelled since the run read them, or a request it places is no
    longer accepted: start a new run then. Those with a new meeting are told their agenda is published; those
    with a meeting moved, that it changed.
    """
    run = SchedulerRun.objects.select_for_update().get(pk=run.pk)
    if run.status != SchedulerRun.Status.PREVIEW:
        raise MatchmakingError(_("Only a run whose preview is ready can be published."))
    rules, _created = MatchmakingSettings.objects.get_or_create(expo=run.expo)
    MatchmakingSettings.objects.select_for_update().get(pk=rules.pk)
    if _snapshot(run.expo) != run.result["snapshot"]:
        raise MatchmakingError(_("Meetings have changed since this run started. Discard it and start a new run."))
    new = [m for m in run.result["meetings"] if m["new"]]
    accepted = dict(
        MeetingRequest.objects.filter(
            pk__in=[m["request"] for m in new], status=MeetingRequest.Status.ACCEPTED
        ).values_list("pk", "at_stall")
    )
    if len(accepted) != len(new):
        raise MatchmakingError(_("Requests have changed since this run started. Discard it and start a new run."))
    pairs = dict(
        (pk, (sender, receiver))
        for pk, sender, receiver in MeetingRequest.objects.filter(pk__in=accepted).values_list(
            "pk", "sender_id", "receiver_id"
        )
    )
    moved = run.result.get("moved", [])
    if moved:
        by_request = {
            meeting.request_id: meeting
            for meeting in Meeting.objects.filter(
                expo=run.expo, state=Meeting.State.SCHEDULED, request_id__in=[m["request"] for m in moved]
            ).select_related("request")
        }
        _replace_places(moves=[(by_request[m["request"]], m["slot"], m["table"]) for m in moved], by=by, run=run)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            expo=run.expo,
            request_id=m["request"],
            slot_id=m["slot"],
            table_id=m["table"],
            at_stall=m["table"] is None,
            run=run,
            placed_by=by,
        )
        for m in new
    )
    MeetingSeat.objects.bulk_create(
        MeetingSeat(meeting=meeting, participant_id=participant_id, slot_id=meeting.slot_id)
        for meeting in meetings
        for participant_id in pairs[meeting.request_id]
    )
    now = timezone.now()
    run.status, run.decided_at = SchedulerRun.Status.PUBLISHED, now
    run.save(update_fields=["status", "decided_at"])
    if rules.published_at is None:
        MatchmakingSettings.objects.filter(pk=rules.pk).update(published_at=now)
    if site_url:
        moved_people = {
            pk
            for sender, receiver in MeetingRequest.objects.filter(pk__in=[m["request"] for m in moved]).values_list(
                "sender_id", "receiver_id"
            )
            for pk in (sender, receiver)
        }
        _agenda_notify(
            participant_ids={pk for meeting in meetings for pk in pairs[meeting.request_id]} - moved_people,
            kind="published",
            site_url=site_url,
        )
        _agenda_notify(participant_ids=moved_people, kind="changed", site_url=site_url)
    return len(meetings)


@transaction.atomic
def scheduler_run_discard(*, run: SchedulerRun, by: User | None) -> None:
    run = SchedulerRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in {SchedulerRun.Status.PREVIEW, SchedulerRun.Status.FAILED}:
        raise MatchmakingError(_("Only a run with a preview can be discarded."))
    run.status, run.decided_at = SchedulerRun.Status.DISCARDED, timezone.now()
    run.save(update_fields=["status", "decided_at"])


# --- Meetings by hand ---------------------------------------------------------------------------------


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
