"""The hard rules, checked on any result or hand move."""

from collections.abc import Sequence

from pavilions import geometry

from .specs import AREA_TOLERANCE, MAX_MERGE, ExhibitorSpec, PavilionSpec, Result, StallSpec

# ---------------------------------------------------------------------------------------------
# Checking.


def check_hard_rules(
    result: Result,
    exhibitors: Sequence[ExhibitorSpec],
    stalls: Sequence[StallSpec],
    pavilions: Sequence[PavilionSpec],
) -> list[str]:
    """Every broken hard rule in ``result``, as sentences; empty when there is none.

    Locked placements are checked too (a hand move into the wrong pavilion is reported), except
    that a lock may sit on an unavailable stall.
    """
    problems = []
    stall_by_id = {s.id: s for s in stalls}
    pavilion_by_id = {p.id: p for p in pavilions}
    exhibitor_by_id = {e.id: e for e in exhibitors}
    holder: dict[int, int] = {}
    placed_ids = [p.exhibitor_id for p in result.placements]
    unplaced_ids = [u.exhibitor_id for u in result.unplaced]
    for exhibitor_id in sorted(set(placed_ids) & set(unplaced_ids)):
        problems.append(f"exhibitor {exhibitor_id} is both placed and unplaced")
    for exhibitor_id in sorted({i for i in placed_ids if placed_ids.count(i) > 1}):
        problems.append(f"exhibitor {exhibitor_id} is placed twice")
    for exhibitor_id in sorted(set(exhibitor_by_id) - set(placed_ids) - set(unplaced_ids)):
        problems.append(f"exhibitor {exhibitor_id} is neither placed nor unplaced")
    for unplaced in result.unplaced:
        if not unplaced.reason:
            problems.append(f"exhibitor {unplaced.exhibitor_id} is unplaced without a reason")

    for placement in result.placements:
        label = f"exhibitor {placement.exhibitor_id}"
        exhibitor = exhibitor_by_id.get(placement.exhibitor_id)
        if exhibitor is None:
            problems.append(f"{label} is not in the list of exhibitors")
            continue
        if not placement.stall_ids:
            problems.append(f"{label} is placed on no stall")
            continue
        unknown = [s for s in placement.stall_ids if s not in stall_by_id]
        if unknown:
            problems.append(f"{label} is on unknown stall id {unknown[0]}")
            continue
        placed = [stall_by_id[s] for s in placement.stall_ids]
        codes = ", ".join(s.code for s in placed)
        locked = set(exhibitor.locked_stall_ids)
        if locked and set(placement.stall_ids) != locked:
            problems.append(f"{label} is locked to stall ids {sorted(locked)} but placed on {codes}")
        for stall in placed:
            if stall.id in holder and holder[stall.id] != exhibitor.id:
                problems.append(f"stall {stall.code} holds exhibitors {holder[stall.id]} and {exhibitor.id}")
            holder[stall.id] = exhibitor.id
            if not stall.available and stall.id not in locked:
                problems.append(f"{label} is on unavailable stall {stall.code}")
        pavilion_ids = {s.pavilion_id for s in placed}
        if len(pavilion_ids) > 1:
            problems.append(f"{label}'s stalls {codes} span several pavilions")
        for pavilion_id in sorted(pavilion_ids):
            pavilion = pavilion_by_id.get(pavilion_id)
            if pavilion is None:
                problems.append(f"{label} is in unknown pavilion {pavilion_id}")
            elif not (
                exhibitor.cluster_id in pavilion.cluster_ids or (exhibitor.women_pavilion and pavilion.kind == "women")
            ):
                problems.append(f"{label} (cluster {exhibitor.cluster_id}) is in pavilion '{pavilion.name}'")
        area = sum(s.rect.area for s in placed)
        if area < exhibitor.requested_area - AREA_TOLERANCE:
            problems.append(f"{label} asked for {exhibitor.requested_area:g} m² but has {area:g} m² ({codes})")
        if len(placed) > 1:
            if len(placed) > MAX_MERGE:
                problems.append(f"{label} has {len(placed)} stalls merged, more than {MAX_MERGE}")
            if not _connected(placed):
                problems.append(f"{label}'s stalls {codes} are not side by side")
    return problems


def _connected(placed: Sequence[StallSpec]) -> bool:
    if len({s.hall_id for s in placed}) > 1:
        return False
    reached, todo = {placed[0].id}, [placed[0]]
    while todo:
        stall = todo.pop()
        for other in placed:
            if other.id not in reached and geometry.share_edge(stall.rect, other.rect):
                reached.add(other.id)
                todo.append(other)
    return len(reached) == len(placed)
