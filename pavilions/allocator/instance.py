"""The instance: geometry, eligibility and candidate blocks, computed once per call."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pavilions import geometry

from .rules import area_enough, hosts
from .specs import MAX_MERGE, SCALE, ExhibitorSpec, Weights

# ---------------------------------------------------------------------------------------------
# The instance: geometry, eligibility and candidate blocks, computed once.


@dataclass(frozen=True)
class Block:
    stalls: tuple[int, ...]  # sorted stall ids
    pavilion_id: int
    area: float
    corner: bool


class Instance:
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
        # Hundredths of a rank score: the rank stage maximises their sum over those placed.
        self.rank_weight = {e.id: round(e.rank_score * 100) for e in self.exhibitors}
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
        hosting = defaultdict(list)
        for pavilion in self.pavilions.values():
            for cluster in pavilion.cluster_ids:
                hosting[cluster].append(pavilion)
        # The host with the fewest clusters is the cluster's own pavilion; the others are overflow.
        self.home = {
            cluster: {p.id for p in ps if len(p.cluster_ids) == min(len(q.cluster_ids) for q in ps)}
            for cluster, ps in hosting.items()
        }
        self.women_pavilions = [p.id for p in self.pavilions.values() if p.kind == "women"]

    def eligible(self, exhibitor: ExhibitorSpec, pavilion_id: int) -> bool:
        return hosts(self.pavilions.get(pavilion_id), exhibitor)

    def eligible_pavilions(self, exhibitor: ExhibitorSpec) -> list[int]:
        return [p for p in self.pavilions if self.eligible(exhibitor, p)]

    def block(self, stall_ids: Iterable[int]) -> Block:
        ids = tuple(sorted(stall_ids))
        return Block(
            stalls=ids,
            pavilion_id=self.stalls[ids[0]].pavilion_id,
            area=sum(self.stalls[s].rect.area for s in ids),
            corner=any(self.corner[s] for s in ids),
        )

    def blocks(self, free: set[int], largest: dict[int, float]) -> dict[int, list[Block]]:
        """Per pavilion, the connected sets of free stalls that could be some request's minimal block, each once.

        A set stops growing once it reaches ``largest[pavilion]`` (the largest request there), since
        any larger set keeps a stall that could be dropped; ``MAX_MERGE`` stalls at most.
        """
        by_pavilion = defaultdict(list)
        for stall_id in sorted(free):
            stall = self.stalls[stall_id]
            pavilion_id = stall.pavilion_id
            if pavilion_id not in self.pavilions or pavilion_id not in largest:
                continue
            target = largest[pavilion_id]
            # Grow sets whose smallest id is this stall, so each set is found from one start only.
            level = {frozenset((stall_id,))}
            for size in range(1, MAX_MERGE + 1):
                found = [self.block(s) for s in sorted(level, key=sorted)]
                by_pavilion[pavilion_id].extend(found)
                growing = [frozenset(b.stalls) for b in found if not area_enough(b.area, target)]
                if size == MAX_MERGE or not growing:
                    break
                level = {
                    group | {n}
                    for group in growing
                    for member in group
                    for n in self.adjacent[member]
                    if n > stall_id and n not in group and n in free and self.stalls[n].pavilion_id == pavilion_id
                }
        return by_pavilion

    def connected(self, stall_ids) -> bool:
        ids = set(stall_ids)
        if not ids:
            return False
        start = next(iter(ids))
        reached, todo = {start}, [start]
        while todo:
            for n in self.adjacent[todo.pop()]:
                if n in ids and n not in reached:
                    reached.add(n)
                    todo.append(n)
        return len(reached) == len(ids)

    def fits(self, block: Block, requested: float) -> bool:
        """At least the request, and minimal: no stall could be dropped keeping both the area and connectivity."""
        if not area_enough(block.area, requested):
            return False
        for s in block.stalls:
            rest = [t for t in block.stalls if t != s]
            if rest and area_enough(block.area - self.stalls[s].rect.area, requested) and self.connected(rest):
                return False
        return True

    # Linear terms of an exhibitor on a block, in SCALE units, placement excluded.
    def linear(self, exhibitor: ExhibitorSpec, block: Block) -> int:
        w = self.weights
        value = 0.0
        waste = max(0.0, block.area - exhibitor.requested_area)
        value -= w.area_waste * waste
        rank = min(max(exhibitor.rank_score, 0.0), 100.0) / 100
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
