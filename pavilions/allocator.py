"""Assigns approved exhibitors to stalls: a greedy pass, then OR-Tools CP-SAT warm-started from it.

Pure Python, no Django: the service loads the expo's stalls, pavilions and exhibitors into the
dataclasses below, calls ``allocate`` and saves the placements; ``check_hard_rules`` checks a
result, or a hand move, against the rules that are never broken.

Hard rules: a stall holds at most one exhibitor; an exhibitor gets one stall of at least the
requested area, or a connected set of at most ``MAX_MERGE`` stalls of one pavilion, sharing edges,
whose areas add up to it; only pavilions hosting its cluster, or a "women" pavilion when it chose
one; unavailable stalls only for a lock; locks kept exactly (of two locks on one stall, the
exhibitor with the higher id is reported unplaced; locks are not checked against the other rules,
``check_hard_rules`` reports what they break).

Objective, maximised: ``placement_value`` per exhibitor placed, more than all preferences
together, so one more exhibitor placed always wins; then the weighted preferences (``Weights``).
Greedy and solver results are scored by the same function, ``_score``.

Method (``_solve``): one boolean per (exhibitor, candidate block) — blocks are single stalls and
minimal connected merges in the exhibitor's eligible pavilions (``_Model``). First CP-SAT
maximises the number placed from the greedy hint (proven optimal in about a second on the demo
expo); then, keeping that many placed, a large-neighbourhood search re-solves a few nearby
pavilions at a time exactly (``_improve``). ``bound`` is proven on the placements and trivial
on the preferences: CP-SAT's own bound on them was looser still (its LP relaxation lets every
pair of neighbouring stalls "share" a cluster fractionally). See bench/README.md.

Large instances (more than ``MAX_VARIABLES`` exhibitor-block pairs) are solved by component
(``_solve_by_component``): groups of pavilions that share clusters, the women pavilions as one
group, one group at a time with the others fixed; ``bound`` is then the trivial one.

Determinism: inputs are sorted by id, the greedy pass and the neighbourhoods go by id, CP-SAT
runs with a fixed seed and one worker by default, and every solve stops on CP-SAT's
deterministic work counter (``max_deterministic_time``), budgeted at
``DETERMINISTIC_PER_SECOND`` × ``time_limit``: the same input gives the same placements on a fast
or a slow machine, in about ``time_limit`` / 2 on a quiet one and up to ``time_limit`` × 1.5 on a
loaded one. ``WALL_CLOCK_FACTOR`` × ``time_limit`` is a wall-clock deadline for the whole call,
a safety net only; when it, not the work counter, ended a solve, ``stopped_by_wall_clock`` says
so and the result may then differ from run to run.
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pavilions import geometry

# Merged stands stay small: a run or block of up to four stalls (4 × 9 m² = 36 m²).
MAX_MERGE = 4
# Weights are floats; CP-SAT needs integers. Hundredths of a weight unit are precise enough.
SCALE = 100
# CP-SAT's work counter ("deterministic seconds") ran at 0.4 to 1 of the wall clock on the shared
# 2-core bench machine; half of ``time_limit`` leaves room for building the models.
DETERMINISTIC_PER_SECOND = 0.5
# The wall-clock safety net, in multiples of ``time_limit``: loose enough that on a loaded machine
# (a work unit took up to 2.5 s on the shared bench VM) the work counter still stops the search.
WALL_CLOCK_FACTOR = 3.0
# Beyond this many (exhibitor, block) variables one model is too slow for one worker: solve by component.
MAX_VARIABLES = 30_000
# Up to this many, CP-SAT proves the preferences optimal too, rather than improving them by neighbourhoods.
EXACT_VARIABLES = 2_000
# Areas are drawn to the centimetre: 9 m² drawn as 2.999 × 3.001 still counts as 9 m².
AREA_TOLERANCE = 0.05


@dataclass(frozen=True)
class StallSpec:
    id: int
    code: str  # e.g. "H1-B-014"
    pavilion_id: int
    hall_id: int
    rect: geometry.Rect  # metres on the hall plan
    available: bool = True  # False when held or blocked: never assigned, except to a lock on it


@dataclass(frozen=True)
class PavilionSpec:
    id: int
    name: str
    kind: str  # "cluster", "women", "international", "enclave", "service"
    cluster_ids: frozenset[int]  # clusters it hosts (overflow pavilions host several)


@dataclass(frozen=True)
class ExhibitorSpec:
    id: int
    name: str
    cluster_id: int
    requested_area: float  # m² (9, 18 or 36)
    women_pavilion: bool  # chose the women entrepreneurs pavilion and is women-led (the caller checks)
    trade_body_id: int
    rank_score: float  # higher = better ranked nomination (0..100)
    competitor_key: str | None = None  # the same key: direct competitors
    locked_stall_ids: tuple[int, ...] = ()  # set by staff: kept exactly


@dataclass(frozen=True)
class Weights:
    """Preferences, all >= 0, in the same units; a placement is always worth more than all of them."""

    same_cluster_adjacent: float = 3.0  # per pair of neighbouring stalls held by one cluster
    corner_to_ranked: float = 1.0  # × rank_score / 100, for a stand with two or more open sides
    trade_body_near: float = 1.0  # per pair of neighbouring stalls held by one trade body
    competitors_facing: float = 2.0  # penalty per pair of competitors' stalls adjacent or facing (no reward then)
    trade_body_same_pavilion: float = 0.5  # per exhibitor joining one of its trade body in a pavilion
    home_pavilion: float = 2.0  # in its cluster's own pavilion (the host with fewest clusters), not overflow
    women_pavilion_choice: float = 15.0  # chose the women pavilion and got it: more than any neighbours bring
    area_waste: float = 0.05  # penalty per m² beyond the request
    rank_placed: float = 1.0  # × rank_score / 100 for being placed: when not all fit, the better ranked do


@dataclass(frozen=True)
class Placement:
    exhibitor_id: int
    stall_ids: tuple[int, ...]  # one stall, or adjacent stalls merged; sorted
    reason: str


@dataclass(frozen=True)
class Unplaced:
    exhibitor_id: int
    reason: str


@dataclass(frozen=True)
class Result:
    placements: tuple[Placement, ...]  # sorted by exhibitor id
    unplaced: tuple[Unplaced, ...]  # sorted by exhibitor id
    objective: float  # of the returned placements, by ``_score``
    bound: float  # proven upper bound (the trivial one without the solver)
    greedy_objective: float
    status: str  # "optimal", "feasible", "greedy" (the solver found nothing better, or did not run)
    solve_seconds: float  # wall time of the whole call
    placement_value: float = 0.0  # what one placement adds to the objective
    stopped_by_wall_clock: bool = False  # the safety-net wall limit, not the deterministic one, ended the search
    notes: tuple[str, ...] = ()  # how it was solved, when not as one model

    @property
    def preference_gap(self) -> float:
        """Bound minus objective as a share of the objective's preference part (0 when proven optimal)."""
        preferences = self.objective - self.placement_value * len(self.placements)
        return (self.bound - self.objective) / max(abs(preferences), 1.0)


# ---------------------------------------------------------------------------------------------
# The instance: geometry, eligibility and candidate blocks, computed once.


@dataclass(frozen=True)
class _Block:
    stalls: tuple[int, ...]  # sorted stall ids
    pavilion_id: int
    area: float
    corner: bool


class _Instance:
    def __init__(self, exhibitors, stalls, pavilions, weights: Weights):
        self.weights = weights
        self.exhibitors = sorted(exhibitors, key=lambda e: e.id)
        self.pavilions = {p.id: p for p in sorted(pavilions, key=lambda p: p.id)}
        # A stall of an unknown pavilion can hold nobody but a lock.
        self.stalls = {s.id: s for s in sorted(stalls, key=lambda s: s.id)}
        self.by_id = {e.id: e for e in self.exhibitors}
        self.stalls_of = defaultdict(list)
        for stall in self.stalls.values():
            self.stalls_of[stall.pavilion_id].append(stall.id)
        self.rank_position = {
            e.id: position
            for position, e in enumerate(sorted(self.exhibitors, key=lambda e: (-e.rank_score, e.id)), start=1)
        }
        self._geometry()
        self._hosts()
        self.keyed = {key for key, n in _count(e.competitor_key for e in self.exhibitors).items() if key and n > 1}

    def _geometry(self):
        by_hall = defaultdict(list)
        for stall in self.stalls.values():
            by_hall[stall.hall_id].append((stall.id, stall.rect))
        self.adjacent: dict[int, set[int]] = {}
        self.related: dict[int, set[int]] = {}  # adjacent or facing: where competitors should not be
        self.corner: dict[int, bool] = {}
        for items in by_hall.values():
            adjacent = geometry.neighbours(items)
            self.adjacent.update(adjacent)
            for key in adjacent:
                self.related[key] = set(adjacent[key])
            for pair in geometry.facing(items):
                a, b = tuple(pair)
                self.related[a].add(b)
                self.related[b].add(a)
            for key, rect in items:
                # Only stalls sharing an edge can close a side, so the neighbours are enough.
                self.corner[key] = geometry.open_sides(rect, [self.stalls[k].rect for k in adjacent[key]]) >= 2
        self.adjacent_pairs = sorted((a, b) for a, ns in self.adjacent.items() for b in ns if a < b)
        self.related_pairs = sorted((a, b) for a, ns in self.related.items() for b in ns if a < b)

    def _hosts(self):
        hosts = defaultdict(list)
        for pavilion in self.pavilions.values():
            for cluster in pavilion.cluster_ids:
                hosts[cluster].append(pavilion)
        # The host with the fewest clusters is the cluster's own pavilion; the others are overflow.
        self.home = {
            cluster: {p.id for p in ps if len(p.cluster_ids) == min(len(q.cluster_ids) for q in ps)}
            for cluster, ps in hosts.items()
        }
        self.women_pavilions = [p.id for p in self.pavilions.values() if p.kind == "women"]

    def eligible(self, exhibitor: ExhibitorSpec, pavilion_id: int) -> bool:
        pavilion = self.pavilions.get(pavilion_id)
        if pavilion is None:
            return False
        return exhibitor.cluster_id in pavilion.cluster_ids or (exhibitor.women_pavilion and pavilion.kind == "women")

    def eligible_pavilions(self, exhibitor: ExhibitorSpec) -> list[int]:
        return [p for p in self.pavilions if self.eligible(exhibitor, p)]

    def block(self, stall_ids: Iterable[int]) -> _Block:
        ids = tuple(sorted(stall_ids))
        return _Block(
            stalls=ids,
            pavilion_id=self.stalls[ids[0]].pavilion_id,
            area=sum(self.stalls[s].rect.area for s in ids),
            corner=any(self.corner[s] for s in ids),
        )

    def blocks(self, free: set[int]) -> dict[int, list[_Block]]:
        """Per pavilion, the connected sets of up to MAX_MERGE free stalls, each once."""
        by_pavilion = defaultdict(list)
        for stall_id in sorted(free):
            stall = self.stalls[stall_id]
            if stall.pavilion_id not in self.pavilions:
                continue
            # Grow sets whose smallest id is this stall, so each set is found from one start only.
            level = {frozenset((stall_id,))}
            for size in range(1, MAX_MERGE + 1):
                by_pavilion[stall.pavilion_id].extend(self.block(s) for s in sorted(level, key=sorted))
                if size == MAX_MERGE:
                    break
                level = {
                    group | {n}
                    for group in level
                    for member in group
                    for n in self.adjacent[member]
                    if n > stall_id and n not in group and n in free and self.stalls[n].pavilion_id == stall.pavilion_id
                }
        return by_pavilion

    # Linear terms of an exhibitor on a block, in SCALE units, placement excluded.
    def linear(self, exhibitor: ExhibitorSpec, block: _Block) -> int:
        w = self.weights
        value = 0.0
        waste = max(0.0, block.area - exhibitor.requested_area)
        value -= w.area_waste * waste
        rank = min(max(exhibitor.rank_score, 0.0), 100.0) / 100
        value += w.rank_placed * rank
        if block.corner:
            value += w.corner_to_ranked * rank
        pavilion = self.pavilions.get(block.pavilion_id)
        if pavilion is not None:
            if exhibitor.women_pavilion and pavilion.kind == "women":
                value += w.women_pavilion_choice
            if pavilion.id in self.home.get(exhibitor.cluster_id, ()):
                value += w.home_pavilion
        return round(value * SCALE)

    def scaled(self, weight: float) -> int:
        return round(weight * SCALE)


def _count(values: Iterable) -> dict:
    counts = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


def _fits(block: _Block, requested: float, stalls) -> bool:
    """At least the request, and minimal: dropping any stall would fall short (no needless merges)."""
    if block.area < requested - AREA_TOLERANCE:
        return False
    if len(block.stalls) == 1:
        return True
    smallest = min(stalls[s].rect.area for s in block.stalls)
    return block.area - smallest < requested - AREA_TOLERANCE


# ---------------------------------------------------------------------------------------------
# Scoring: one function for greedy and solver results, and the greedy's increments.


def _pair_value(inst: _Instance, a: ExhibitorSpec, b: ExhibitorSpec, adjacent: bool) -> int:
    """Two different exhibitors on adjacent (or else facing) stalls; competitors get no reward for it."""
    w = inst.weights
    if a.competitor_key and a.competitor_key == b.competitor_key:
        return -inst.scaled(w.competitors_facing)
    value = 0
    if adjacent and a.cluster_id == b.cluster_id:
        value += inst.scaled(w.same_cluster_adjacent)
    if adjacent and a.trade_body_id == b.trade_body_id:
        value += inst.scaled(w.trade_body_near)
    return value


def _score(inst: _Instance, assignment: dict[int, _Block], big: int) -> int:
    """The objective of an assignment (exhibitor id → block), in SCALE units."""
    total = 0
    holder = {}
    per_pavilion_body = defaultdict(int)
    for exhibitor_id, block in assignment.items():
        exhibitor = inst.by_id[exhibitor_id]
        total += big + inst.linear(exhibitor, block)
        per_pavilion_body[block.pavilion_id, exhibitor.trade_body_id] += 1
        for s in block.stalls:
            holder[s] = exhibitor
    for a, b in inst.related_pairs:
        if a in holder and b in holder and holder[a].id != holder[b].id:
            total += _pair_value(inst, holder[a], holder[b], b in inst.adjacent[a])
    same_pavilion = inst.scaled(inst.weights.trade_body_same_pavilion)
    total += sum(same_pavilion * (n - 1) for n in per_pavilion_body.values())
    return total


class _Greedy:
    """Places exhibitors one by one on the free block that adds most to ``_score``."""

    def __init__(self, inst: _Instance, big: int):
        self.inst = inst
        self.big = big
        self.holder: dict[int, ExhibitorSpec] = {}
        self.per_pavilion_body = defaultdict(int)
        self.assignment: dict[int, _Block] = {}

    def gain(self, exhibitor: ExhibitorSpec, block: _Block) -> int:
        inst = self.inst
        value = self.big + inst.linear(exhibitor, block)
        for s in block.stalls:
            for t in inst.related[s]:
                other = self.holder.get(t)
                if other is not None:
                    value += _pair_value(inst, exhibitor, other, t in inst.adjacent[s])
        if self.per_pavilion_body[block.pavilion_id, exhibitor.trade_body_id]:
            value += inst.scaled(inst.weights.trade_body_same_pavilion)
        return value

    def place(self, exhibitor: ExhibitorSpec, block: _Block):
        self.assignment[exhibitor.id] = block
        self.per_pavilion_body[block.pavilion_id, exhibitor.trade_body_id] += 1
        for s in block.stalls:
            self.holder[s] = exhibitor

    def remove(self, exhibitor: ExhibitorSpec) -> _Block:
        block = self.assignment.pop(exhibitor.id)
        self.per_pavilion_body[block.pavilion_id, exhibitor.trade_body_id] -= 1
        for s in block.stalls:
            del self.holder[s]
        return block

    def repair(self, exhibitor: ExhibitorSpec, candidates, locked) -> bool:
        """Place an exhibitor left out by moving one placed exhibitor elsewhere, if that frees a block."""
        for block in candidates[exhibitor.id]:
            occupants = {self.holder[s].id for s in block.stalls if s in self.holder}
            if len(occupants) != 1 or next(iter(occupants)) in locked:
                continue
            other = self.inst.by_id[occupants.pop()]
            before = self.remove(other)
            self.place(exhibitor, block)
            moved = self.best(other, candidates[other.id])
            if moved is not None:
                self.place(other, moved)
                return True
            self.remove(exhibitor)
            self.place(other, before)
        return False

    def best(self, exhibitor: ExhibitorSpec, candidates: Sequence[_Block]) -> _Block | None:
        best, best_gain = None, None
        for block in candidates:
            if any(s in self.holder for s in block.stalls):
                continue
            gain = self.gain(exhibitor, block)
            # Candidates come sorted by (pavilion, stalls): ties go to the first, deterministically.
            if best_gain is None or gain > best_gain:
                best, best_gain = block, gain
        return best


# ---------------------------------------------------------------------------------------------
# The allocation.


def allocate(
    *,
    exhibitors: Sequence[ExhibitorSpec],
    stalls: Sequence[StallSpec],
    pavilions: Sequence[PavilionSpec],
    weights: Weights = Weights(),  # frozen, so sharing the default is safe
    time_limit: float = 10.0,
    workers: int = 1,
    seed: int = 0,
) -> Result:
    """Place as many exhibitors as the hard rules allow, then as the weights prefer.

    ``time_limit``: about the seconds the call may take, spent as a deterministic budget (see
    the module docstring); 0 runs the greedy pass only. Never raises on infeasible input: whoever cannot be
    placed is in ``unplaced`` with a reason.
    """
    started = time.perf_counter()
    inst = _Instance(exhibitors, stalls, pavilions, weights)

    # Locks first, in exhibitor id order: the later of two locks on one stall loses.
    locked: dict[int, _Block] = {}
    unplaced: dict[int, str] = {}
    taken_by: dict[int, int] = {}
    for exhibitor in inst.exhibitors:
        if not exhibitor.locked_stall_ids:
            continue
        ids = sorted(set(exhibitor.locked_stall_ids))
        unknown = [s for s in ids if s not in inst.stalls]
        clash = [s for s in ids if s in taken_by]
        if unknown:
            unplaced[exhibitor.id] = f"locked stall id {unknown[0]} does not exist"
        elif clash:
            stall = inst.stalls[clash[0]]
            unplaced[exhibitor.id] = f"locked stall {stall.code} is also locked for exhibitor {taken_by[clash[0]]}"
        else:
            locked[exhibitor.id] = inst.block(ids)
            for s in ids:
                taken_by[s] = exhibitor.id
    free = {s.id for s in inst.stalls.values() if s.available and s.id not in taken_by}
    blocks = inst.blocks(free)

    # Candidates per exhibitor, in (pavilion, stalls) order.
    candidates: dict[int, list[_Block]] = {}
    for exhibitor in inst.exhibitors:
        if exhibitor.id in locked or exhibitor.id in unplaced:
            continue
        candidates[exhibitor.id] = [
            block
            for pavilion_id in inst.eligible_pavilions(exhibitor)
            for block in blocks.get(pavilion_id, ())
            if _fits(block, exhibitor.requested_area, inst.stalls)
        ]

    big = _placement_value(inst, candidates, locked)

    # Greedy: locks, then women-pavilion choosers into women pavilions, then everyone by rank.
    greedy = _Greedy(inst, big)
    for exhibitor_id, block in locked.items():
        greedy.place(inst.by_id[exhibitor_id], block)
    by_rank = sorted((inst.by_id[i] for i in candidates), key=lambda e: (-e.rank_score, e.id))
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
    greedy_objective = _score(inst, greedy.assignment, big)

    assignment, objective, bound, status, wall_stop = dict(greedy.assignment), greedy_objective, None, "greedy", False
    notes = []
    if time_limit > 0 and any(candidates.values()):
        # The wall clock is only a safety net (see the module docstring).
        limits = {"deadline": started + WALL_CLOCK_FACTOR * time_limit, "workers": workers, "seed": seed}
        det_budget = time_limit * DETERMINISTIC_PER_SECOND
        if sum(map(len, candidates.values())) <= MAX_VARIABLES:
            solved = _solve(inst, candidates, locked, greedy.assignment, big, det_budget=det_budget, **limits)
        else:
            solved = _solve_by_component(inst, candidates, locked, greedy.assignment, big, det_budget, limits)
            notes.append("solved by component, one after another; the bound is the trivial one")
        if solved is not None:
            solver_assignment, bound, solver_status, wall_stop = solved
            if solver_assignment is not None:
                solver_objective = _score(inst, solver_assignment, big)
                if solver_objective > greedy_objective:
                    assignment, objective, status = solver_assignment, solver_objective, solver_status
                elif solver_status == "optimal":
                    status = "optimal"  # greedy was already optimal, and it is proven
    if bound is None:
        bound = _trivial_bound(inst, candidates, locked, big)
    bound = max(bound, objective)  # the bounds hold for ``_score``; this only guards against rounding

    holder = {s: e for e, b in assignment.items() for s in b.stalls}
    placements = tuple(
        Placement(e, assignment[e].stalls, _reason(inst, inst.by_id[e], assignment[e], holder, e in locked))
        for e in sorted(assignment)
    )
    for exhibitor_id in candidates:
        if exhibitor_id not in assignment:
            unplaced[exhibitor_id] = _unplaced_reason(inst, inst.by_id[exhibitor_id], candidates[exhibitor_id])
    return Result(
        placements=placements,
        unplaced=tuple(Unplaced(e, unplaced[e]) for e in sorted(unplaced)),
        objective=objective / SCALE,
        bound=bound / SCALE,
        greedy_objective=greedy_objective / SCALE,
        status=status,
        solve_seconds=time.perf_counter() - started,
        placement_value=big / SCALE,
        stopped_by_wall_clock=wall_stop,
        notes=tuple(notes),
    )


def _placement_value(inst: _Instance, candidates, locked) -> int:
    """More than the preferences of any solution can add or take away, so placing always wins."""
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


def _trivial_bound(inst: _Instance, candidates, locked, big: int, count: int | None = None) -> int:
    """An upper bound: everyone with a candidate (or the ``count`` proven possible) placed on their
    best block, and every pair of neighbouring stalls rewarded."""
    w = inst.weights
    best = sorted(
        (max(0, max(inst.linear(inst.by_id[e], b) for b in blocks)) for e, blocks in candidates.items() if blocks),
        reverse=True,
    )
    placed = len(best) if count is None else min(count, len(best))
    total = big * placed + sum(best[:placed])
    for exhibitor_id, block in locked.items():
        total += big + inst.linear(inst.by_id[exhibitor_id], block)
    total += inst.scaled(w.same_cluster_adjacent + w.trade_body_near) * len(inst.adjacent_pairs)
    total += inst.scaled(w.trade_body_same_pavilion) * len(inst.exhibitors)
    return total


class _Model:
    """The CP-SAT model of placing ``candidates`` around the ``fixed`` placements.

    One boolean per (exhibitor, candidate block). Pairwise preferences are aggregated per stall:
    "stall s holds cluster c" is the sum of the blocks covering s for exhibitors of c, so
    auxiliary booleans exist only for neighbouring or facing stalls and the values (cluster,
    trade body, competitor key) that could meet there. At any optimum the preference objective
    equals ``_score``'s preferences; ``_score`` is what is reported.
    """

    def __init__(self, inst: _Instance, candidates, fixed, *, must_place=frozenset(), bonus: int = 0):
        from ortools.sat.python import cp_model  # imported here: greedy-only callers need no OR-Tools

        self.cp_model = cp_model
        self.inst = inst
        self.fixed = fixed
        model = self.model = cp_model.CpModel()
        preference = self.preference = []
        # Fixed placements enter as constants so the pair terms see them like any other.
        choices = self.choices = [(e, b, model.NewConstant(1)) for e, b in fixed.items()]
        self.free_xs = []
        for exhibitor_id, blocks in candidates.items():
            xs = []
            exhibitor = inst.by_id[exhibitor_id]
            for block in blocks:
                x = model.NewBoolVar("")
                xs.append(x)
                choices.append((exhibitor_id, block, x))
                preference.append((bonus + inst.linear(exhibitor, block)) * x)
            if exhibitor_id in must_place:
                model.AddExactlyOne(xs)
            elif len(xs) > 1:
                model.AddAtMostOne(xs)
            self.free_xs.extend(xs)

        covering = defaultdict(list)  # stall → [(exhibitor, x)]
        together = defaultdict(list)  # (stall, stall) related and in one block → [x]
        per_pavilion_body = defaultdict(list)
        for exhibitor_id, block, x in choices:
            exhibitor = inst.by_id[exhibitor_id]
            per_pavilion_body[block.pavilion_id, exhibitor.trade_body_id].append((exhibitor_id, x))
            for s in block.stalls:
                covering[s].append((exhibitor, x))
            for i, s in enumerate(block.stalls):
                for t in block.stalls[i + 1 :]:
                    if t in inst.related[s]:
                        together[s, t].append(x)
        for items in covering.values():
            if len(items) > 1:
                model.AddAtMostOne(x for _, x in items)

        w = inst.weights

        def key(e):
            return e.competitor_key if e.competitor_key in inst.keyed else None

        # (what both stalls must hold, weight, adjacent only). The last two take back, from
        # competitors, the same-cluster and trade-body rewards the first two gave them, so the
        # sum is ``_pair_value``.
        pair_terms = (
            (lambda e: e.cluster_id, inst.scaled(w.same_cluster_adjacent), True),
            (lambda e: e.trade_body_id, inst.scaled(w.trade_body_near), True),
            (key, -inst.scaled(w.competitors_facing), False),
            (lambda e: key(e) and (key(e), e.cluster_id), -inst.scaled(w.same_cluster_adjacent), True),
            (lambda e: key(e) and (key(e), e.trade_body_id), -inst.scaled(w.trade_body_near), True),
        )
        self.auxiliary = []  # (variable, its value from an assignment's stall holders)
        stalls = sorted(covering)
        for s in stalls:
            for t in sorted(inst.related[s]):
                if t <= s or t not in covering:
                    continue
                if all(e.id in fixed for e, _ in covering[s] + covering[t]):
                    continue  # fixed on both sides: a constant
                self._pair(s, t, t in inst.adjacent[s], covering, together, pair_terms)

        same_pavilion = inst.scaled(w.trade_body_same_pavilion)
        if same_pavilion:
            for (pavilion_id, _), items in sorted(per_pavilion_body.items()):
                ids = {e for e, _ in items}
                if len(ids) < 2 or ids <= set(fixed):
                    continue
                # Reward n - [n ≥ 1]: every exhibitor of the body in the pavilion after the first.
                present = model.NewBoolVar("")
                for _, x in items:
                    model.Add(present >= x)
                preference.append(same_pavilion * sum(x for _, x in items))
                preference.append(-same_pavilion * present)
                self.auxiliary.append(
                    (
                        present,
                        lambda holder, ids=ids, pavilion_id=pavilion_id: any(
                            e.id in ids and inst.stalls[s].pavilion_id == pavilion_id for s, e in holder.items()
                        ),
                    )
                )

    def _pair(self, s, t, adjacent, covering, together, pair_terms):
        model = self.model
        apart = 1 - sum(together[s, t]) if together[s, t] else 1  # 0 when one exhibitor's block covers both
        for attribute, weight, needs_adjacent in pair_terms:
            if weight == 0 or (needs_adjacent and not adjacent):
                continue
            at_s, at_t = defaultdict(list), defaultdict(list)
            for exhibitor, x in covering[s]:
                at_s[attribute(exhibitor)].append((exhibitor.id, x))
            for exhibitor, x in covering[t]:
                at_t[attribute(exhibitor)].append((exhibitor.id, x))
            for value in sorted(set(at_s) & set(at_t) - {None}, key=str):
                # Only one exhibitor could hold both: then ``apart`` is 0 and the term always is.
                if len({e for e, _ in at_s[value]} | {e for e, _ in at_t[value]}) < 2:
                    continue
                holds_s = sum(x for _, x in at_s[value])
                holds_t = sum(x for _, x in at_t[value])
                y = model.NewBoolVar("")
                if weight > 0:  # a reward: y may be 1 only when both stalls hold the value, apart
                    model.Add(y <= holds_s)
                    model.Add(y <= holds_t)
                    model.Add(y <= apart)
                else:  # a penalty: y must be 1 when both do
                    model.Add(y >= holds_s + holds_t - 2 + apart)
                self.preference.append(weight * y)
                self.auxiliary.append(
                    (
                        y,
                        lambda holder, value=value, attribute=attribute: (
                            s in holder
                            and t in holder
                            and holder[s].id != holder[t].id
                            and attribute(holder[s]) == value == attribute(holder[t])
                        ),
                    )
                )

    def hint(self, assignment):
        self.model.ClearHints()
        for exhibitor_id, block, x in self.choices:
            if exhibitor_id not in self.fixed:
                self.model.AddHint(x, assignment.get(exhibitor_id) == block)
        holder = {s: self.inst.by_id[e] for e, b in assignment.items() for s in b.stalls}
        for variable, value in self.auxiliary:
            self.model.AddHint(variable, bool(value(holder)))

    def solve(self, *, det_budget, deadline, linearization, workers, seed):
        """(solver, status code, stopped by the wall clock)."""
        solver = self.cp_model.CpSolver()
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        solver.parameters.linearization_level = linearization
        solver.parameters.max_deterministic_time = max(det_budget, 0.01)
        solver.parameters.max_time_in_seconds = max(0.1, deadline - time.perf_counter())
        # Presolve's clique merging and probing can eat a short budget before the search starts.
        solver.parameters.merge_at_most_one_work_limit = 1e7
        solver.parameters.presolve_probing_deterministic_time_limit = det_budget / 10
        # Probing and symmetry detection cost more than they save on these models: without
        # them the demo expo's count is proven in a third of the work (0.44 against 1.24 units).
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
        code = solver.Solve(self.model)
        wall_stop = solver.deterministic_time < det_budget * 0.99 and time.perf_counter() >= deadline
        return solver, code, wall_stop

    def found(self, code) -> bool:
        return code in (self.cp_model.OPTIMAL, self.cp_model.FEASIBLE)

    def read(self, solver):
        return {e: b for e, b, x in self.choices if e in self.fixed or solver.BooleanValue(x)}


def _solve(inst: _Instance, candidates, locked, hint, big, *, deadline, det_budget, workers, seed):
    """The number placed by CP-SAT, then the preferences by neighbourhoods, keeping that number.

    Lexicographic rather than one weighted sum: with ``big`` in the objective the LP bound counts
    fractional placements and proves nothing, while the count alone is proven optimal in about
    a second on the demo expo. For the preferences one worker's CP-SAT search on the whole
    hardly improves a hint and its bound was looser than ``_trivial_bound``, so ``_improve``
    re-solves small neighbourhoods of pavilions exactly instead. ``locked`` are the fixed
    placements. Returns (assignment, bound or None, status, wall_stop), or None.
    """
    limits = {"deadline": deadline, "workers": workers, "seed": seed}
    whole = _Model(inst, candidates, locked)
    whole.model.Maximize(sum(whole.free_xs))
    whole.hint(hint)
    # Most of the budget to the count: it comes first, and proving it takes a while on big groups.
    solver, code, wall_stop = whole.solve(det_budget=det_budget * 0.7, linearization=1, **limits)
    if not whole.found(code):
        return None
    count_proven = code == whole.cp_model.OPTIMAL
    count = round(solver.ObjectiveValue())
    # ``hint`` may hold everyone (when solving one group); only the candidates' placements change.
    current = dict(hint)
    if count > sum(e in hint for e in candidates):
        for e in candidates:
            current.pop(e, None)
        current.update((e, b) for e, b in whole.read(solver).items() if e in candidates)
    left = det_budget - solver.deterministic_time
    # When more could be placed, only the trivial bound holds.
    bound = _trivial_bound(inst, candidates, locked, big, count=count) if count_proven else None

    if len(whole.free_xs) <= EXACT_VARIABLES:
        # Small enough for CP-SAT to prove the preferences optimal too.
        whole.model.Add(sum(whole.free_xs) >= count)
        whole.model.Maximize(sum(whole.preference))
        whole.hint(current)
        solver, code, stopped = whole.solve(det_budget=left, linearization=2, **limits)
        if whole.found(code):
            solved = {e: b for e, b in current.items() if e not in candidates}
            solved.update((e, b) for e, b in whole.read(solver).items() if e in candidates)
            if _score(inst, solved, big) > _score(inst, current, big):
                current = solved
            if count_proven:
                constant = big * len(locked) + sum(inst.linear(inst.by_id[e], b) for e, b in locked.items())
                bound = min(bound, constant + big * count + round(solver.BestObjectiveBound()))
                if code == whole.cp_model.OPTIMAL:
                    return current, bound, "optimal", wall_stop or stopped
        return current, bound, "feasible", wall_stop or stopped

    current, _, stopped = _improve(inst, candidates, locked, current, big, left, limits)
    return current, bound, "feasible", wall_stop or stopped


# A neighbourhood: this many stalls or so, pavilions taken whole; solved exactly in a fraction of a second.
NEIGHBOURHOOD_STALLS = 24


def _improve(inst: _Instance, candidates, locked, assignment, big, det_budget, limits):
    """Large-neighbourhood search: free the exhibitors of a few nearby pavilions, re-place them exactly.

    Neighbourhoods grow from each pavilion in turn, by pavilions sharing eligible exhibitors or
    touching stalls, until they reach ``NEIGHBOURHOOD_STALLS``; those placed there stay placed there,
    those unplaced who could go there may be added. A new placement is kept only if ``_score``
    rises. Stops when a full round finds nothing, or the budget is spent. Returns
    (assignment, deterministic time used, stopped by the wall clock).
    """
    linked = defaultdict(set)
    for a, b in inst.related_pairs:
        pa, pb = inst.stalls[a].pavilion_id, inst.stalls[b].pavilion_id
        if pa != pb:
            linked[pa].add(pb)
            linked[pb].add(pa)
    for blocks in candidates.values():
        pavilions = sorted({b.pavilion_id for b in blocks})
        for p in pavilions:
            linked[p].update(q for q in pavilions if q != p)
    seeds = sorted({b.pavilion_id for blocks in candidates.values() for b in blocks})
    reachable = set(seeds)  # when solving one group, the others' pavilions stay out of its windows
    used, wall_stop = 0.0, False
    current, score = dict(assignment), _score(inst, assignment, big)
    quiet = 0  # seeds in a row without a gain
    index = 0
    while seeds and quiet < len(seeds) and used < det_budget and not wall_stop:
        seed_pavilion = seeds[index % len(seeds)]
        index += 1
        window, size, frontier = {seed_pavilion}, len(inst.stalls_of[seed_pavilion]), [seed_pavilion]
        while frontier and size < NEIGHBOURHOOD_STALLS:
            nxt = []
            for p in frontier:
                for q in sorted(linked[p]):
                    # Checked before adding, so a large pavilion still gets a neighbour to trade with.
                    if q in reachable and q not in window and size < NEIGHBOURHOOD_STALLS:
                        window.add(q)
                        size += len(inst.stalls_of[q])
                        nxt.append(q)
            frontier = nxt
        placed_here = [e for e, b in current.items() if b.pavilion_id in window and e in candidates]
        others = [e for e in candidates if e not in current and any(b.pavilion_id in window for b in candidates[e])]
        sub = {e: [b for b in candidates[e] if b.pavilion_id in window] for e in placed_here + others}
        near = {s for p in window for s in inst.stalls_of[p]}
        near |= {t for s in list(near) for t in inst.related[s]}
        fixed = {
            e: b
            for e, b in current.items()
            if e not in sub and (b.pavilion_id in window or any(s in near for s in b.stalls))
        }
        # Who is placed here stays placed; the unplaced who could come in are worth a placement each.
        model = _Model(inst, sub, fixed, must_place=frozenset(placed_here), bonus=big)
        budget = min(det_budget - used, 0.5)
        model.model.Maximize(sum(model.preference))
        model.hint(current)
        solver, code, wall_stop = model.solve(det_budget=budget, linearization=2, **limits)
        used += solver.deterministic_time
        if not model.found(code):
            quiet += 1
            continue
        candidate = dict(current)
        for e in sub:
            candidate.pop(e, None)
        candidate.update((e, b) for e, b in model.read(solver).items() if e in sub)
        new_score = _score(inst, candidate, big)
        if new_score > score:
            current, score, quiet = candidate, new_score, 0
        else:
            quiet += 1
    return current, used, wall_stop


def _solve_by_component(inst: _Instance, candidates, locked, hint, big, det_budget, limits):
    """Large instances: one model per group of pavilions, each solved with everyone else fixed.

    Groups are the connected components of pavilions that share a cluster; the women pavilions
    form one group. Each exhibitor is solved in one group only: the women group if the greedy
    pass put it there, else its cluster's. Groups are solved in turn (by smallest pavilion id),
    each seeing the latest placements of the others, so neighbours across groups still count.
    The bound of such a solve holds only for its group, so the caller reports the trivial one.
    """
    parent = {p: p for p in inst.pavilions}

    def find(p):
        if p not in parent:
            return None  # a lock in a pavilion not given: in no group
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    hosts = defaultdict(list)
    for pavilion in inst.pavilions.values():
        for cluster in pavilion.cluster_ids:
            hosts[cluster].append(pavilion.id)
    linked = [ps for _, ps in sorted(hosts.items())] + [inst.women_pavilions]
    for ps in linked:
        for p in ps[1:]:
            parent[find(p)] = find(ps[0])
    women_group = find(inst.women_pavilions[0]) if inst.women_pavilions else None

    members = defaultdict(list)
    for exhibitor_id in candidates:
        exhibitor = inst.by_id[exhibitor_id]
        placed = hint.get(exhibitor_id)
        if placed is not None and inst.pavilions[placed.pavilion_id].kind == "women":
            group = women_group
        elif hosts.get(exhibitor.cluster_id):
            group = find(hosts[exhibitor.cluster_id][0])
        else:
            group = women_group
        members[group].append(exhibitor_id)
    groups = sorted((g for g in members if g is not None), key=lambda g: min(p for p in parent if find(p) == g))

    current = dict(hint)
    # Budget by exhibitors, not variables: the women group has many blocks each but is easy.
    total = sum(len(members[g]) for g in groups) or 1
    wall_stop = False
    for group in groups:
        sub = {e: [b for b in candidates[e] if find(b.pavilion_id) == group] for e in members[group]}
        # Only the fixed placements the group can meet: in its pavilions or beside its stalls.
        near = {s for p in parent if find(p) == group for s in inst.stalls_of[p]}
        near |= {t for s in list(near) for t in inst.related[s]}
        fixed = {
            e: b
            for e, b in current.items()
            if e not in sub and (any(s in near for s in b.stalls) or find(b.pavilion_id) == group)
        }
        share = len(sub) / total
        solved = _solve(inst, sub, fixed, current, big, det_budget=det_budget * share, **limits)
        if solved is None or solved[0] is None:
            continue
        assignment, _, _, group_wall_stop = solved
        wall_stop = wall_stop or group_wall_stop
        if _score(inst, assignment, big) >= _score(inst, current, big):
            current = assignment
    # Each group may be optimal given the others, which proves nothing about the whole.
    return current, None, "feasible", wall_stop


# ---------------------------------------------------------------------------------------------
# Explanations.


def _reason(inst: _Instance, exhibitor: ExhibitorSpec, block: _Block, holder: dict[int, int], is_locked: bool) -> str:
    if is_locked:
        return "locked by staff"
    pavilion = inst.pavilions[block.pavilion_id]
    codes = ", ".join(inst.stalls[s].code for s in block.stalls)
    where = f"stall {codes}" if len(block.stalls) == 1 else f"stalls {codes} merged"
    if pavilion.kind == "women":
        head = f"Women entrepreneurs pavilion '{pavilion.name}' (chosen)"
    elif pavilion.id in inst.home.get(exhibitor.cluster_id, ()):
        head = f"Cluster pavilion '{pavilion.name}'"
    else:
        home = sorted(inst.home.get(exhibitor.cluster_id, ()))
        full = home and all(
            s in holder or not inst.stalls[s].available for p in home for s in inst.stalls_of.get(p, ())
        )
        names = ", ".join(f"'{inst.pavilions[p].name}'" for p in home)
        head = (
            f"cluster pavilion {names} full → overflow pavilion '{pavilion.name}'"
            if full
            else f"{pavilion.kind} pavilion '{pavilion.name}' (hosts its cluster)"
        )
    parts = [f"{head} → {where}"]
    if any(
        holder.get(t) not in (None, exhibitor.id) and inst.by_id[holder[t]].cluster_id == exhibitor.cluster_id
        for s in block.stalls
        for t in inst.adjacent[s]
    ):
        parts.append("next to its cluster")
    if block.corner:
        parts.append(f"corner (rank {inst.rank_position[exhibitor.id]})")
    return ", ".join(parts)


def _unplaced_reason(inst: _Instance, exhibitor: ExhibitorSpec, candidates: Sequence[_Block]) -> str:
    pavilions = inst.eligible_pavilions(exhibitor)
    if not pavilions:
        if exhibitor.women_pavilion:
            return f"no pavilion hosts cluster {exhibitor.cluster_id} and there is no women pavilion"
        return f"no pavilion hosts cluster {exhibitor.cluster_id}"
    names = ", ".join(f"'{inst.pavilions[p].name}'" for p in pavilions)
    area = f"{exhibitor.requested_area:g} m²"
    if not candidates:
        return f"no free block of ≥ {area} in pavilions hosting its cluster ({names})"
    return f"no block of ≥ {area} left in {names}: more exhibitors fit this way, the better ranked first"


def explain(result: Result, exhibitor_id: int) -> str:
    """The reason given for one exhibitor, placed or not."""
    for placement in result.placements:
        if placement.exhibitor_id == exhibitor_id:
            return placement.reason
    for unplaced in result.unplaced:
        if unplaced.exhibitor_id == exhibitor_id:
            return unplaced.reason
    return "not part of this allocation"


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
