"""Writes of the pavilions app: laying out stalls, moving exhibitors by hand, and allocation runs.

Every function takes keyword arguments and runs in one transaction. Layout errors are
``ValidationError`` (the admin shows them beside the form); allocation errors are
``AllocationError`` with a message the user can read.
"""

import logging
import re
import time
from dataclasses import asdict, fields
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exhibitors.models import ClusterCapacity, Exhibitor
from expo import caching
from expo import services as core
from expo.models import Expo, User

from . import allocator, geometry
from .models import AllocationRun, Hall, Pavilion, Stall, StallAllocation
from .selectors import allocations_of_expo, allocator_inputs, hand_move_inputs

logger = logging.getLogger(__name__)


FLOOR_PLAN_VERSION_KEY = "pavilions:floor-plan-version"


def floor_plan_changed() -> None:
    """Public floor plans are cached whole; any change to halls, stalls or allocations renews them."""
    caching.bump(FLOOR_PLAN_VERSION_KEY)


class AllocationError(core.ExpoError):
    """A stall allocation that cannot be made; the message says why."""


# --- Layout ---------------------------------------------------------------------


def stall_validate(*, stall: Stall) -> None:
    """Refuse a stall outside its pavilion or overlapping another stall of the hall, naming both."""
    pavilion = stall.pavilion
    if not pavilion.contains(stall.rect):
        raise ValidationError(
            _("Stall %(stall)s lies outside pavilion %(pavilion)s (x %(x0)s–%(x1)s m, y %(y0)s–%(y1)s m).")
            % {
                "stall": stall.code,
                "pavilion": f"{pavilion.hall.code}-{pavilion.code}",
                "x0": pavilion.x,
                "x1": pavilion.x + pavilion.width,
                "y0": pavilion.y,
                "y1": pavilion.y + pavilion.depth,
            }
        )
    right, bottom = stall.x + stall.width, stall.y + stall.depth
    clash = (
        Stall.objects.filter(pavilion__hall_id=pavilion.hall_id, x__lt=right, y__lt=bottom)
        .exclude(pk=stall.pk)
        .order_by("code")
    )
    for other in clash:
        if other.rect.overlaps(stall.rect):
            raise ValidationError(
                _("Stall %(stall)s overlaps stall %(other)s.") % {"stall": stall.code, "other": other.code}
            )


def hall_refresh_open_sides(*, hall: Hall) -> None:
    """Recount each stall's open sides (in-line, corner, peninsula, island) from its neighbours on the plan."""
    stalls = list(Stall.objects.filter(pavilion__hall=hall))
    rects = {stall.pk: stall.rect for stall in stalls}
    touching = geometry.neighbours(list(rects.items()))
    changed = []
    for stall in stalls:
        sides = geometry.open_sides(stall.rect, [rects[pk] for pk in touching[stall.pk]])
        if sides != stall.open_sides:
            stall.open_sides = sides
            changed.append(stall)
    Stall.objects.bulk_update(changed, ["open_sides"])


@transaction.atomic
def stall_save(*, stall: Stall) -> Stall:
    stall_validate(stall=stall)
    stall.save()
    hall_refresh_open_sides(hall=stall.pavilion.hall)
    layout_changed(expo=stall.pavilion.hall.expo)
    return stall


def _next_stall_number(pavilion: Pavilion) -> int:
    numbers = [
        int(match.group(1))
        for code in pavilion.stalls.values_list("code", flat=True)
        if (match := re.search(r"(\d+)$", code))
    ]
    return max(numbers, default=0) + 1


@transaction.atomic
def stalls_generate(
    *,
    pavilion: Pavilion,
    x: Decimal,
    y: Decimal,
    stall_width: Decimal,
    stall_depth: Decimal,
    per_row: int,
    rows: int,
    aisle: Decimal,
    back_to_back: bool,
) -> list[Stall]:
    """Lay out ``rows`` rows of ``per_row`` stalls from (x, y), aisles between rows (or between pairs of
    rows standing back to back), numbered after the pavilion's last stall. All or nothing."""
    number = _next_stall_number(pavilion)
    stalls, row_y = [], y
    for row in range(rows):
        for column in range(per_row):
            stalls.append(
                Stall(
                    pavilion=pavilion,
                    code=f"{pavilion.hall.code}-{pavilion.code}-{number:03d}",
                    x=x + column * stall_width,
                    y=row_y,
                    width=stall_width,
                    depth=stall_depth,
                )
            )
            number += 1
        pair_closes = not back_to_back or row % 2 == 1
        row_y += stall_depth + (aisle if pair_closes else 0)
    existing = [(other.code, other.rect) for other in Stall.objects.filter(pavilion__hall_id=pavilion.hall_id)]
    for stall in stalls:
        if not pavilion.contains(stall.rect):
            stall_validate(stall=stall)  # raises the "outside its pavilion" message
    overlap = geometry.first_overlap(existing + [(stall.code, stall.rect) for stall in stalls])
    if overlap:
        new_codes = {stall.code for stall in stalls}
        new, other = overlap if overlap[0] in new_codes else overlap[::-1]
        raise ValidationError(_("Stall %(stall)s overlaps stall %(other)s.") % {"stall": new, "other": other})
    Stall.objects.bulk_create(stalls)
    hall_refresh_open_sides(hall=pavilion.hall)
    layout_changed(expo=pavilion.hall.expo)
    return stalls


# --- Cluster capacity -------------------------------------------------------------


def cluster_capacities_refresh(*, expo: Expo) -> None:
    """How many exhibitors each cluster's pavilions hold, from the stalls laid out, for the nominations ranking.

    A pavilion hosting several clusters (an overflow pavilion) counts a share of its stalls for each.
    """
    share: dict[int, float] = {}
    pavilions = Pavilion.objects.filter(hall__expo=expo).exclude(kind=Pavilion.Kind.SERVICE)
    for pavilion in pavilions.annotate(stall_total=Count("stalls")).prefetch_related("clusters"):
        clusters = list(pavilion.clusters.all())
        for cluster in clusters:
            share[cluster.pk] = share.get(cluster.pk, 0.0) + pavilion.stall_total / len(clusters)
    ClusterCapacity.objects.filter(expo=expo).exclude(cluster_id__in=share).delete()
    for cluster_id, stalls in share.items():
        ClusterCapacity.objects.update_or_create(
            expo=expo, cluster_id=cluster_id, defaults={"exhibitors": min(int(stalls), 32767)}
        )


def layout_changed(*, expo: Expo) -> None:
    """After halls, pavilions or stalls change: capacities follow, and public plans are drawn again."""
    cluster_capacities_refresh(expo=expo)
    transaction.on_commit(floor_plan_changed)


# --- Stall notices ----------------------------------------------------------------


def _notify_stalls(exhibitor_ids: list[int], site_url: str) -> None:
    """Tell each exhibitor's members where they now stand (after a run is applied or a hand move)."""
    exhibitors = Exhibitor.objects.filter(pk__in=exhibitor_ids).prefetch_related(
        Prefetch(
            "stall_allocations",
            queryset=StallAllocation.objects.select_related("stall__pavilion__hall").order_by("stall__code"),
        ),
        "members",
    )
    for exhibitor in exhibitors:
        stalls = [allocation.stall for allocation in exhibitor.stall_allocations.all()]
        if not stalls:
            continue
        pavilion = stalls[0].pavilion
        context = {
            "exhibitor": exhibitor,
            "codes": ", ".join(stall.code for stall in stalls),
            "pavilion": pavilion,
            "plan_url": site_url.rstrip("/")
            + reverse("floor_plan_hall", args=[pavilion.hall.code])
            + "?"
            + urlencode({"q": stalls[0].code}),
        }
        for member in exhibitor.members.all():
            if member.is_active:
                core.email_queue(to=member.email, template="stall_allocated", context=context)


# --- Hand moves -----------------------------------------------------------------


def _check_hand_move(exhibitor: Exhibitor, stalls: list[Stall]) -> None:
    """The allocator's own hard rules, asked through the inputs a run builds; the first broken one, in words."""
    inputs = hand_move_inputs(exhibitor=exhibitor, stalls=stalls)
    problems = allocator.placement_problems(
        inputs.exhibitors[0], inputs.stalls, {p.id: p for p in inputs.pavilions}, locked=True
    )
    if problems:
        raise AllocationError(problems[0].render(_))


@transaction.atomic
def stall_allocate(
    *, exhibitor: Exhibitor, stalls: list[Stall], by: User | None, site_url: str = ""
) -> list[StallAllocation]:
    """Move ``exhibitor`` to ``stalls`` by hand, locked so later runs keep it there.

    The stalls are locked for the transaction; a stall another exhibitor holds is refused with
    its name, and the unique stall of an allocation turns a race both sides lost into the same message.
    """
    stalls = list(
        Stall.objects.select_for_update(of=("self",))
        .filter(pk__in=[stall.pk for stall in stalls], pavilion__hall__expo_id=exhibitor.expo_id)
        .select_related("pavilion__hall")
        .order_by("pk")
    )
    _check_hand_move(exhibitor, stalls)
    taken = (
        StallAllocation.objects.filter(stall__in=stalls)
        .exclude(exhibitor=exhibitor)
        .select_related("stall", "exhibitor")
        .first()
    )
    if taken:
        raise AllocationError(
            _("Stall %(stall)s is already allocated to %(exhibitor)s.")
            % {"stall": taken.stall.code, "exhibitor": taken.exhibitor.name}
        )
    StallAllocation.objects.filter(exhibitor=exhibitor).delete()
    try:
        with transaction.atomic():
            allocations = StallAllocation.objects.bulk_create(
                StallAllocation(
                    stall=stall, exhibitor=exhibitor, locked=True, reason=_("Placed by hand"), allocated_by=by
                )
                for stall in stalls
            )
    except IntegrityError as error:
        raise AllocationError(
            _("Another member of staff allocated one of these stalls at the same moment. Reload and try again.")
        ) from error
    if site_url:
        _notify_stalls([exhibitor.pk], site_url)
    transaction.on_commit(floor_plan_changed)
    return allocations


# --- Allocation runs ------------------------------------------------------------

DEFAULT_TIME_LIMIT = 10.0


def allocation_run_start(
    *, expo: Expo, by: User, weights: allocator.Weights, time_limit: float, strict_rank: bool = False
) -> AllocationRun:
    """Queue a run of the allocator; a Celery task computes the preview after the transaction commits.

    ``strict_rank``: never leave a better-ranked exhibitor out to fit more (rank before count).
    """
    from .tasks import run_allocation  # the tasks module imports this one

    with transaction.atomic():
        if AllocationRun.objects.filter(
            expo=expo, status__in=[AllocationRun.Status.QUEUED, AllocationRun.Status.RUNNING]
        ).exists():
            raise AllocationError(_("A run is already in progress. Wait for its preview."))
        run = AllocationRun.objects.create(
            expo=expo,
            started_by=by,
            parameters={"weights": asdict(weights), "time_limit": time_limit, "strict_rank": strict_rank},
        )
        transaction.on_commit(partial(run_allocation.delay, run.pk))
    return run


def _progress(run: AllocationRun, percent: int, note: str) -> None:
    AllocationRun.objects.filter(pk=run.pk).update(progress=percent, progress_note=note)


def _reason_json(reason: allocator.Reason) -> list:
    """An explanation as JSON: its parts' English messages and values, translated when shown."""
    return [[part.message, dict(part.params)] for part in reason]


def reason_text(reason_json: list) -> str:
    """A stored explanation in the reader's language."""
    reason = tuple(allocator.Because(message, tuple(sorted(params.items()))) for message, params in reason_json)
    return allocator.describe(reason, _)


def _diff(
    before: dict[int, tuple[int, ...]], result: allocator.Result, codes: dict[int, str], names: dict[int, str]
) -> list[dict]:
    """One row per exhibitor whose stalls the run would change, plus those it could not place."""
    after = {placement.exhibitor_id: tuple(sorted(placement.stall_ids)) for placement in result.placements}
    reasons = {placement.exhibitor_id: _reason_json(placement.reason) for placement in result.placements}
    reasons |= {item.exhibitor_id: _reason_json(item.reason) for item in result.unplaced}
    rows = []
    for exhibitor_id in sorted(set(before) | set(after) | set(reasons), key=lambda pk: names.get(pk, "")):
        old, new = before.get(exhibitor_id, ()), after.get(exhibitor_id, ())
        if old == new and new:
            change = "unchanged"
        elif not new:
            change = "unplaced"
        elif not old:
            change = "new"
        else:
            change = "moved"
        rows.append(
            {
                "exhibitor_id": exhibitor_id,
                "exhibitor": names.get(exhibitor_id, ""),
                "change": change,
                "before": [codes[pk] for pk in old],
                "after": [codes[pk] for pk in new],
                "stall_ids": list(new),
                "reason": reasons.get(exhibitor_id, []),
            }
        )
    return rows


def allocation_run_execute(*, run_id: int) -> None:
    """Compute a run's preview. Safe to call twice: only a queued run is taken."""
    if not AllocationRun.objects.filter(pk=run_id, status=AllocationRun.Status.QUEUED).update(
        status=AllocationRun.Status.RUNNING, progress=5, progress_note=gettext_noop("Reading exhibitors and stalls")
    ):
        return
    run = AllocationRun.objects.select_related("expo").get(pk=run_id)
    try:
        inputs = allocator_inputs(expo=run.expo)
        before = allocations_of_expo(expo=run.expo)
        _progress(run, 15, gettext_noop("Solving"))
        started = time.monotonic()
        weights = {field.name for field in fields(allocator.Weights)}
        result = allocator.allocate(
            exhibitors=inputs.exhibitors,
            stalls=inputs.stalls,
            pavilions=inputs.pavilions,
            weights=allocator.Weights(**{k: v for k, v in run.parameters.get("weights", {}).items() if k in weights}),
            time_limit=float(run.parameters.get("time_limit", DEFAULT_TIME_LIMIT)),
            strict_rank=bool(run.parameters.get("strict_rank", False)),
        )
        codes = {stall.id: stall.code for stall in inputs.stalls}
        names = {exhibitor.id: exhibitor.name for exhibitor in inputs.exhibitors}
        first = result.stages[0]
        AllocationRun.objects.filter(pk=run.pk).update(
            status=AllocationRun.Status.READY,
            progress=100,
            progress_note="",
            snapshot={str(key): list(value) for key, value in before.items()},
            result={
                "status": result.status,
                "objective": result.objective,
                "stages": [
                    {
                        "name": stage.name,
                        "value": stage.value,
                        "bound": stage.bound,
                        "gap": stage.gap,
                        "greedy": stage.greedy,
                        "proven": stage.proven,
                    }
                    for stage in result.stages
                ],
                "notices": [
                    {
                        "exhibitor_id": item.exhibitor_id,
                        "exhibitor": names.get(item.exhibitor_id, ""),
                        "reason": _reason_json(item.reason),
                    }
                    for item in result.notices
                ],
                "solve_seconds": round(time.monotonic() - started, 3),
                "cpu_seconds": round(result.cpu_seconds, 3),
                "placements": [
                    {
                        "exhibitor_id": item.exhibitor_id,
                        "stall_ids": list(item.stall_ids),
                        "reason": _reason_json(item.reason),
                    }
                    for item in result.placements
                ],
                "unplaced": [
                    {"exhibitor_id": item.exhibitor_id, "reason": _reason_json(item.reason)} for item in result.unplaced
                ],
            },
            diff=_diff(before, result, codes, names),
            first_stage_value=first.value,
            first_stage_bound=first.bound,
            first_stage_greedy=first.greedy,
            placed=len(result.placements),
            unplaced=len(result.unplaced),
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Allocation run %s failed", run_id)
        AllocationRun.objects.filter(pk=run.pk).update(
            status=AllocationRun.Status.FAILED, error=str(error), finished_at=timezone.now()
        )


@transaction.atomic
def allocation_run_apply(*, run: AllocationRun, by: User, site_url: str = "") -> int:
    """Put a previewed run in place in one transaction; refuse if allocations changed since it read them."""
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.status != AllocationRun.Status.READY:
        raise AllocationError(_("Only a run whose preview is ready can be applied."))
    # Serialise with hand moves and other applies: they lock the stalls of the expo.
    list(Stall.objects.select_for_update().filter(pavilion__hall__expo=run.expo).values_list("pk"))
    current = {str(key): list(value) for key, value in allocations_of_expo(expo=run.expo).items()}
    if current != run.snapshot:
        raise AllocationError(_("Stalls have been moved since this run started. Discard it and start a new run."))
    StallAllocation.objects.filter(exhibitor__expo=run.expo, locked=False).delete()
    locked = set(
        StallAllocation.objects.filter(exhibitor__expo=run.expo, locked=True).values_list("exhibitor_id", flat=True)
    )
    now = timezone.now()
    StallAllocation.objects.bulk_create(
        StallAllocation(
            stall_id=stall_id,
            exhibitor_id=placement["exhibitor_id"],
            run=run,
            reason=reason_text(placement["reason"])[:300],
            allocated_by=by,
            allocated_at=now,
        )
        for placement in run.result["placements"]
        if placement["exhibitor_id"] not in locked
        for stall_id in placement["stall_ids"]
    )
    run.status = AllocationRun.Status.APPLIED
    run.decided_by, run.decided_at = by, now
    run.save(update_fields=["status", "decided_by", "decided_at"])
    changed = [row["exhibitor_id"] for row in run.diff if row["change"] in {"new", "moved"}]
    if site_url:
        _notify_stalls(changed, site_url)
    transaction.on_commit(floor_plan_changed)
    return len(changed)


@transaction.atomic
def allocation_run_discard(*, run: AllocationRun, by: User) -> None:
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in {AllocationRun.Status.READY, AllocationRun.Status.FAILED}:
        raise AllocationError(_("Only a run with a preview can be discarded."))
    run.status = AllocationRun.Status.DISCARDED
    run.decided_by, run.decided_at = by, timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def stalls_set_status(*, stalls, status: str) -> int:
    """Hold, block or free stalls. A stall someone stands on cannot be blocked."""
    stalls = Stall.objects.filter(pk__in=[stall.pk for stall in stalls])
    if status == Stall.Status.BLOCKED and stalls.filter(allocation__isnull=False).exists():
        raise AllocationError(_("Release the allocated stalls before blocking them."))
    count = stalls.update(status=status)
    transaction.on_commit(floor_plan_changed)
    return count


@transaction.atomic
def allocations_release(*, allocations) -> int:
    count, _details = StallAllocation.objects.filter(pk__in=[allocation.pk for allocation in allocations]).delete()
    transaction.on_commit(floor_plan_changed)
    return count
