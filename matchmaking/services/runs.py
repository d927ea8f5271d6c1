"""Scheduler runs: queueing one, computing its preview, and publishing or discarding it."""

import dataclasses
import logging
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import Expo, User

from .. import scheduler, selectors
from ..models import MatchmakingSettings, Meeting, MeetingRequest, MeetingSeat, SchedulerRun
from .base import MatchmakingError
from .meetings import _agenda_notify, _replace_places

logger = logging.getLogger(__name__)


def scheduler_run_start(*, expo: Expo, by: User | None, move_published: bool = False) -> SchedulerRun:
    """Queue a run of the scheduler; a Celery task computes the preview after the transaction commits.

    With ``move_published`` the run may move published meetings (never drop one) when that places more; the
    preview then lists who is moved, and publishing emails them."""
    from ..tasks import run_scheduler  # the tasks module imports this one

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
        for meeting_id, request_id, slot_id, table_id in Meeting.objects.filter(expo=expo, state__in=Meeting.STANDING)
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
