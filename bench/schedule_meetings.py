"""Quality, time and memory of the meeting scheduler on expo-shaped instances, in memory, no database.

    .venv/bin/python bench/schedule_meetings.py [--requests 1000 4000 16000] [--seed N] [--locked-share F]
                                                [--time-indexed-lp]

For each size it builds ``matchmaking.instances.expo_instance`` (the expo is 4,000 requests; other
sizes scale participants and tables with them) with one request in 80 fixed, then, in a child
process of its own so that the peak memory is that run's alone, times:

* ``schedule``: the whole call (checking, LP bound, construction, improvement, idle slots);
* its baseline, measured in the same child: the weight-ordered first-fit greedy alone (what a
  simple scheduler does), and the day-aggregated LP bound alone;
* with ``--time-indexed-lp``, the LP relaxation of the full time-indexed model (a variable per
  request and shared free slot) solved by GLOP, to compare the bounds.

It prints value, bound, value / bound, the greedy's value / bound, requests left out, idle slots
(the scheduler's and the greedy's), wall and CPU seconds, the time as a multiple of the greedy's,
and the child's peak resident memory at the end of ``schedule`` (with what it held before: the
interpreter, OR-Tools and the instance); it checks the hard rules on the schedule and fails if any is
broken or the value exceeds the bound.
"""

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaking.instances import expo_instance  # noqa: E402 -- after the path set-up above
from matchmaking.scheduler import check_hard_rules, schedule  # noqa: E402
from matchmaking.scheduler.bound import day_lp_bound  # noqa: E402
from matchmaking.scheduler.model import Model, bits  # noqa: E402
from matchmaking.scheduler.search import State, greedy  # noqa: E402


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _time_indexed_lp(model: Model, state: State) -> float:
    """The LP relaxation of the exact model: x[r, s] in [0, 1] for each free shared slot (grid slots)."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    x, by_request, by_person_slot, by_slot = {}, {}, {}, {}
    for r in range(len(model.requests)):
        if state.fixed[r]:
            continue
        for s in bits(state.candidates(r)):
            var = x[r, s] = solver.NumVar(0.0, 1.0, "")
            by_request.setdefault(r, []).append(var)
            by_person_slot.setdefault((model.a[r], s), []).append(var)
            by_person_slot.setdefault((model.b[r], s), []).append(var)
            if model.needs_table[r]:
                by_slot.setdefault(s, []).append(var)
    for group in [*by_request.values(), *by_person_slot.values()]:
        if len(group) > 1:
            solver.Add(sum(group) <= 1)
    for s, group in by_slot.items():
        solver.Add(sum(group) <= len(model.tables) - len(state.tabled[s]))
    solver.Maximize(sum(model.weight[r] * var for (r, _), var in x.items()))
    solver.Solve()
    return solver.Objective().Value() + state.value


def measure(requests: int, seed: int, locked_share: float, time_indexed: bool) -> dict:
    instance = expo_instance(requests, seed=seed, locked=round(requests * locked_share))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result, wall, cpu = _timed(lambda: schedule(instance))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the peak, so far: the scheduler's
    problems = check_hard_rules(instance, result.meetings)

    model = Model(instance)
    baseline = State(model)
    order = sorted((r for r in range(len(model.requests)) if not baseline.fixed[r]), key=lambda r: -model.weight[r])
    _, greedy_wall, greedy_cpu = _timed(lambda: greedy(baseline, order))
    fresh = State(model)
    _, lp_wall, lp_cpu = _timed(lambda: day_lp_bound(model, fresh.blocked, fresh.full, fresh.fixed))
    row = {
        "requests": requests,
        "participants": len(instance.participants),
        "tables": len(instance.tables),
        "locked": len(instance.locked),
        "value": result.value,
        "bound": result.bound,
        "ratio": result.value / result.bound,
        "greedy_value": result.greedy_value,
        "greedy_ratio": result.greedy_value / result.bound,
        "unscheduled": len(result.unscheduled),
        "idle_gaps": result.idle_gaps,
        "greedy_idle_gaps": baseline.idle_total(),
        "wall_s": wall,
        "cpu_s": cpu,
        "greedy_cpu_s": greedy_cpu,
        "cpu_vs_greedy": cpu / max(greedy_cpu, 1e-9),
        "lp_cpu_s": lp_cpu,
        "lp_wall_s": lp_wall,
        "greedy_wall_s": greedy_wall,
        "work": result.work,
        "problems": problems[:3],
    }
    if time_indexed:
        row["time_indexed_lp"], row["time_indexed_lp_wall_s"], _ = _timed(lambda: _time_indexed_lp(model, fresh))
    row["rss_before_mb"], row["peak_rss_mb"] = rss_before, rss_after
    return row


def _child(queue, *args) -> None:
    queue.put(measure(*args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--locked-share", type=float, default=1 / 80, help="share of requests fixed beforehand")
    parser.add_argument("--time-indexed-lp", action="store_true", help="also solve the full time-indexed LP")
    args = parser.parse_args()

    context = multiprocessing.get_context("fork")
    failed = False
    print(
        f"{'requests':>8} {'value':>7} {'bound':>7} {'ratio':>8} {'greedy':>8} {'left':>5} {'idle':>5} "
        f"{'g.idle':>6} {'wall s':>7} {'CPU s':>6} {'×greedy':>8} {'LP s':>5} {'RSS MB':>7} {'+MB':>5}"
    )
    for requests in args.requests:
        queue = context.Queue()
        child = context.Process(
            target=_child, args=(queue, requests, args.seed, args.locked_share, args.time_indexed_lp)
        )
        child.start()
        row = queue.get()
        child.join()
        print(
            f"{row['requests']:>8} {row['value']:>7} {row['bound']:>7} {row['ratio']:>8.4%} "
            f"{row['greedy_ratio']:>8.2%} "
            f"{row['unscheduled']:>5} {row['idle_gaps']:>5} {row['greedy_idle_gaps']:>6} {row['wall_s']:>7.2f} "
            f"{row['cpu_s']:>6.2f} {row['cpu_vs_greedy']:>8.0f} {row['lp_cpu_s']:>5.2f} {row['peak_rss_mb']:>7.0f} "
            f"{row['peak_rss_mb'] - row['rss_before_mb']:>5.0f}"
        )
        if "time_indexed_lp" in row:
            print(
                f"{'':>8} time-indexed LP bound {row['time_indexed_lp']:.2f} in {row['time_indexed_lp_wall_s']:.1f} s"
            )
        print(f"{'':>8} {json.dumps(row)}")
        if row["problems"] or row["value"] > row["bound"]:
            print(f"FAILED: {row['problems']}, value {row['value']} > bound {row['bound']}?", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
