"""Time and quality of the stall allocator on a synthetic expo shaped like the demo one, and ten times it.

    .venv/bin/python bench/allocate.py [--scale 1|10] [--time-limit S] [--workers N] [--seed N]

No database: it builds the instance in memory (``build_instance``), runs ``pavilions.allocator.allocate``
and prints the wall and CPU time, and for each stage of the objective (count, rank, preferences)
its value, proven bound, gap and the greedy pass's value; then how many are in their own
cluster's pavilion, and the hard-rule check.

The instance (scale 1): three halls of the Lahore Expo Centre; 32 cluster pavilions (30 clusters,
two of them with a second pavilion), one women entrepreneurs pavilion and one overflow pavilion
hosting every cluster; each pavilion a double row of stalls back to back with 3 m aisles around;
about 220 stalls, mostly 9 m² (3 × 3), some 18 m² (6 × 3) and 36 m² (6 × 6). About 170
exhibitors over the 30 clusters (some clusters larger than their pavilion), 75 % asking 9 m²,
20 % 18 m², 5 % 36 m²; 15 % women-led choosing the women pavilion; 12 trade bodies; a fifth of
them with a competitor key shared inside their cluster. Scale 10 repeats the expo ten times with
fresh ids (30 halls, 300 clusters, ten women and ten overflow pavilions); women choosers may go
to any of the ten women pavilions, which ties the whole instance into one model.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pavilions import allocator, geometry  # noqa: E402 -- after the path set-up above

HALLS = 3
CLUSTERS = 30
AISLE = 3.0


def _pavilion_stalls(rng: random.Random, *, slots: int) -> list[tuple[float, float, float, float]]:
    """A double row of ``slots`` 3 m columns, back to back: (x, y, width, depth) relative to the pavilion."""
    rects = []
    column = 0
    while column < slots:
        roll = rng.random()
        if roll < 0.04 and column + 2 <= slots:  # 36 m², both rows
            rects.append((column * 3.0, 0.0, 6.0, 6.0))
            column += 2
            continue
        for row in (0, 1):
            if rng.random() < 0.08 and column + 2 <= slots:
                # An 18 m² stall in one row; the other row gets two 9 m² stalls under it.
                rects.append((column * 3.0, row * 3.0, 6.0, 3.0))
                other = 1 - row
                rects.append((column * 3.0, other * 3.0, 3.0, 3.0))
                rects.append((column * 3.0 + 3.0, other * 3.0, 3.0, 3.0))
                break
        else:
            rects.append((column * 3.0, 0.0, 3.0, 3.0))
            rects.append((column * 3.0, 3.0, 3.0, 3.0))
            column += 1
            continue
        column += 2
    return rects


def build_instance(scale: int = 1, seed: int = 0):
    """(exhibitors, stalls, pavilions) of the synthetic expo, repeated ``scale`` times with fresh ids."""
    rng = random.Random(seed)
    exhibitors, stalls, pavilions = [], [], []
    for copy in range(scale):
        cluster_base = copy * CLUSTERS
        clusters = [cluster_base + c + 1 for c in range(CLUSTERS)]
        layout = []  # (name, kind, cluster ids, slots)
        for c, cluster in enumerate(clusters):
            layout.append((f"Cluster {cluster}", "cluster", frozenset({cluster}), 3))
            if c < 2:  # two big clusters have a second pavilion
                layout.append((f"Cluster {cluster} B", "cluster", frozenset({cluster}), 3))
        layout.append((f"Women entrepreneurs {copy + 1}", "women", frozenset(), 10))
        layout.append((f"Overflow {copy + 1}", "cluster", frozenset(clusters), 14))
        # Pavilions into halls in turn, laid out left to right, rows of pavilions 9 m apart.
        cursor = {h: (0.0, 0.0) for h in range(HALLS)}
        for index, (name, kind, cluster_ids, slots) in enumerate(layout):
            pavilion_id = len(pavilions) + 1
            pavilions.append(allocator.PavilionSpec(pavilion_id, name, kind, cluster_ids))
            hall = index % HALLS
            hall_id = copy * HALLS + hall + 1
            x0, y0 = cursor[hall]
            if x0 + slots * 3.0 > 60.0:
                x0, y0 = 0.0, y0 + 6.0 + AISLE
            for n, (x, y, width, depth) in enumerate(_pavilion_stalls(rng, slots=slots), start=1):
                stall_id = len(stalls) + 1
                rect = geometry.Rect(x0 + x, y0 + y, width, depth)
                code = f"H{hall_id}-P{pavilion_id}-{n:03d}"
                # One stall in forty is held back by staff.
                stalls.append(allocator.StallSpec(stall_id, code, pavilion_id, hall_id, rect, rng.random() > 0.025))
            cursor[hall] = (x0 + slots * 3.0 + AISLE, y0)
        for _ in range(170):
            exhibitor_id = len(exhibitors) + 1
            # Uneven cluster sizes: a few clusters are larger than their pavilion.
            cluster = clusters[min(int(rng.expovariate(1 / 14)), CLUSTERS - 1)]
            roll = rng.random()
            area = 9.0 if roll < 0.8 else 18.0 if roll < 0.96 else 36.0
            key = f"{cluster}-{rng.randrange(3)}" if rng.random() < 0.2 else None
            exhibitors.append(
                allocator.ExhibitorSpec(
                    id=exhibitor_id,
                    name=f"Enterprise {exhibitor_id}",
                    cluster_id=cluster,
                    requested_area=area,
                    women_pavilion=rng.random() < 0.15,
                    trade_body_id=copy * 12 + rng.randrange(12) + 1,
                    rank_score=round(rng.uniform(40, 100), 1),
                    competitor_key=key,
                )
            )
    return exhibitors, stalls, pavilions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None, help="seconds of work units (10, or 60 at scale 10)")
    parser.add_argument("--strict-rank", action="store_true", help="strict rank order: rank before count")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    time_limit = args.time_limit if args.time_limit is not None else (10.0 if args.scale == 1 else 60.0)

    exhibitors, stalls, pavilions = build_instance(args.scale, args.seed)
    started = time.perf_counter()
    greedy = allocator.allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0)
    greedy_wall = time.perf_counter() - started
    started = time.perf_counter()
    result = allocator.allocate(
        exhibitors=exhibitors,
        stalls=stalls,
        pavilions=pavilions,
        time_limit=time_limit,
        strict_rank=args.strict_rank,
        workers=args.workers,
    )
    wall = time.perf_counter() - started
    problems = allocator.check_hard_rules(result, exhibitors, stalls, pavilions)

    by_id = {e.id: e for e in exhibitors}
    pavilion_of = {s.id: s.pavilion_id for s in stalls}
    pavilion_by_id = {p.id: p for p in pavilions}
    own = women = 0
    for placement in result.placements:
        exhibitor = by_id[placement.exhibitor_id]
        pavilion = pavilion_by_id[pavilion_of[placement.stall_ids[0]]]
        if pavilion.kind == "women":
            women += 1
        elif pavilion.cluster_ids == frozenset({exhibitor.cluster_id}):
            own += 1
    placed = len(result.placements)
    print(
        f"scale {args.scale}: {len(exhibitors)} exhibitors, {len(stalls)} stalls "
        f"({sum(s.rect.area for s in stalls):.0f} m², {sum(not s.available for s in stalls)} held), "
        f"{len(pavilions)} pavilions; requested {sum(e.requested_area for e in exhibitors):.0f} m²"
    )
    print(f"objective         {result.objective}; time limit {time_limit:g} s, workers {args.workers}")
    print(
        f"wall time         {wall:.2f} s, CPU {result.cpu_seconds:.2f} s, CP-SAT work {result.work:.2f} units "
        f"(greedy pass alone {greedy_wall:.2f} s wall, {greedy.cpu_seconds:.2f} s CPU)"
    )
    print(f"status            {result.status}")
    print(f"{'stage':<12} {'value':>10} {'bound':>10} {'gap':>8} {'proven':>7} {'greedy':>10} {'work':>6} {'CPU s':>6}")
    for stage in result.stages:
        bound = "—" if stage.bound is None else f"{stage.bound:.2f}"
        gap = "—" if stage.gap is None else f"{stage.gap:.2%}"
        print(
            f"{stage.name:<12} {stage.value:>10.2f} {bound:>10} {gap:>8} {stage.proven!s:>7} {stage.greedy:>10.2f} "
            f"{stage.work:>6.2f} {stage.cpu_seconds:>6.2f}"
        )
    print(
        f"placed            {placed}/{len(exhibitors)}: own pavilion {own}, women pavilion {women}, "
        f"overflow {placed - own - women}"
    )
    print(f"notices           {len(result.notices)}")
    shown = [problem.render() for problem in problems[:3]]
    print(f"hard-rule check   {len(problems)} problems" + (f": {shown}" if problems else ""))


if __name__ == "__main__":
    main()
