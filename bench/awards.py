"""Time and memory of the awards' jury assignment and score aggregation, each beside a plain pass.

    .venv/bin/python bench/awards.py [--categories 40] [--candidates 200] [--jurors 60] [--k 5]
                                     [--repeat 3] [--seed 0]

No database: it builds a synthetic round in memory. One pool of jurors judges every category;
each juror is conflicted with about 3 % of the candidates. ``awards.judging.assign`` gives each
candidate k jurors, category by category, carrying each juror's load into the next category
(``prior_loads``) so the whole round is balanced. Each assigned juror then scores the candidate
on a five-criterion rubric (a hidden quality, plus the juror's own severity, plus noise, kept in
1–10), one sheet in twenty an abstention; ``aggregate`` ranks every category, normalised and raw.

The baselines, measured in the same run on the same data:
- assignment: a round-robin pass, each candidate taking the next k unconflicted jurors in turn
  (no balancing, no flow);
- aggregation: one plain pass over the same sheets, the weighted mean per candidate in a dict
  (no checks, no z-scores, no ties, no explanations).

For each: the best of ``--repeat`` runs' wall and CPU seconds, and the peak memory allocated
during one run (tracemalloc, a separate run so its overhead is not timed); the verdict is the
ratio to the baseline. It also checks the result: every candidate k jurors, no conflicted pair,
loads within one of each other, every category fully ranked.
"""

import argparse
import random
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from awards.judging import NORMALISED, RAW, CategorySpec, Criterion, Sheet, aggregate, assign  # noqa: E402

CRITERIA = (
    Criterion("impact", 3.0),
    Criterion("innovation", 2.0),
    Criterion("growth", 2.0),
    Criterion("women_jobs", 2.0),
    Criterion("presentation", 1.0),
)


def build(categories: int, candidates: int, jurors: int, seed: int):
    rnd = random.Random(seed)
    pool = list(range(1, jurors + 1))
    specs, conflicts, quality = [], {}, {}
    for n in range(categories):
        ids = tuple(n * candidates + c + 1 for c in range(candidates))
        specs.append(CategorySpec(n + 1, CRITERIA, ids, winners=3, runners_up=5))
        conflicts[n + 1] = [(j, c) for j in pool for c in ids if rnd.random() < 0.03]
        quality.update({c: rnd.gauss(6, 1.5) for c in ids})
    severity = {j: rnd.uniform(-2.5, 2.5) for j in pool}
    return pool, specs, conflicts, quality, severity


def run_assign(pool, specs, conflicts, k):
    loads: dict[int, int] = {}
    results = []
    for spec in specs:
        result = assign(
            candidate_ids=spec.candidate_ids, juror_ids=pool, k=k, conflicts=conflicts[spec.id], prior_loads=loads
        )
        loads = dict(result.loads)
        results.append(result)
    return results


def round_robin(pool, specs, conflicts, k):
    turn = 0
    pairs = []
    for spec in specs:
        blocked = set(conflicts[spec.id])
        for candidate in spec.candidate_ids:
            taken = 0
            for step in range(len(pool)):
                juror = pool[(turn + step) % len(pool)]
                if (juror, candidate) not in blocked:
                    pairs.append((juror, candidate))
                    taken += 1
                    if taken == k:
                        turn = (turn + step + 1) % len(pool)
                        break
    return pairs


def make_sheets(assignments, quality, severity, seed):
    rnd = random.Random(seed + 1)
    sheets = defaultdict(list)
    for category, result in enumerate(assignments, start=1):
        for juror, candidate in result.pairs:
            if rnd.random() < 0.05:
                sheets[category].append(Sheet(juror, candidate, abstained=True))
                continue
            scores = tuple(
                (c.id, min(10, max(1, round(quality[candidate] + severity[juror] + rnd.gauss(0, 1))))) for c in CRITERIA
            )
            sheets[category].append(Sheet(juror, candidate, scores))
    return sheets


def run_aggregate(specs, sheets, mode):
    return [aggregate(spec, sheets[spec.id], mode=mode) for spec in specs]


def plain_pass(specs, sheets):
    weights = {c.id: c.weight for c in CRITERIA}
    total = sum(weights.values())
    means = {}
    for spec in specs:
        sums, counts = defaultdict(float), defaultdict(int)
        for sheet in sheets[spec.id]:
            if sheet.abstained:
                continue
            sums[sheet.candidate_id] += sum(weights[c] * s for c, s in sheet.scores) / total
            counts[sheet.candidate_id] += 1
        means[spec.id] = sorted(((sums[c] / counts[c], c) for c in sums), reverse=True)
    return means


def measure(fn, repeat):
    """(best wall s, best CPU s, peak MB, the last result)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return min(walls), min(cpus), peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--categories", type=int, default=40)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--jurors", type=int, default=60)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    pool, specs, conflicts, quality, severity = build(args.categories, args.candidates, args.jurors, args.seed)
    rows = []
    base = measure(lambda: round_robin(pool, specs, conflicts, args.k), args.repeat)
    flow = measure(lambda: run_assign(pool, specs, conflicts, args.k), args.repeat)
    rows += [("assignment: round-robin (baseline)", base), ("assignment: assign (min-cost flow)", flow)]
    assignments = flow[3]

    # The checks: a benchmark of a wrong answer measures nothing.
    loads = dict(assignments[-1].loads)
    assert max(loads.values()) - min(loads.values()) <= 1, loads
    for spec, result in zip(specs, assignments, strict=True):
        assert not set(conflicts[spec.id]) & set(result.pairs)
        short = {s.candidate_id for s in result.shortfalls}
        assert all(len(result.jurors_of(c)) == args.k for c in spec.candidate_ids if c not in short)

    sheets = make_sheets(assignments, quality, severity, args.seed)
    n_sheets = sum(len(s) for s in sheets.values())
    plain = measure(lambda: plain_pass(specs, sheets), args.repeat)
    normalised = measure(lambda: run_aggregate(specs, sheets, NORMALISED), args.repeat)
    raw = measure(lambda: run_aggregate(specs, sheets, RAW), args.repeat)
    rows += [
        ("aggregation: plain weighted mean (baseline)", plain),
        ("aggregation: aggregate, normalised", normalised),
        ("aggregation: aggregate, raw", raw),
    ]
    for board in normalised[3]:
        ranks = [s.rank for s in board.standings if s.rank is not None]
        assert ranks == list(range(1, len(ranks) + 1))

    shortfalls = sum(len(r.shortfalls) for r in assignments)
    print(
        f"{args.categories} categories × {args.candidates} candidates, {args.jurors} jurors, k = {args.k}: "
        f"{sum(len(r.pairs) for r in assignments):,} assignments ({shortfalls} candidates short), "
        f"{n_sheets:,} sheets; loads {min(loads.values())}–{max(loads.values())}; best of {args.repeat}"
    )
    print(f"{'':46} {'wall s':>8} {'CPU s':>8} {'× base':>8} {'peak MB':>8}")
    for n, (name, (wall, cpu, peak, _)) in enumerate(rows):
        baseline = rows[0][1] if n < 2 else rows[2][1]
        print(f"{name:46} {wall:8.3f} {cpu:8.3f} {cpu / max(baseline[1], 1e-9):8.1f} {peak:8.1f}")


if __name__ == "__main__":
    main()
