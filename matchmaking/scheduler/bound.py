"""An upper bound on the value of any schedule: a day-aggregated LP relaxation, solved with OR-Tools GLOP.

The exact model is time-indexed: x[r, s] = 1 when request r meets in slot s. Its LP relaxation is
nearly integral on expo-shaped instances but has a variable per request and shared free slot
(95,000 on the 4,000-request bench instance, against 6,800 here) and is slower to solve. This
module relaxes it further, by day: z[r, d] is the share of request r held on day d (the sum of
x[r, s] over that day's slots), for the requests not fixed, with

* sum over d of z[r, d] <= 1 (each request at most once), and z[r, d] only where both participants
  have a free slot in common on day d;
* for each participant p and day d, sum of z[r, d] over p's requests <= the most pairwise
  non-overlapping slots of p free that day (slots taken by fixed meetings removed);
* for each participant p, day d and set C of slots that some request of p shares with its partner
  that day, the requests of p whose shared slots lie inside C, together <= the same count for C;
* for each day d, the requests needing a table, together <= tables × the most pairwise
  non-overlapping slots of the day, minus the fixed meetings at a table that day.

Every schedule gives a feasible z (sum its meetings per day), so the LP optimum, plus the weight of
the fixed meetings, is an upper bound; as every schedule's value is a whole number, so is it rounded
down. It is never below the time-indexed LP's bound, and equal to it on a grid of slots when each
participant's free slots are whole days: spreading each z[r, d] evenly over the day's slots then
gives a feasible time-indexed solution of the same value.
"""

import math

from ortools.linear_solver import pywraplp

from .model import Model


def day_lp_bound(model: Model, blocked: list[int], full: int, fixed: list[bool]) -> tuple[int, list[list[float]]]:
    """(bound on the value of the requests not fixed, z[r][d]) given the fixed meetings' effect.

    ``blocked[p]`` are the slots participant p cannot use because of fixed meetings, ``full`` the
    slots whose tables the fixed meetings use up, ``fixed[r]`` whether request r is fixed.
    """
    n_days = len(model.days)
    z = [[0.0] * n_days for _ in model.requests]
    solver = pywraplp.Solver.CreateSolver("GLOP")
    variables: dict[tuple[int, int], pywraplp.Variable] = {}
    shared: dict[tuple[int, int], int] = {}
    for r in range(len(model.requests)):
        if fixed[r]:
            continue
        a, b = model.a[r], model.b[r]
        free = model.common[r] & ~blocked[a] & ~blocked[b]
        if model.needs_table[r]:
            free &= ~full
        for d in range(n_days):
            mask = free & model.day_mask[d]
            if mask:
                variables[r, d] = solver.NumVar(0.0, 1.0, "")
                shared[r, d] = mask
    if not variables:
        return 0, z
    by_request: dict[int, list] = {}
    by_participant_day: dict[tuple[int, int], list[int]] = {}
    tables_by_day: dict[int, list] = {}
    for (r, d), var in variables.items():
        by_request.setdefault(r, []).append(var)
        by_participant_day.setdefault((model.a[r], d), []).append(r)
        by_participant_day.setdefault((model.b[r], d), []).append(r)
        if model.needs_table[r]:
            tables_by_day.setdefault(d, []).append(var)
    for vars_ in by_request.values():
        if len(vars_) > 1:
            solver.Add(sum(vars_) <= 1)
    for (p, d), requests in by_participant_day.items():
        free = model.available[p] & model.day_mask[d] & ~blocked[p]
        capacity = model.disjoint_count(free)
        if len(requests) > capacity:
            solver.Add(sum(variables[r, d] for r in requests) <= capacity)
        for window in sorted({shared[r, d] for r in requests}):
            if window == free:
                continue
            inside = [r for r in requests if shared[r, d] & ~window == 0]
            room = model.disjoint_count(window)
            if len(inside) > room:
                solver.Add(sum(variables[r, d] for r in inside) <= room)
    n_tables = len(model.tables)
    for d, vars_ in tables_by_day.items():
        day = model.day_mask[d]
        room = n_tables * model.disjoint_count(day) - _fixed_table_meetings(model, day)
        if len(vars_) > room:
            solver.Add(sum(vars_) <= room)
    solver.Maximize(sum(model.weight[r] * var for (r, _), var in variables.items()))
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        # Without a proven optimum the only safe bound is every request met.
        return sum(model.weight[r] for r in by_request), z
    for (r, d), var in variables.items():
        z[r][d] = var.solution_value()
    return math.floor(solver.Objective().Value() + 1e-6), z


def _fixed_table_meetings(model: Model, day: int) -> int:
    return sum(1 for r, s, t in model.locked if t >= 0 and day >> s & 1)
