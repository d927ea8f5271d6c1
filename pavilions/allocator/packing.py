"""The packing models of the count and rank stages, LP relaxations of CP-SAT models, and CP-SAT's settings."""

import itertools
import math
from collections import defaultdict

from .instance import Block, Instance


def lp_relaxations(model, fixed_values) -> tuple[float | None, float | None]:
    """The LP relaxation of a maximising CP-SAT model solved by GLOP (deterministic), first with
    the variables of ``fixed_values`` (index → value) fixed, then free: (both optima), None for
    one GLOP does not reach. The free optimum bounds the model's optimum from above.

    Read from the model's proto, so the relaxation is of exactly the model CP-SAT solves; a
    constraint of a kind these models do not use is left out, which only loosens the bound.
    """
    from ortools.linear_solver import pywraplp

    proto = model.Proto()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    huge = 2**53

    def finite(value):
        return value if -huge < value < huge else (lp.infinity() if value > 0 else -lp.infinity())

    xs, freed = [], []
    for index, variable in enumerate(proto.variables):
        domain = list(variable.domain)  # the proto's lists take no negative index
        low, high = finite(domain[0]), finite(domain[-1])
        x = lp.NumVar(low, high, "")
        xs.append(x)
        if index in fixed_values:
            x.SetBounds(fixed_values[index], fixed_values[index])
            freed.append((x, low, high))

    def row(low, high, terms):
        constraint = lp.Constraint(finite(low), finite(high))
        constant = 0.0
        for ref, coefficient in terms:
            if ref >= 0:
                constraint.SetCoefficient(xs[ref], constraint.GetCoefficient(xs[ref]) + coefficient)
            else:  # the negation of a boolean: 1 - x
                x = xs[-ref - 1]
                constraint.SetCoefficient(x, constraint.GetCoefficient(x) - coefficient)
                constant += coefficient
        if constant:
            constraint.SetBounds(constraint.Lb() - constant, constraint.Ub() - constant)

    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            continue
        if constraint.has_linear():
            linear = constraint.linear
            domain = list(linear.domain)
            row(domain[0], domain[-1], zip(linear.vars, linear.coeffs, strict=True))
        elif constraint.has_at_most_one():
            row(-huge, 1, ((ref, 1) for ref in constraint.at_most_one.literals))
        elif constraint.has_exactly_one():
            row(1, 1, ((ref, 1) for ref in constraint.exactly_one.literals))
        elif constraint.has_bool_or():
            row(1, huge, ((ref, 1) for ref in constraint.bool_or.literals))
    objective = proto.objective
    scaling = objective.scaling_factor or 1.0
    lp_objective = lp.Objective()
    offset = objective.offset
    for ref, coefficient in zip(objective.vars, objective.coeffs, strict=True):
        if ref < 0:
            offset += coefficient
            coefficient, ref = -coefficient, -ref - 1
        lp_objective.SetCoefficient(xs[ref], lp_objective.GetCoefficient(xs[ref]) + scaling * coefficient)
    lp_objective.SetOffset(scaling * offset)
    lp_objective.SetMaximization()
    values = []
    for _ in range(2 if freed else 1):
        values.append(lp_objective.Value() if lp.Solve() == pywraplp.Solver.OPTIMAL else None)
        for x, low, high in freed:
            x.SetBounds(low, high)
    return tuple(values) if freed else (None, values[0])


def floor_bound(lp_value: float) -> int:
    """The integer bound an LP optimum gives when the objective's coefficients are integers; the
    margin covers GLOP's tolerances."""
    return math.floor(lp_value + 1e-6 * max(1.0, abs(lp_value)) + 0.01)


def cp_solver(*, det_budget, workers, seed, linearization=1):
    from ortools.sat.python import cp_model  # imported here: greedy-only callers need no OR-Tools

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = linearization
    # Work units only: a wall-clock limit would make the answer depend on the machine's load.
    solver.parameters.max_deterministic_time = max(det_budget, 0.01)
    solver.parameters.presolve_probing_deterministic_time_limit = max(det_budget, 0.01) / 10
    solver.parameters.merge_at_most_one_work_limit = 1e7
    # Probing and symmetry detection cost more than they save on these models.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    return solver


class Packing:
    """Who could be placed where, one exhibitor at a time: the LP relaxation strict rank order asks.

    One fraction per (exhibitor, candidate block), at most one per exhibitor and per stall. It
    proves quickly that some exhibitors do not fit together, and bounds the rank and the count
    beside decisions already made.
    """

    def __init__(self, inst: Instance, candidates, locked):
        self.inst = inst
        self.locked = locked
        self._lp = None
        self.choices = [(e, block, None) for e, blocks in candidates.items() for block in blocks]
        self.placed = {e: None for e, blocks in candidates.items() if blocks}

    def _lp_model(self):
        """GLOP's model of the relaxation, built once: (solver, one row per exhibitor, the variables)."""
        if self._lp is None:
            from ortools.linear_solver import pywraplp

            lp = pywraplp.Solver.CreateSolver("GLOP")
            xs = defaultdict(list)
            covering = defaultdict(list)
            variables = []
            for exhibitor_id, block, _ in self.choices:
                x = lp.NumVar(0.0, 1.0, "")
                xs[exhibitor_id].append(x)
                variables.append((exhibitor_id, block, x))
                for s in block.stalls:
                    covering[s].append(x)
            rows = {}
            for exhibitor_id, group in xs.items():
                rows[exhibitor_id] = lp.Add(lp.Sum(group) <= 1)
            for group in covering.values():
                if len(group) > 1:
                    lp.Add(lp.Sum(group) <= 1)
            lp.Maximize(lp.Sum([x for _, _, x in variables]))
            self._lp = (lp, rows, variables)
        return self._lp

    def lp_infeasible(self, required) -> bool:
        """True when even fractions of blocks cannot place all of ``required``: a quick proof that
        they do not fit together (False proves nothing)."""
        from ortools.linear_solver import pywraplp

        lp, rows, _ = self._lp_model()
        for exhibitor_id in required:
            rows[exhibitor_id].SetLb(1.0)
        try:
            return lp.Solve() == pywraplp.Solver.INFEASIBLE
        finally:
            for exhibitor_id in required:
                rows[exhibitor_id].SetLb(-lp.infinity())

    def lp_bound(self, *, rank: bool, required=(), excluded=()) -> float | None:
        """The LP relaxation's most exhibitors placed (or, with ``rank``, largest rank value placed)
        when all of ``required`` are placed and none of ``excluded``; None when GLOP finds no optimum."""
        from ortools.linear_solver import pywraplp

        lp, rows, variables = self._lp_model()
        objective = lp.Objective()
        for exhibitor_id, _, x in variables:
            objective.SetCoefficient(x, self.inst.rank_weight[exhibitor_id] if rank else 1)
        for exhibitor_id in required:
            rows[exhibitor_id].SetLb(1.0)
        for exhibitor_id in excluded:
            rows[exhibitor_id].SetUb(0.0)
        try:
            return objective.Value() if lp.Solve() == pywraplp.Solver.OPTIMAL else None
        finally:
            for exhibitor_id in required:
                rows[exhibitor_id].SetLb(-lp.infinity())
            for exhibitor_id in excluded:
                rows[exhibitor_id].SetUb(1.0)
            for _, _, x in variables:
                objective.SetCoefficient(x, 1)


class FlowPacking:
    """The count and rank stages' model by types and pavilions, where exhibitors are counts, not choices.

    A *type* is the exhibitors with the same candidate blocks (same cluster, request and
    women-pavilion choice): interchangeable for the count and the rank. In each pavilion, the
    types offered the same blocks there form a *class*. Each pavilion chooses one of its
    *patterns*, the most-filled ways to use its blocks, as counts of blocks per class
    (``pavilion_patterns``); and one integer per (type, class) says how many of the type are
    placed there, at most what the pattern gives the class. So who goes to which block is left
    out of the search, and the LP relaxation is the hull of what each pavilion can take: on ten
    times the demo expo it is within four exhibitors of the optimum, which CP-SAT then proves in
    about a work unit. A pavilion with too many ways to enumerate keeps one boolean per (class,
    block) instead, at most one per stall. The ``j``-th placed of a type counts its ``j``-th best
    rank (the booleans ``nth[t]``, in order).
    """

    def __init__(self, inst: Instance, candidates, locked):
        from ortools.sat.python import cp_model

        self.cp_model = cp_model
        self.inst = inst
        self.locked = locked
        groups = defaultdict(list)
        for exhibitor_id, blocks in candidates.items():
            if blocks:
                groups[tuple(blocks)].append(exhibitor_id)
        rank = inst.rank_weight
        # Types in a fixed order (by their members' ids); members best ranked first.
        self.types = sorted(
            (sorted(members, key=lambda e: (-rank[e], e)), list(blocks)) for blocks, members in groups.items()
        )
        self.placed = {e: None for members, _ in self.types for e in members}  # who could be placed
        self.type_of = {e: t for t, (members, _) in enumerate(self.types) for e in members}
        model = self.model = cp_model.CpModel()
        classes: dict[tuple[int, tuple[Block, ...]], int] = {}
        self.class_blocks: list[tuple[Block, ...]] = []
        self.class_of: dict[tuple[int, int], int] = {}  # (type, pavilion) → class
        for t, (_, blocks) in enumerate(self.types):
            by_pavilion = defaultdict(list)
            for block in blocks:
                by_pavilion[block.pavilion_id].append(block)
            for pavilion_id, here in sorted(by_pavilion.items()):
                key = (pavilion_id, tuple(here))
                if key not in classes:
                    classes[key] = len(self.class_blocks)
                    self.class_blocks.append(tuple(here))
                self.class_of[t, pavilion_id] = classes[key]
        # Per pavilion, every most-filled way to use its blocks (as counts per class), when there are
        # few enough: choosing one of them is the tightest model of that pavilion (its LP relaxation
        # is the hull of what the pavilion can take). Otherwise one boolean per (class, block).
        classes_of = defaultdict(list)
        for k, blocks in enumerate(self.class_blocks):
            classes_of[blocks[0].pavilion_id].append(k)
        self.patterns = []  # (pavilion, [(counts per class of the pavilion, the blocks used)], booleans)
        capacity = defaultdict(list)  # class → terms of how many blocks it may use
        self.uses = []  # (class, block, boolean), in pavilions without patterns
        covering = defaultdict(list)
        for pavilion_id, ks in sorted(classes_of.items()):
            found = pavilion_patterns([(k, self.class_blocks[k]) for k in ks])
            if found is not None:
                zs = [model.NewBoolVar("") for _ in found]
                model.AddAtMostOne(zs)
                self.patterns.append((pavilion_id, ks, found, zs))
                for i, k in enumerate(ks):
                    capacity[k].extend(counts[i] * z for (counts, _), z in zip(found, zs, strict=True) if counts[i])
                continue
            for k in ks:
                for block in self.class_blocks[k]:
                    x = model.NewBoolVar("")
                    self.uses.append((k, block, x))
                    capacity[k].append(x)
                    for s in block.stalls:
                        covering[s].append(x)
        for xs in covering.values():
            if len(xs) > 1:
                model.AddAtMostOne(xs)
        self.flows = []  # (type, class, integer)
        into_class = defaultdict(list)
        self.nth = []
        count_terms, rank_terms = [], []
        for t, (members, _) in enumerate(self.types):
            ys = []
            for (type_index, _), k in sorted(self.class_of.items()):
                if type_index != t:
                    continue
                y = model.NewIntVar(0, min(len(members), len(self.class_blocks[k])), "")
                self.flows.append((t, k, y))
                into_class[k].append(y)
                ys.append(y)
            nth = [model.NewBoolVar("") for _ in members]
            for earlier, later in itertools.pairwise(nth):
                model.AddImplication(later, earlier)
            model.Add(sum(ys) == sum(nth))
            self.nth.append(nth)
            count_terms.extend(nth)
            rank_terms.extend(rank[e] * y for e, y in zip(members, nth, strict=True))
        for k in range(len(self.class_blocks)):
            model.Add(sum(into_class[k]) <= sum(capacity[k]))
        self.count = sum(count_terms)
        self.rank = sum(rank_terms)

    def _assign(self, chosen: dict[int, list[Block]], who=None) -> dict[int, Block]:
        """Locks, then per type its blocks to its best-ranked members (of ``who``, if given)."""
        assignment = dict(self.locked)
        for t, blocks in sorted(chosen.items()):
            members = [e for e in self.types[t][0] if who is None or e in who]
            assignment.update(zip(members, sorted(blocks, key=lambda b: b.stalls), strict=False))
        return assignment

    def _chosen(self, used, flow) -> dict[int, list[Block]]:
        """Per type, the blocks its exhibitors take."""
        chosen = defaultdict(list)
        for (t, _), blocks in self.dealt(used, flow).items():
            chosen[t].extend(blocks)
        return chosen

    def dealt(self, used, flow) -> dict[tuple[int, int], list[Block]]:
        """Per (type, class), the blocks its exhibitors take there: each class's used blocks dealt
        out to its types in order, as many as each takes there."""
        blocks_used = defaultdict(list)
        for k, block, x in self.uses:
            if used(x):
                blocks_used[k].append(block)
        for *_, found, zs in self.patterns:
            for (_, blocks), z in zip(found, zs, strict=True):
                if used(z):
                    for k, block in blocks:
                        blocks_used[k].append(block)
        dealt = {}
        for t, k, y in self.flows:
            n = flow(y)
            dealt[t, k] = blocks_used[k][:n]
            del blocks_used[k][:n]
        return dealt

    def read(self, solver) -> dict[int, Block]:
        return self._assign(self._chosen(solver.BooleanValue, solver.Value))

    def read_for(self, solver, exhibitor_ids) -> dict[int, Block]:
        """The locks and ``exhibitor_ids`` on blocks of the solution (solved under ``assume_placed``)."""
        return self._assign(self._chosen(solver.BooleanValue, solver.Value), set(exhibitor_ids))

    def assume_placed(self, exhibitor_ids):
        """Solve under the assumption that all of ``exhibitor_ids`` are placed: per type, as many."""
        per_type = defaultdict(int)
        for exhibitor_id in exhibitor_ids:
            per_type[self.type_of[exhibitor_id]] += 1
        self.model.ClearAssumptions()
        self.model.AddAssumptions([self.nth[t][k - 1] for t, k in sorted(per_type.items())])

    def lp_bound(self) -> float | None:
        """The optimum of the LP relaxation (GLOP) of the model with its objective as set: a bound."""
        return lp_relaxations(self.model, {})[1]

    def hint(self, assignment):
        self.model.ClearHints()
        used, flow = set(), defaultdict(int)
        for exhibitor_id, block in assignment.items():
            if exhibitor_id in self.placed:
                k = self.class_of[self.type_of[exhibitor_id], block.pavilion_id]
                used.add((k, block))
                flow[self.type_of[exhibitor_id], k] += 1
        for k, block, x in self.uses:
            self.model.AddHint(x, (k, block) in used)
        per_class = defaultdict(int)
        for (_, k), n in flow.items():
            per_class[k] += n
        for _, ks, found, zs in self.patterns:
            needed = [per_class[k] for k in ks]
            fitting = next((i for i, (counts, _) in enumerate(found) if all(map(int.__ge__, counts, needed))), None)
            for i, z in enumerate(zs):
                self.model.AddHint(z, i == fitting)
        for t, k, y in self.flows:
            self.model.AddHint(y, flow[t, k])
        for t, (members, _) in enumerate(self.types):
            placed = sum(1 for e in members if e in assignment)
            for j, y in enumerate(self.nth[t]):
                self.model.AddHint(y, j < placed)

    def solve(self, *, det_budget, linearization=1, **limits):
        solver = cp_solver(det_budget=det_budget, linearization=linearization, **limits)
        return solver, solver.Solve(self.model)

    def found(self, code) -> bool:
        return code in (self.cp_model.OPTIMAL, self.cp_model.FEASIBLE)


# Per pavilion, the ways of using its blocks are enumerated up to this many steps; beyond, the
# pavilion keeps one boolean per block. A double row of 28 stalls takes a few thousand.
PATTERN_STEPS = 200_000


def pavilion_patterns(classes) -> list[tuple[tuple[int, ...], tuple]] | None:
    """Every most-filled way of using one pavilion's blocks: for ``classes`` [(class, its blocks)],
    the counts of blocks used per class (in that order) that no other way exceeds in every class,
    each with the blocks of one way to reach it; None when that takes over ``PATTERN_STEPS``.

    Stalls are taken in id order; a state is the set of later stalls already covered, with the
    counts reachable so far. Blocks of neighbouring stalls have close ids, so states stay few.
    """
    starting = defaultdict(list)  # stall → [(class position, block)] of blocks whose first stall it is
    for position, (_, blocks) in enumerate(classes):
        for block in blocks:
            starting[block.stalls[0]].append((position, block))
    stalls = sorted({s for _, blocks in classes for block in blocks for s in block.stalls})
    width = len(classes)
    states = {frozenset(): {(0,) * width: ()}}
    steps = 0
    for stall in stalls:
        following = defaultdict(dict)
        for covered, reached in states.items():
            steps += len(reached) * (1 + len(starting[stall]))
            if steps > PATTERN_STEPS:
                return None
            if stall in covered:
                following[covered - {stall}].update(reached)
                continue
            following[covered].update(reached)
            for position, block in starting[stall]:
                if covered.intersection(block.stalls):
                    continue
                key = covered.union(block.stalls[1:])
                for counts, used in reached.items():
                    more = (*counts[:position], counts[position] + 1, *counts[position + 1 :])
                    following[key].setdefault(more, (*used, (position, block)))
        states = {covered: _most_filled(reached) for covered, reached in following.items()}
    found = _most_filled({c: u for reached in states.values() for c, u in reached.items()})
    return [(counts, tuple((classes[p][0], b) for p, b in used)) for counts, used in sorted(found.items())]


def _most_filled(reached: dict) -> dict:
    """The counts no other count exceeds (or equals) in every class, with their blocks."""
    ordered = sorted(reached, reverse=True)
    kept = []
    for counts in ordered:
        if not any(all(map(int.__ge__, other, counts)) for other in kept):
            kept.append(counts)
    return {counts: reached[counts] for counts in kept}
