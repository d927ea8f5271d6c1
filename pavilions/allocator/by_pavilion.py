"""The preferences pavilion by pavilion: a bound on the preference stage, and a start for its search.

The stall-by-stall model's LP relaxation spreads every exhibitor over many stalls, so that every
pair of neighbouring stalls seems to share a cluster and a trade body; on the demo-sized expo its
bound is 11 % above the best allocation found. Here CP-SAT chooses only who goes to which
pavilion, with the packing of each pavilion exact (``FlowPacking``'s ways to fill it), and bounds
each pavilion's neighbour rewards by its geometry: a group of exhibitors of one cluster (or one
trade body, or both) holding k stalls shares at most the neighbouring pairs the densest k stalls
there have (``densest_pairs``), less those inside one exhibitor's block; and a pair of stalls is
rewarded for the cluster, the trade body or both, both only when the two share both. Competitors'
penalties are left out, and every pair of neighbours across two pavilions counts as rewarded, so
the optimum is an upper bound on the preferences. Its choice of who goes where, arranged exactly
pavilion by pavilion (``preferences.arrange``), is then a start for the neighbourhood search.
"""

import itertools
import math
from collections import defaultdict

from .instance import Block, Instance
from .packing import FlowPacking, cp_solver

# Up to this many stalls, a pavilion's densest groups are found by trying every set of stalls;
# up to the second, by CP-SAT (a fifth of a work unit each at most, 2.5 s of CPU for the demo's 34
# pavilions); beyond, bounded by the stalls' degrees alone.
ENUMERATED_STALLS = 12
SOLVED_STALLS = 40


def densest_pairs(inst: Instance, stall_ids) -> list[int]:
    """For k = 0..n, the most pairs of adjacent stalls any k of ``stall_ids`` hold (an upper bound
    when CP-SAT does not prove it within its small budget, or for a pavilion of more than
    ``SOLVED_STALLS``: half the k largest degrees)."""
    stalls = sorted(stall_ids)
    index = {s: i for i, s in enumerate(stalls)}
    edges = [(index[a], index[b]) for a in stalls for b in inst.adjacent[a] if b in index and a < b]
    n = len(stalls)
    if n > SOLVED_STALLS:
        degrees = sorted((sum(1 for b in inst.adjacent[a] if b in index) for a in stalls), reverse=True)
        return [min(len(edges), k * (k - 1) // 2, sum(degrees[:k]) // 2) for k in range(n + 1)]
    if n <= ENUMERATED_STALLS:
        best = [0] * (n + 1)
        for mask in range(1 << n):
            size = mask.bit_count()
            held = sum(1 for a, b in edges if mask >> a & 1 and mask >> b & 1)
            best[size] = max(best[size], held)
        return best
    from ortools.sat.python import cp_model  # imported here: greedy-only callers need no OR-Tools

    best = [0]
    for k in range(1, n + 1):
        if best[-1] == len(edges):
            best.append(len(edges))
            continue
        model = cp_model.CpModel()
        chosen = [model.NewBoolVar("") for _ in stalls]
        both = []
        for a, b in edges:
            y = model.NewBoolVar("")
            model.AddImplication(y, chosen[a])
            model.AddImplication(y, chosen[b])
            both.append(y)
        model.Add(sum(chosen) == k)
        model.Maximize(sum(both))
        solver = cp_solver(det_budget=0.2, workers=1, seed=0)
        solver.Solve(model)
        best.append(max(best[-1], min(len(edges), math.floor(solver.BestObjectiveBound() + 1e-6))))
    return best


class PavilionChoice:
    """CP-SAT's model of who goes to which pavilion, with the preferences bounded per pavilion (see
    the module's docstring). ``placed``: who the earlier stages placed (locks apart). In count-first
    order any exhibitors giving the same count and rank value may be placed; in strict rank order,
    exactly those."""

    def __init__(self, inst: Instance, candidates, locked, placed, *, strict_rank):
        self.inst = inst
        self.locked = locked
        chooser = {e: blocks for e, blocks in candidates.items() if blocks and (not strict_rank or e in placed)}
        packing = self.packing = FlowPacking(inst, chooser, locked)
        model = self.model = packing.model
        w = inst.weights
        cluster, body = inst.scaled(w.same_cluster_adjacent), inst.scaled(w.trade_body_near)
        same_pavilion = inst.scaled(w.trade_body_same_pavilion)

        usable = defaultdict(set)  # pavilion → its stalls anyone could hold
        for blocks in chooser.values():
            for block in blocks:
                usable[block.pavilion_id].update(block.stalls)
        free_corners = {p: sum(1 for s in stalls if inst.corner[s]) for p, stalls in usable.items()}
        for block in locked.values():
            usable[block.pavilion_id].update(block.stalls)

        objective = []
        self.choices = {}  # (exhibitor, pavilion) → boolean
        members = defaultdict(list)  # (kind, value, pavilion) → [(boolean, stalls, inside, leaving, exhibitor)]
        corners = defaultdict(list)
        flows = defaultdict(list)
        for exhibitor_id, block in locked.items():
            exhibitor = inst.by_id[exhibitor_id]
            one = model.NewConstant(1)
            objective.append(inst.linear(exhibitor, block))
            self._member(members, exhibitor, block.pavilion_id, one, [block])
        for exhibitor_id, blocks in sorted(chooser.items()):
            exhibitor = inst.by_id[exhibitor_id]
            by_pavilion = defaultdict(list)
            for block in blocks:
                by_pavilion[block.pavilion_id].append(block)
            xs = []
            for pavilion_id, here in sorted(by_pavilion.items()):
                x = model.NewBoolVar("")
                xs.append(x)
                self.choices[exhibitor_id, pavilion_id] = x
                t = packing.type_of[exhibitor_id]
                flows[t, packing.class_of[t, pavilion_id]].append(x)
                # The corner's reward apart: at most one corner block per corner stall.
                corner = _corner_reward(inst, exhibitor)
                plain = max(inst.linear(exhibitor, b) - (corner if b.corner else 0) for b in here)
                extra = max((inst.linear(exhibitor, b) - plain for b in here if b.corner), default=0)
                objective.append(plain * x)
                if extra > 0:
                    on_corner = model.NewBoolVar("")
                    model.AddImplication(on_corner, x)
                    objective.append(extra * on_corner)
                    corners[pavilion_id].append(on_corner)
                self._member(members, exhibitor, pavilion_id, x, here)
            if strict_rank:
                model.AddExactlyOne(xs)
            else:
                model.AddAtMostOne(xs)
        for t, k, y in packing.flows:
            model.Add(y == sum(flows[t, k]))
        for pavilion_id, ons in corners.items():
            model.Add(sum(ons) <= free_corners[pavilion_id])
        if not strict_rank:
            model.Add(sum(self.choices.values()) == len(placed))
            model.Add(
                sum(inst.rank_weight[e] * x for (e, _), x in self.choices.items())
                == sum(inst.rank_weight[e] for e in placed)
            )

        densest = {p: densest_pairs(inst, stalls) for p, stalls in sorted(usable.items())}
        pairs = defaultdict(list)  # (kind, pavilion) → its groups' pair counts
        for (kind, _, pavilion_id), group in sorted(members.items(), key=lambda item: str(item[0])):
            if len({e for *_, e in group}) < 2:
                continue
            if kind == "body" and same_pavilion:
                # Every exhibitor of the body in the pavilion after the first.
                present = model.NewBoolVar("")
                for x, *_ in group:
                    model.AddImplication(x, present)
                objective.append(same_pavilion * (sum(x for x, *_ in group) - present))
            most = densest[pavilion_id]
            held = model.NewIntVar(0, len(most) - 1, "")
            model.AddMinEquality(held, [sum(n * x for x, n, *_ in group), len(most) - 1])
            reach = model.NewIntVar(0, most[-1], "")
            model.AddElement(held, most, reach)
            count = model.NewIntVar(0, most[-1], "")
            model.Add(count + sum(inside * x for x, _, inside, *_ in group) <= reach)
            model.Add(2 * count <= sum(leaving * x for x, _, _, leaving, _ in group))
            pairs[kind, pavilion_id].append(count)
            if kind != "both":
                objective.append((cluster if kind == "cluster" else body) * count)
        for pavilion_id, most in densest.items():
            edges = most[-1]
            for kind in ("cluster", "body"):
                model.Add(sum(pairs[kind, pavilion_id]) <= edges)
            # Rewarded for the cluster or the trade body: both only when the two share both.
            model.Add(
                sum(pairs["cluster", pavilion_id]) + sum(pairs["body", pavilion_id])
                <= edges + sum(pairs["both", pavilion_id])
            )
        # Every pair of neighbours across two pavilions rewarded, as if both shared cluster and body.
        across = sum(
            1
            for a, b in inst.adjacent_pairs
            if inst.stalls[a].pavilion_id != inst.stalls[b].pavilion_id
            and a in usable[inst.stalls[a].pavilion_id]
            and b in usable[inst.stalls[b].pavilion_id]
        )
        self.constant = across * (cluster + body)
        model.Maximize(sum(objective))

    def _member(self, members, exhibitor, pavilion_id, x, blocks: list[Block]):
        """Enter the exhibitor in its groups of the pavilion, one boolean per shape its block there
        could have: (stalls, adjacent pairs inside, edges leaving), the last the most of its blocks."""
        adjacent = self.inst.adjacent
        shapes = defaultdict(int)
        for b in blocks:
            inside = sum(1 for s, t in itertools.combinations(b.stalls, 2) if t in adjacent[s])
            leaving = sum(1 for s in b.stalls for t in adjacent[s] if t not in b.stalls)
            shapes[len(b.stalls), inside] = max(shapes[len(b.stalls), inside], leaving)
        if len(shapes) == 1:
            items = [(x, *next(iter(shapes)), *shapes.values(), exhibitor.id)]
        else:
            items = [
                (self.model.NewBoolVar(""), stalls, inside, leaving, exhibitor.id)
                for (stalls, inside), leaving in sorted(shapes.items())
            ]
            self.model.Add(sum(item[0] for item in items) == x)
        members["cluster", exhibitor.cluster_id, pavilion_id].extend(items)
        members["body", exhibitor.trade_body_id, pavilion_id].extend(items)
        members["both", (exhibitor.cluster_id, exhibitor.trade_body_id), pavilion_id].extend(items)

    def hint(self, assignment):
        self.packing.hint(assignment)
        for (exhibitor_id, pavilion_id), x in self.choices.items():
            block = assignment.get(exhibitor_id)
            self.model.AddHint(x, block is not None and block.pavilion_id == pavilion_id)

    def solve(self, *, det_budget, workers, seed):
        """(the bound in SCALE units or None, an assignment placing the exhibitors where the
        solution does or None, work used)."""
        solver = cp_solver(det_budget=det_budget, workers=workers, seed=seed, linearization=2)
        code = solver.Solve(self.model)
        if not self.packing.found(code):
            return None, None, solver.deterministic_time
        bound = self.constant + math.floor(solver.BestObjectiveBound() + 1e-6)
        # Each (type, pavilion)'s blocks to the members the solution sends there.
        assignment = dict(self.locked)
        packing = self.packing
        for (t, k), blocks in packing.dealt(solver.BooleanValue, solver.Value).items():
            pavilion_id = packing.class_blocks[k][0].pavilion_id
            members = [e for e in packing.types[t][0] if solver.BooleanValue(self.choices[e, pavilion_id])]
            assignment.update(zip(members, sorted(blocks, key=lambda b: b.stalls), strict=True))
        return bound, assignment, solver.deterministic_time


def _corner_reward(inst: Instance, exhibitor) -> int:
    return inst.scaled(inst.weights.corner_to_ranked * min(max(exhibitor.rank_score, 0.0), 100.0) / 100)
