"""The allocation: locks, the greedy pass, then the three stages of the objective with CP-SAT."""

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from .explain import lock_reason, notice, reason_for, unplaced_reason
from .greedy import Greedy, assignment_score
from .instance import Block, Instance
from .packing import FlowPacking, Packing, floor_bound
from .preferences import preferences_stage
from .rules import placement_problems
from .specs import (
    COUNT_FIRST,
    DEFAULT_WEIGHTS,
    DETERMINISTIC_PER_SECOND,
    RANK_FIRST,
    SCALE,
    ExhibitorSpec,
    Notice,
    PavilionSpec,
    Placement,
    Reason,
    Result,
    Stage,
    StallSpec,
    Unplaced,
    Weights,
    gettext_noop,
)

# ---------------------------------------------------------------------------------------------
# The allocation.


def allocate(
    *,
    exhibitors: Sequence[ExhibitorSpec],
    stalls: Sequence[StallSpec],
    pavilions: Sequence[PavilionSpec],
    weights: Weights = DEFAULT_WEIGHTS,
    time_limit: float = 10.0,
    strict_rank: bool = False,
    workers: int = 1,
    seed: int = 0,
) -> Result:
    """Place as many exhibitors as the hard rules allow, the better ranked first, then as the weights prefer.

    ``time_limit``: the budget, in CP-SAT work units (``DETERMINISTIC_PER_SECOND`` per second);
    0 runs the greedy pass only. ``strict_rank``: never leave a better-ranked exhibitor out to
    fit more (rank before count). Never raises on bad input: whoever cannot be placed is in
    ``unplaced`` with a reason, and what staff should fix is in ``notices``.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    exhibitors, notices = _clean(exhibitors)
    inst = Instance(exhibitors, stalls, pavilions, weights)
    stalls_given = {s.id: s for s in stalls}

    # Locks first, in exhibitor id order: the later of two locks on one stall loses.
    locked: dict[int, Block] = {}
    unplaced: dict[int, Reason] = {}
    taken_by: dict[int, int] = {}
    for exhibitor in inst.exhibitors:
        if not exhibitor.locked_stall_ids:
            continue
        ids = sorted(set(exhibitor.locked_stall_ids))
        unknown = [s for s in ids if s not in inst.stalls]
        clash = [s for s in ids if s in taken_by]
        if unknown:
            unplaced[exhibitor.id] = lock_reason(missing_stall=unknown[0])
        elif clash:
            stall = inst.stalls[clash[0]]
            unplaced[exhibitor.id] = lock_reason(stall_code=stall.code, other=inst.by_id[taken_by[clash[0]]].name)
        else:
            locked[exhibitor.id] = inst.block(ids)
            for s in ids:
                taken_by[s] = exhibitor.id
            # Kept, since staff set it, but staff see what it breaks.
            broken = placement_problems(exhibitor, [stalls_given[s] for s in ids], inst.pavilions, locked=True)
            if broken:
                notices.append(
                    Notice(exhibitor.id, notice(gettext_noop("locked by staff, but it breaks a rule"), broken))
                )
    free = {s.id for s in inst.stalls.values() if s.available and not s.blocked and s.id not in taken_by}
    largest: dict[int, float] = {}
    for exhibitor in inst.exhibitors:
        if exhibitor.id not in locked and exhibitor.id not in unplaced:
            for pavilion_id in inst.eligible_pavilions(exhibitor):
                largest[pavilion_id] = max(largest.get(pavilion_id, 0.0), exhibitor.requested_area)
    blocks = inst.blocks(free, largest)

    # Candidates per exhibitor, in (pavilion, stalls) order.
    candidates: dict[int, list[Block]] = {}
    for exhibitor in inst.exhibitors:
        if exhibitor.id in locked or exhibitor.id in unplaced:
            continue
        candidates[exhibitor.id] = [
            block
            for pavilion_id in inst.eligible_pavilions(exhibitor)
            for block in blocks.get(pavilion_id, ())
            if inst.fits(block, exhibitor.requested_area)
        ]
    by_rank = sorted((inst.by_id[i] for i in candidates), key=lambda e: (-e.rank_score, e.id))

    big = _placement_value(inst, candidates, locked)
    greedy = _greedy(inst, candidates, locked, by_rank, big)
    objective = RANK_FIRST if strict_rank else COUNT_FIRST

    assignment, stages, proven_out, work = dict(greedy), None, {}, 0.0
    if time_limit > 0 and any(candidates.values()):
        budget = time_limit * DETERMINISTIC_PER_SECOND
        limits = {"workers": workers, "seed": seed}
        typed = FlowPacking(inst, candidates, locked)
        if strict_rank:
            assignment, placed_stages, proven_out, used = _rank_first(
                inst, Packing(inst, candidates, locked), typed, by_rank, locked, budget * 0.6, limits
            )
        else:
            assignment, placed_stages, used = _count_first(inst, typed, greedy, locked, budget * 0.6, limits)
        work += used
        assignment, preference_stage, used = preferences_stage(
            inst, candidates, locked, assignment, big, budget - work, limits, strict_rank=strict_rank
        )
        work += used
        stages = (*placed_stages, preference_stage)
    if not strict_rank:
        # Holds at any optimum of the rank stage; made sure of when the budget ran out before one.
        assignment = _rank_repair(inst, candidates, locked, assignment, by_rank)
    greedy_values = _values(inst, greedy)
    values = _values(inst, assignment)
    if stages is None:
        # Without any block to choose, there is nothing to decide: every stage is proven as it is.
        settled = not any(candidates.values())
        stages = tuple(
            Stage(name, values[name], values[name] if settled else None, greedy_values[name], settled)
            for name in _stage_names(objective)
        )
    else:
        # The repair may only have raised the rank value; the bounds stay.
        stages = tuple(replace(stage, value=values[stage.name], greedy=greedy_values[stage.name]) for stage in stages)
    status = "greedy" if work == 0 else "optimal" if all(stage.proven for stage in stages) else "feasible"

    holder = {s: e for e, b in assignment.items() for s in b.stalls}
    placements = tuple(
        Placement(e, assignment[e].stalls, reason_for(inst, inst.by_id[e], assignment[e], holder, e in locked))
        for e in sorted(assignment)
    )
    count_proven = all(stage.proven for stage in stages if stage.name != "preferences")
    for exhibitor_id in candidates:
        if exhibitor_id not in assignment:
            unplaced[exhibitor_id] = unplaced_reason(
                inst,
                inst.by_id[exhibitor_id],
                candidates[exhibitor_id],
                holder,
                objective=objective,
                proven=proven_out.get(exhibitor_id, count_proven) if strict_rank else count_proven,
            )
    return Result(
        placements=placements,
        unplaced=tuple(Unplaced(e, unplaced[e]) for e in sorted(unplaced)),
        stages=stages,
        objective=objective,
        status=status,
        solve_seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu_started,
        work=work,
        notices=tuple(sorted(notices, key=lambda n: n.exhibitor_id)),
    )


def _stage_names(objective: str) -> tuple[str, ...]:
    return ("rank", "count", "preferences") if objective == RANK_FIRST else ("count", "rank", "preferences")


def _clean(exhibitors: Sequence[ExhibitorSpec]) -> tuple[list[ExhibitorSpec], list[Notice]]:
    """One exhibitor per id (the same one whatever the input order); a missing or NaN rank counts as 0, said so."""
    notices, kept = [], {}
    for exhibitor in sorted(exhibitors, key=lambda e: (e.id, e.name, repr(e))):
        if exhibitor.id in kept:
            notices.append(
                Notice(
                    exhibitor.id, notice(gettext_noop("appears more than once in the input; one of them is used"), ())
                )
            )
            continue
        rank = exhibitor.rank_score
        if rank is None or not isinstance(rank, (int, float)) or math.isnan(rank) or math.isinf(rank):
            notices.append(Notice(exhibitor.id, notice(gettext_noop("has no rank score; ranked last"), ())))
            exhibitor = replace(exhibitor, rank_score=0.0)
        kept[exhibitor.id] = exhibitor
    return list(kept.values()), notices


def _values(inst: Instance, assignment: dict[int, Block]) -> dict[str, float]:
    return {
        "count": float(len(assignment)),
        "rank": sum(inst.rank_weight[e] for e in assignment) / 100,
        "preferences": assignment_score(inst, assignment, 0) / SCALE,
    }


def _greedy(inst: Instance, candidates, locked, by_rank, big) -> dict[int, Block]:
    """Locks, then women-pavilion choosers into women pavilions, then everyone by rank; then one-move repairs."""
    greedy = Greedy(inst, big)
    for exhibitor_id, block in locked.items():
        greedy.place(inst.by_id[exhibitor_id], block)
    for exhibitor in by_rank:
        if exhibitor.women_pavilion:
            women = [b for b in candidates[exhibitor.id] if inst.pavilions[b.pavilion_id].kind == "women"]
            block = greedy.best(exhibitor, women)
            if block is not None:
                greedy.place(exhibitor, block)
    for exhibitor in by_rank:
        if exhibitor.id not in greedy.assignment:
            block = greedy.best(exhibitor, candidates[exhibitor.id])
            if block is not None:
                greedy.place(exhibitor, block)
    # Placing by rank strands some: one exhibitor moved often frees a block (an augmenting path).
    for exhibitor in by_rank:
        if exhibitor.id not in greedy.assignment:
            greedy.repair(exhibitor, candidates, locked)
    return dict(greedy.assignment)


def _placement_value(inst: Instance, candidates, locked) -> int:
    """More than the preferences of any solution can add or take away: the greedy pass and the
    neighbourhoods place whoever they can before they weigh preferences."""
    w = inst.weights
    total = 0
    for exhibitor_id, blocks in candidates.items():
        exhibitor = inst.by_id[exhibitor_id]
        total += max((abs(inst.linear(exhibitor, b)) for b in blocks), default=0)
    for exhibitor_id, block in locked.items():
        total += abs(inst.linear(inst.by_id[exhibitor_id], block))
    pair = inst.scaled(2 * (w.same_cluster_adjacent + w.trade_body_near) + w.competitors_facing)
    total += pair * len(inst.related_pairs)
    total += inst.scaled(w.trade_body_same_pavilion) * len(inst.exhibitors)
    return total + SCALE


def _count_first(inst: Instance, packing: FlowPacking, greedy, locked, budget, limits):
    """(1) the number placed, then (2) the rank value keeping that number: (assignment, stages, work)."""
    current, used, cpu = dict(greedy), 0.0, time.process_time()
    fixed_rank = sum(inst.rank_weight[e] for e in locked)
    packing.model.Maximize(packing.count)
    lp_bound = packing.lp_bound()
    if lp_bound is None:
        lp_bound = float(len(packing.placed))
    packing.hint(current)
    solver, code = packing.solve(det_budget=budget * 0.6, linearization=2, **limits)
    used += solver.deterministic_time
    count_proven = code == packing.cp_model.OPTIMAL
    # CP-SAT's bound, or everyone with a block when its search had not yet got that far; when not
    # proven, the LP relaxation's (GLOP, deterministic) is often much closer.
    count_bound = min(len(packing.placed), math.floor(solver.BestObjectiveBound() + 1e-6))
    if not count_proven:
        count_bound = min(count_bound, math.floor(lp_bound + 1e-6))
    count_bound += len(locked)
    if packing.found(code) and len(packing.read(solver)) > len(current):
        current = packing.read(solver)
    count = len(current) - len(locked)
    count_stage = Stage(
        "count",
        float(len(current)),
        float(max(count_bound, len(current))),
        0.0,
        count_proven,
        work=used,
        cpu_seconds=time.process_time() - cpu,
    )
    cpu = time.process_time()

    packing.model.Add(packing.count >= count)
    packing.model.Maximize(packing.rank)
    packing.hint(current)
    # The weighted objective needs the full LP relaxation: at level 1 the demo expo's rank stage
    # was still open after 10 work units; at level 2 it is proven in half of one.
    solver, code = packing.solve(det_budget=budget - used, linearization=2, **limits)
    used += solver.deterministic_time
    rank_proven = count_proven and code == packing.cp_model.OPTIMAL
    if packing.found(code):
        candidate = packing.read(solver)
        if _rank_value(inst, candidate) > _rank_value(inst, current):
            current = candidate
    # Given the count; without a proven count this bound holds for the count found, not beyond it.
    everyone = sum(max(0, inst.rank_weight[e]) for e in packing.placed)
    rank_bound = (
        (fixed_rank + min(everyone, math.floor(solver.BestObjectiveBound() + 1e-6))) / 100
        if packing.found(code)
        else None
    )
    value = _rank_value(inst, current) / 100
    rank_stage = Stage(
        "rank",
        value,
        None if rank_bound is None else max(rank_bound, value),
        0.0,
        rank_proven,
        work=used - count_stage.work,
        cpu_seconds=time.process_time() - cpu,
    )
    return current, (count_stage, rank_stage), used


def _rank_value(inst: Instance, assignment) -> int:
    return sum(inst.rank_weight[e] for e in assignment)


def _rank_first(inst: Instance, packing: Packing, typed: FlowPacking, by_rank, locked, budget, limits):
    """Strict rank order: in rank order, each exhibitor placed if it fits beside all the better ranked placed.

    A free block settles it at once, and an infeasible LP relaxation the other way; otherwise
    CP-SAT decides, under assumptions on ``typed``, whether the better-ranked placed and this one
    fit together.
    Returns (assignment, stages, proven per exhibitor left out, work).
    """
    current, used, cpu = dict(locked), 0.0, time.process_time()
    holder = {s for b in current.values() for s in b.stalls}
    accepted: list[int] = []
    proven_out: dict[int, bool] = {}
    all_proven = True
    settled = None  # (accepted, proven out) before the first decision left open
    blocks_of = defaultdict(list)
    for exhibitor_id, block, _x in packing.choices:
        blocks_of[exhibitor_id].append(block)
    for exhibitor in by_rank:
        if exhibitor.id not in packing.placed:
            proven_out[exhibitor.id] = True
            continue
        block = next((b for b in blocks_of[exhibitor.id] if not holder.intersection(b.stalls)), None)
        if block is not None:
            current[exhibitor.id] = block
            holder.update(block.stalls)
            accepted.append(exhibitor.id)
            continue
        if packing.lp_infeasible((*accepted, exhibitor.id)):
            proven_out[exhibitor.id] = True
            continue
        left = budget - used
        if left <= 0.01:
            if settled is None:
                settled = (list(accepted), [e for e, proven in proven_out.items() if proven])
            proven_out[exhibitor.id] = False
            all_proven = False
            continue
        # Decided on the model by types: which exhibitors of a type are placed does not matter there.
        typed.assume_placed((*accepted, exhibitor.id))
        typed.hint(current)
        solver, code = typed.solve(det_budget=min(left, max(budget / 20, 0.5)), linearization=2, **limits)
        used += solver.deterministic_time
        if typed.found(code):
            current = typed.read_for(solver, (*accepted, exhibitor.id))
            holder = {s for b in current.values() for s in b.stalls}
            accepted.append(exhibitor.id)
        else:
            if code != typed.cp_model.INFEASIBLE and settled is None:
                settled = (list(accepted), [e for e, proven in proven_out.items() if proven])
            proven_out[exhibitor.id] = code == typed.cp_model.INFEASIBLE
            all_proven = all_proven and proven_out[exhibitor.id]
    rank_value, count_value = _rank_value(inst, current), len(current)
    rank_bound, count_bound = rank_value, count_value
    if settled is not None:
        # The allocation strict rank order asks for makes the same decisions up to the first one
        # left open; after it, at most what fractions of blocks could place beside those.
        required, excluded = settled
        excluded = [e for e in excluded if e in packing.placed]
        rank_lp = packing.lp_bound(rank=True, required=required, excluded=excluded)
        count_lp = packing.lp_bound(rank=False, required=required, excluded=excluded)
        fixed_rank = sum(inst.rank_weight[e] for e in locked)
        rank_bound = None if rank_lp is None else max(rank_value, fixed_rank + floor_bound(rank_lp))
        count_bound = None if count_lp is None else max(count_value, len(locked) + floor_bound(count_lp))
    stages = (
        Stage(
            "rank",
            rank_value / 100,
            None if rank_bound is None else rank_bound / 100,
            0.0,
            all_proven,
            used,
            time.process_time() - cpu,
        ),
        Stage("count", float(count_value), None if count_bound is None else float(count_bound), 0.0, all_proven),
    )
    return current, stages, proven_out, used


def _rank_repair(inst: Instance, candidates, locked, assignment, by_rank) -> dict[int, Block]:
    """No exhibitor left out while a worse-ranked one, asking as much or more, holds space it could use.

    At an optimum of the rank stage this already holds (the swap would raise the rank value at
    the same count); when the budget ran out first, the swaps are made here. Whoever is swapped
    out takes a free block if one is left. Each swap raises the placed ranks, so it ends.
    """
    current = dict(assignment)
    holder = {s: e for e, b in current.items() for s in b.stalls}

    def free_block(exhibitor_id):
        return next((b for b in candidates[exhibitor_id] if not any(s in holder for s in b.stalls)), None)

    def put(exhibitor_id, block):
        current[exhibitor_id] = block
        holder.update((s, exhibitor_id) for s in block.stalls)

    changed = True
    while changed:
        changed = False
        for exhibitor in by_rank:
            if exhibitor.id in current:
                continue
            block = free_block(exhibitor.id)
            if block is not None:
                put(exhibitor.id, block)
                changed = True
                continue
            for block in candidates[exhibitor.id]:
                occupants = {holder[s] for s in block.stalls if s in holder}
                if len(occupants) != 1:
                    continue
                other = inst.by_id[next(iter(occupants))]
                if (
                    other.id in locked
                    or other.rank_score >= exhibitor.rank_score
                    or other.requested_area < exhibitor.requested_area
                ):
                    continue
                for s in current.pop(other.id).stalls:
                    del holder[s]
                put(exhibitor.id, block)
                moved = free_block(other.id)
                if moved is not None:
                    put(other.id, moved)
                changed = True
                break
    return current
