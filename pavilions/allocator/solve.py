"""The allocation: the greedy pass, then CP-SAT on the count placed, then neighbourhoods on the preferences."""

import time
from collections import defaultdict
from collections.abc import Sequence

from .explain import lock_reason, reason_for, unplaced_reason
from .greedy import Greedy, assignment_score
from .instance import Block, Instance, fits
from .specs import (
    DEFAULT_WEIGHTS,
    DETERMINISTIC_PER_SECOND,
    EXACT_VARIABLES,
    MAX_VARIABLES,
    SCALE,
    WALL_CLOCK_FACTOR,
    ExhibitorSpec,
    PavilionSpec,
    Placement,
    Reason,
    Result,
    StallSpec,
    Unplaced,
    Weights,
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
    workers: int = 1,
    seed: int = 0,
) -> Result:
    """Place as many exhibitors as the hard rules allow, then as the weights prefer.

    ``time_limit``: about the seconds the call may take, spent as a deterministic budget (see
    the module docstring); 0 runs the greedy pass only. Never raises on infeasible input: whoever cannot be
    placed is in ``unplaced`` with a reason.
    """
    started = time.perf_counter()
    inst = Instance(exhibitors, stalls, pavilions, weights)

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
    free = {s.id for s in inst.stalls.values() if s.available and s.id not in taken_by}
    blocks = inst.blocks(free)

    # Candidates per exhibitor, in (pavilion, stalls) order.
    candidates: dict[int, list[Block]] = {}
    for exhibitor in inst.exhibitors:
        if exhibitor.id in locked or exhibitor.id in unplaced:
            continue
        candidates[exhibitor.id] = [
            block
            for pavilion_id in inst.eligible_pavilions(exhibitor)
            for block in blocks.get(pavilion_id, ())
            if fits(block, exhibitor.requested_area, inst.stalls)
        ]

    big = _placement_value(inst, candidates, locked)

    # Greedy: locks, then women-pavilion choosers into women pavilions, then everyone by rank.
    greedy = Greedy(inst, big)
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
    greedy_objective = assignment_score(inst, greedy.assignment, big)

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
                solver_objective = assignment_score(inst, solver_assignment, big)
                if solver_objective > greedy_objective:
                    assignment, objective, status = solver_assignment, solver_objective, solver_status
                elif solver_status == "optimal":
                    status = "optimal"  # greedy was already optimal, and it is proven
    if bound is None:
        bound = _trivial_bound(inst, candidates, locked, big)
    bound = max(bound, objective)  # the bounds hold for ``assignment_score``; this only guards against rounding

    holder = {s: e for e, b in assignment.items() for s in b.stalls}
    placements = tuple(
        Placement(e, assignment[e].stalls, reason_for(inst, inst.by_id[e], assignment[e], holder, e in locked))
        for e in sorted(assignment)
    )
    for exhibitor_id in candidates:
        if exhibitor_id not in assignment:
            unplaced[exhibitor_id] = unplaced_reason(inst, inst.by_id[exhibitor_id], candidates[exhibitor_id])
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


def _placement_value(inst: Instance, candidates, locked) -> int:
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


def _trivial_bound(inst: Instance, candidates, locked, big: int, count: int | None = None) -> int:
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
    equals ``assignment_score``'s preferences; ``assignment_score`` is what is reported.
    """

    def __init__(self, inst: Instance, candidates, fixed, *, must_place=frozenset(), bonus: int = 0):
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


def _solve(inst: Instance, candidates, locked, hint, big, *, deadline, det_budget, workers, seed):
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
            if assignment_score(inst, solved, big) > assignment_score(inst, current, big):
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


def _improve(inst: Instance, candidates, locked, assignment, big, det_budget, limits):
    """Large-neighbourhood search: free the exhibitors of a few nearby pavilions, re-place them exactly.

    Neighbourhoods grow from each pavilion in turn, by pavilions sharing eligible exhibitors or
    touching stalls, until they reach ``NEIGHBOURHOOD_STALLS``; those placed there stay placed there,
    those unplaced who could go there may be added. A new placement is kept only if ``assignment_score``
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
    current, score = dict(assignment), assignment_score(inst, assignment, big)
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
        new_score = assignment_score(inst, candidate, big)
        if new_score > score:
            current, score, quiet = candidate, new_score, 0
        else:
            quiet += 1
    return current, used, wall_stop


def _solve_by_component(inst: Instance, candidates, locked, hint, big, det_budget, limits):
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
        if assignment_score(inst, assignment, big) >= assignment_score(inst, current, big):
            current = assignment
    # Each group may be optimal given the others, which proves nothing about the whole.
    return current, None, "feasible", wall_stop
