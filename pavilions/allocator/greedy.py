"""Scoring, one function for greedy and solver results, and the greedy pass."""

from collections import defaultdict
from collections.abc import Sequence

from .instance import Block, Instance
from .specs import ExhibitorSpec

# ---------------------------------------------------------------------------------------------
# Scoring: one function for greedy and solver results, and the greedy's increments.


def _pair_value(inst: Instance, a: ExhibitorSpec, b: ExhibitorSpec, adjacent: bool) -> int:
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


def assignment_score(inst: Instance, assignment: dict[int, Block], big: int) -> int:
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


class Greedy:
    """Places exhibitors one by one on the free block that adds most to ``assignment_score``."""

    def __init__(self, inst: Instance, big: int):
        self.inst = inst
        self.big = big
        self.holder: dict[int, ExhibitorSpec] = {}
        self.per_pavilion_body = defaultdict(int)
        self.assignment: dict[int, Block] = {}

    def gain(self, exhibitor: ExhibitorSpec, block: Block) -> int:
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

    def place(self, exhibitor: ExhibitorSpec, block: Block):
        self.assignment[exhibitor.id] = block
        self.per_pavilion_body[block.pavilion_id, exhibitor.trade_body_id] += 1
        for s in block.stalls:
            self.holder[s] = exhibitor

    def remove(self, exhibitor: ExhibitorSpec) -> Block:
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

    def best(self, exhibitor: ExhibitorSpec, candidates: Sequence[Block]) -> Block | None:
        best, best_gain = None, None
        for block in candidates:
            if any(s in self.holder for s in block.stalls):
                continue
            gain = self.gain(exhibitor, block)
            # Candidates come sorted by (pavilion, stalls): ties go to the first, deterministically.
            if best_gain is None or gain > best_gain:
                best, best_gain = block, gain
        return best
