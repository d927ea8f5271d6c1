"""The third stage: the preferences, their CP-SAT model, its bounds and the neighbourhood search."""

import itertools
import math
import time
from collections import defaultdict

from .by_pavilion import PavilionChoice
from .greedy import assignment_score
from .instance import Instance
from .packing import cp_solver, floor_bound, lp_relaxations
from .specs import BY_PAVILION_VARIABLES, EXACT_VARIABLES, LP_VARIABLES, SCALE, Stage

# Shares of the preference stage's budget: who goes to which pavilion (``PavilionChoice``), then
# arranging each pavilion; the rest goes to the exact solve or the neighbourhood search.
CHOICE_SHARE = 0.5
ARRANGE_SHARE = 0.3


def trivial_bound(inst: Instance, candidates, locked, count: int) -> int:
    """An upper bound on the preferences, without any LP: ``count`` of those with a candidate
    placed on their best blocks, the women pavilion's reward counted at most once per stall of
    a women pavilion; each pair of neighbouring stalls in a pavilion rewarded at most as often as
    the clusters and trade bodies who could go there can make pairs (``NeighbourCaps``), and
    every pair across pavilions rewarded."""
    w = inst.weights
    women = inst.scaled(w.women_pavilion_choice)

    def in_women(exhibitor_id, block):
        pavilion = inst.pavilions.get(block.pavilion_id)
        return inst.by_id[exhibitor_id].women_pavilion and pavilion is not None and pavilion.kind == "women"

    # Without the women pavilion's reward (less one, for rounding), which is counted apart.
    best = sorted(
        (
            max(0, max(inst.linear(inst.by_id[e], b) - (women - 1 if in_women(e, b) else 0) for b in blocks))
            for e, blocks in candidates.items()
            if blocks
        ),
        reverse=True,
    )
    total = sum(best[: max(0, count)])
    women_stalls = {s for e, blocks in candidates.items() for b in blocks if in_women(e, b) for s in b.stalls}
    choosers = sum(1 for e, blocks in candidates.items() if any(in_women(e, b) for b in blocks))
    total += women * min(choosers, len(women_stalls), max(0, count))
    for exhibitor_id, block in locked.items():
        total += inst.linear(inst.by_id[exhibitor_id], block)

    pair_terms = (
        (lambda e: e.cluster_id, inst.scaled(w.same_cluster_adjacent), True),
        (lambda e: e.trade_body_id, inst.scaled(w.trade_body_near), True),
    )
    blocks_in = defaultdict(list)
    for exhibitor_id, blocks in candidates.items():
        for block in blocks:
            blocks_in[block.pavilion_id, exhibitor_id].append(block)
    for exhibitor_id, block in locked.items():
        blocks_in[block.pavilion_id, exhibitor_id].append(block)
    caps = NeighbourCaps(inst, blocks_in, pair_terms)
    pairs_in = defaultdict(int)
    across = 0
    for a, b in inst.adjacent_pairs:
        if inst.stalls[a].pavilion_id == inst.stalls[b].pavilion_id:
            pairs_in[inst.stalls[a].pavilion_id] += 1
        else:
            across += 1
    capped = defaultdict(int)
    for key in caps.groups():
        capped[key[0], key[2]] += caps.of(key)[1]
    for term, (_, weight, _) in enumerate(pair_terms):
        total += weight * (across + sum(min(n, capped[term, p]) for p, n in pairs_in.items()))
    total += inst.scaled(w.trade_body_same_pavilion) * len(inst.exhibitors)
    return total


def preferences_stage(inst: Instance, candidates, locked, assignment, big, budget, limits, *, strict_rank):
    """(3) the preferences, given the values of the stages before: first who goes to which pavilion
    (``PavilionChoice``), arranged pavilion by pavilion; then exactly when the model is small, else
    by neighbourhoods keeping who is placed. Returns (assignment, stage, work).

    The bound is the tightest of: CP-SAT's, when it solved the stage's model; ``PavilionChoice``'s
    (up to ``BY_PAVILION_VARIABLES``); the LP relaxation of that model (GLOP), when the model is
    small or the choice gave none; the simple one (``trivial_bound``). The model keeps the earlier
    stages as constraints: in count-first order the count and the rank value (any exhibitors giving
    both may be placed), in strict rank order the very exhibitors placed, as that order chose them.
    """
    cpu = time.process_time()
    placed = {e: candidates[e] for e in assignment if e not in locked}
    current = dict(assignment)
    model = preference_model(inst, candidates, locked, placed, strict_rank=strict_rank)
    bounds = [trivial_bound(inst, placed if strict_rank else candidates, locked, len(placed))]
    used = 0.0
    variables = len(model.choices) - len(locked)
    if variables <= BY_PAVILION_VARIABLES and budget > 0.01:
        choice = PavilionChoice(inst, candidates, locked, placed, strict_rank=strict_rank)
        choice.hint(current)
        by_pavilion, start, spent = choice.solve(det_budget=budget * CHOICE_SHARE, **limits)
        used += spent
        if by_pavilion is not None:
            bounds.append(by_pavilion)
        if start is not None:
            share = budget * (CHOICE_SHARE + ARRANGE_SHARE) - used  # with what the choice left
            arranged, spent = arrange(inst, candidates, locked, start, det_budget=share, **limits)
            used += spent
            if assignment_score(inst, arranged, 0) > assignment_score(inst, current, 0):
                current = arranged
    constant = None
    if variables <= EXACT_VARIABLES or len(bounds) == 1:
        # Small enough to solve exactly, or no bound by pavilion: the LP relaxation too.
        constant, relaxed = relaxed_bound(inst, model, locked, current)
        if relaxed is not None:
            bounds.append(relaxed)
    if variables <= EXACT_VARIABLES and budget - used > 0.01:
        model.hint(current)
        solver, code = model.solve(det_budget=budget - used, linearization=2, **limits)
        used += solver.deterministic_time
        if model.found(code):
            solved = model.read(solver)
            if constant is None:
                # At least the constant, when some auxiliary variable is below its best.
                constant = assignment_score(inst, solved, 0) - round(solver.ObjectiveValue())
            if assignment_score(inst, solved, 0) > assignment_score(inst, current, 0):
                current = solved
            bounds.append(constant + math.floor(solver.BestObjectiveBound() + 1e-6))
    elif budget - used > 0.01:
        # Only those placed take part, so the count and the rank value cannot fall.
        placed_now = {e: candidates[e] for e in current if e not in locked}
        current, spent = improve(inst, placed_now, locked, current, big, budget - used, limits)
        used += spent
    value = assignment_score(inst, current, 0)
    bound = max(value, min(bounds))
    # CP-SAT's work counts can differ in the last bits from run to run; a billionth of a unit is plenty.
    used = round(used, 9)
    stage = Stage("preferences", value / SCALE, bound / SCALE, 0.0, value >= bound, used, time.process_time() - cpu)
    return current, stage, used


def relaxed_bound(inst: Instance, model: "PreferenceModel", locked, current) -> tuple[int | None, int | None]:
    """(what the model leaves out, the bound from its LP relaxation), in SCALE units; None for what
    is not known. The LP is skipped above ``LP_VARIABLES`` variables, where GLOP takes too long.

    What the model leaves out (the locks alone) is the score of ``current`` less the model's value
    of it, which the relaxation with the placements fixed gives exactly: every auxiliary variable
    then has integral bounds at its best.
    """
    if len(model.model.Proto().variables) > LP_VARIABLES:
        return None, None
    at_current, relaxed = lp_relaxations(
        model.model,
        {x.Index(): float(current.get(e) == b) for e, b, x in model.choices if e not in locked},
    )
    if at_current is None:
        return None, None
    constant = assignment_score(inst, current, 0) - round(at_current)
    if relaxed is None:
        return constant, None
    return constant, constant + floor_bound(relaxed)


def preference_model(inst: Instance, candidates, locked, placed, *, strict_rank) -> "PreferenceModel":
    """The preference stage's model: maximise the preferences keeping the earlier stages' values."""
    if strict_rank:
        model = PreferenceModel(inst, placed, locked, must_place=frozenset(placed))
    else:
        model = PreferenceModel(inst, {e: blocks for e, blocks in candidates.items() if blocks}, locked)
        free = [(e, x) for e, _, x in model.choices if e not in locked]
        model.model.Add(sum(x for _, x in free) == len(placed))
        model.model.Add(sum(inst.rank_weight[e] * x for e, x in free) == sum(inst.rank_weight[e] for e in placed))
    model.model.Maximize(sum(model.preference))
    return model


class PreferenceModel:
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
        self.rewarded = defaultdict(list)  # (term, value, pavilion) → pair rewards inside the pavilion
        stalls = sorted(covering)
        for s in stalls:
            for t in sorted(inst.related[s]):
                if t <= s or t not in covering:
                    continue
                if all(e.id in fixed for e, _ in covering[s] + covering[t]):
                    continue  # fixed on both sides: a constant
                self._pair(s, t, t in inst.adjacent[s], covering, together, pair_terms)
        self._cap_rewards(choices, pair_terms)

        same_pavilion = inst.scaled(w.trade_body_same_pavilion)
        if same_pavilion:
            for (pavilion_id, _), items in sorted(per_pavilion_body.items()):
                ids = {e for e, _ in items}
                if len(ids) < 2 or ids <= set(fixed):
                    continue
                # Reward n - [n ≥ 1]: every exhibitor of the body in the pavilion after the first.
                present = model.NewBoolVar("")
                # Per exhibitor, its blocks here together (one at most): a tighter LP relaxation.
                per_exhibitor = defaultdict(list)
                for exhibitor_id, x in items:
                    per_exhibitor[exhibitor_id].append(x)
                for xs in per_exhibitor.values():
                    model.Add(present >= sum(xs))
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

    def _cap_rewards(self, choices, pair_terms):
        """At most as many rewarded pairs of one cluster (or trade body) in a pavilion as its
        exhibitors who could go there can make (``NeighbourCaps``). Always true, so nothing is
        lost; but the LP relaxation, which otherwise lets every neighbouring pair of a mixed
        pavilion share some cluster fractionally, is held to what the exhibitors could really do
        (in the women pavilion, a cluster with one chooser makes no pair; in a cluster pavilion, a
        trade body with two members one or two).
        """
        blocks_in = defaultdict(list)  # (pavilion, exhibitor) → its blocks there
        placed_in = defaultdict(list)  # (pavilion, exhibitor) → its booleans there
        for exhibitor_id, block, x in choices:
            blocks_in[block.pavilion_id, exhibitor_id].append(block)
            placed_in[block.pavilion_id, exhibitor_id].append(x)
        caps = NeighbourCaps(self.inst, blocks_in, pair_terms)
        for key, ys in sorted(self.rewarded.items(), key=lambda item: str(item[0])):
            ends, cap = caps.of(key)
            if cap < len(ys):
                self.model.Add(sum(ys) <= cap)
            # Twice the pairs are at most the ends, each counted as far as its exhibitor is there.
            self.model.Add(2 * sum(ys) <= sum(end * x for e, end in ends for x in placed_in[key[2], e]))

    def _pair(self, s, t, adjacent, covering, together, pair_terms):
        model = self.model
        apart = 1 - sum(together[s, t]) if together[s, t] else 1  # 0 when one exhibitor's block covers both
        same_pavilion = self.inst.stalls[s].pavilion_id == self.inst.stalls[t].pavilion_id
        for term, (attribute, weight, needs_adjacent) in enumerate(pair_terms):
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
                    if same_pavilion:
                        self.rewarded[term, value, self.inst.stalls[s].pavilion_id].append(y)
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

    def solve(self, *, det_budget, linearization, workers, seed):
        solver = cp_solver(det_budget=det_budget, workers=workers, seed=seed, linearization=linearization)
        return solver, solver.Solve(self.model)

    def found(self, code) -> bool:
        return code in (self.cp_model.OPTIMAL, self.cp_model.FEASIBLE)

    def read(self, solver):
        return {e: b for e, b, x in self.choices if e in self.fixed or solver.BooleanValue(x)}


def arrange(inst: Instance, candidates, locked, start, *, det_budget, workers, seed):
    """``start``'s exhibitors rearranged pavilion by pavilion, each staying in its pavilion, the
    preferences there as high as the budget allows. Returns (assignment, work used)."""
    where = defaultdict(list)
    for exhibitor_id, block in start.items():
        if exhibitor_id not in locked:
            where[block.pavilion_id].append(exhibitor_id)
    assignment, used = dict(start), 0.0
    sizes = {p: sum(len(candidates[e]) for e in es) for p, es in where.items()}
    left = sum(sizes.values())
    # Smallest first, each its share of what is left: what a small one leaves goes to the larger.
    for pavilion_id, exhibitor_ids in sorted(where.items(), key=lambda item: (sizes[item[0]], item[0])):
        fixed = {e: b for e, b in locked.items() if b.pavilion_id == pavilion_id}
        here = {e: [b for b in candidates[e] if b.pavilion_id == pavilion_id] for e in exhibitor_ids}
        model = PreferenceModel(inst, here, fixed, must_place=frozenset(exhibitor_ids))
        model.model.Maximize(sum(model.preference))
        model.hint(start)
        solver, code = model.solve(
            det_budget=(det_budget - used) * sizes[pavilion_id] / left, linearization=2, workers=workers, seed=seed
        )
        used += solver.deterministic_time
        left -= sizes[pavilion_id]
        if model.found(code):
            assignment.update(model.read(solver))
    return assignment, used


# A neighbourhood: this many stalls or so, pavilions taken whole; solved exactly in a fraction of a second.
NEIGHBOURHOOD_STALLS = 16


def improve(inst: Instance, candidates, locked, assignment, big, det_budget, limits):
    """Large-neighbourhood search: free the exhibitors of a few nearby pavilions, re-place them exactly.

    Neighbourhoods grow from each pavilion in turn, by pavilions sharing eligible exhibitors or
    touching stalls, until they reach ``NEIGHBOURHOOD_STALLS``; those placed there stay placed there,
    those unplaced who could go there may be added. A new placement is kept only if ``assignment_score``
    rises. Stops when a full round finds nothing, or the budget is spent. Returns
    (assignment, deterministic time used).
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
    used = 0.0
    current, score = dict(assignment), assignment_score(inst, assignment, big)
    quiet = 0  # seeds in a row without a gain
    index = 0
    while seeds and quiet < len(seeds) and used < det_budget:
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
        model = PreferenceModel(inst, sub, fixed, must_place=frozenset(placed_here), bonus=big)
        budget = min(det_budget - used, 0.5)
        model.model.Maximize(sum(model.preference))
        model.hint(current)
        solver, code = model.solve(det_budget=budget, linearization=2, **limits)
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
    return current, used


class NeighbourCaps:
    """How many pairs of neighbouring stalls one cluster (or trade body) can hold in a pavilion,
    given the exhibitors who could go there: for each two of them, the most stall edges their
    blocks there could share; and each one has at most the edges leaving its block, and at most
    what it could share with all the others (its *ends*). Twice the pairs are at most the ends.

    ``blocks_in``: (pavilion, exhibitor) → its blocks there. Exhibitors with the same blocks are
    counted once per kind, so a large cluster costs no more than a small one.
    """

    def __init__(self, inst: Instance, blocks_in, pair_terms):
        self.inst = inst
        self.kinds: dict[tuple, int] = {}
        self.shared: dict[tuple[int, int], int] = {}
        self.members = defaultdict(list)  # (term, value, pavilion) → [(exhibitor, kind)]
        for (pavilion_id, exhibitor_id), blocks in sorted(blocks_in.items()):
            exhibitor = inst.by_id[exhibitor_id]
            kind = self.kinds.setdefault(tuple(blocks), len(self.kinds))
            for term, (attribute, weight, _) in enumerate(pair_terms):
                if weight > 0:
                    self.members[term, attribute(exhibitor), pavilion_id].append((exhibitor_id, kind))
        self.blocks = sorted(self.kinds, key=self.kinds.get)

    def _share(self, a: int, b: int) -> int:
        key = (min(a, b), max(a, b))
        if key not in self.shared:
            adjacent = self.inst.adjacent
            self.shared[key] = max(
                (
                    sum(1 for s in first.stalls for t in adjacent[s] if t in second.stalls)
                    for first in self.blocks[a]
                    for second in self.blocks[b]
                    if set(first.stalls).isdisjoint(second.stalls)
                ),
                default=0,
            )
        return self.shared[key]

    def _leaving(self, a: int) -> int:
        adjacent = self.inst.adjacent
        return max(sum(1 for s in b.stalls for t in adjacent[s] if t not in b.stalls) for b in self.blocks[a])

    def of(self, key) -> tuple[list[tuple[int, int]], int]:
        """([(exhibitor, its ends)], the most pairs) for (term, value, pavilion)."""
        group = self.members.get(key, [])
        per_kind = defaultdict(int)
        for _, kind in group:
            per_kind[kind] += 1
        kinds = sorted(per_kind)
        shares = {(a, b): self._share(a, b) for a in kinds for b in kinds}
        leaving = {a: self._leaving(a) for a in kinds}
        ends = []
        for exhibitor_id, a in group:
            others = sum(n * shares[a, b] for b, n in per_kind.items()) - shares[a, a]
            ends.append((exhibitor_id, min(leaving[a], others)))
        pairs = sum(n * (n - 1) // 2 * shares[a, a] for a, n in per_kind.items())
        pairs += sum(per_kind[a] * per_kind[b] * shares[a, b] for a, b in itertools.combinations(kinds, 2))
        return ends, min(pairs, sum(end for _, end in ends) // 2)

    def groups(self):
        return sorted(self.members, key=str)
