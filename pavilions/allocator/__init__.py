"""Assigns approved exhibitors to stalls: a greedy pass, then OR-Tools CP-SAT warm-started from it.

Pure Python, no Django: the service loads the expo's stalls, pavilions and exhibitors into the
dataclasses of ``specs``, calls ``allocate`` and saves the placements. The rules that are never
broken live in ``rules``: ``placement_problems`` judges one exhibitor on some stalls (a hand move
is checked with it, through the same inputs a run reads), ``check_hard_rules`` a whole result;
both answer with structured reasons the portal translates.

Hard rules: a stall holds at most one exhibitor; an exhibitor gets one stall of at least the
requested area, or a connected set of at most ``MAX_MERGE`` stalls of one pavilion, sharing edges,
whose areas add up to it; only pavilions hosting its cluster, or a "women" pavilion when it chose
one; unavailable stalls only for a lock; locks kept exactly (of two locks on one stall, the
exhibitor with the higher id is reported unplaced; locks are not checked against the other rules,
``check_hard_rules`` reports what they break).

Objective, maximised: ``placement_value`` per exhibitor placed, more than all preferences
together, so one more exhibitor placed always wins; then the weighted preferences (``Weights``).
Greedy and solver results are scored by the same function, ``assignment_score``.

Method (``solve``): one boolean per (exhibitor, candidate block) — blocks are single stalls and
minimal connected merges in the exhibitor's eligible pavilions (``_Model``). First CP-SAT
maximises the number placed from the greedy hint (proven optimal in about a second on the demo
expo); then, keeping that many placed, a large-neighbourhood search re-solves a few nearby
pavilions at a time exactly (``improve``). ``bound`` is proven on the placements and trivial
on the preferences: CP-SAT's own bound on them was looser still (its LP relaxation lets every
pair of neighbouring stalls "share" a cluster fractionally). See bench/README.md.

Large instances (more than ``MAX_VARIABLES`` exhibitor-block pairs) are solved by component
(``solve_by_component``): groups of pavilions that share clusters, the women pavilions as one
group, one group at a time with the others fixed; ``bound`` is then the trivial one.

Determinism: inputs are sorted by id, the greedy pass and the neighbourhoods go by id, CP-SAT
runs with a fixed seed and one worker by default, and every solve stops on CP-SAT's
deterministic work counter (``max_deterministic_time``), budgeted at
``DETERMINISTIC_PER_SECOND`` × ``time_limit``: the same input gives the same placements on a fast
or a slow machine, in about ``time_limit`` / 2 on a quiet one and up to ``time_limit`` × 1.5 on a
loaded one. ``WALL_CLOCK_FACTOR`` × ``time_limit`` is a wall-clock deadline for the whole call,
a safety net only; when it, not the work counter, ended a solve, ``stopped_by_wall_clock`` says
so and the result may then differ from run to run.
"""

from .explain import explain
from .rules import check_hard_rules, placement_problems
from .solve import allocate
from .specs import (
    COUNT_FIRST,
    DETERMINISTIC_PER_SECOND,
    EXACT_VARIABLES,
    MAX_MERGE,
    RANK_FIRST,
    Because,
    ExhibitorSpec,
    Notice,
    PavilionSpec,
    Placement,
    Reason,
    Result,
    Stage,
    StallSpec,
    Unplaced,
    Weights,
    describe,
)

__all__ = [
    "COUNT_FIRST",
    "DETERMINISTIC_PER_SECOND",
    "EXACT_VARIABLES",
    "MAX_MERGE",
    "RANK_FIRST",
    "Because",
    "ExhibitorSpec",
    "Notice",
    "PavilionSpec",
    "Placement",
    "Reason",
    "Result",
    "Stage",
    "StallSpec",
    "Unplaced",
    "Weights",
    "allocate",
    "check_hard_rules",
    "describe",
    "explain",
    "placement_problems",
]
