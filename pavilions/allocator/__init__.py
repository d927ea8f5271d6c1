"""Assigns approved exhibitors to stalls: a greedy pass, then OR-Tools CP-SAT warm-started from it.

Pure Python, no Django: the service loads the expo's stalls, pavilions and exhibitors into the
dataclasses of ``specs``, calls ``allocate`` and saves the placements. The rules that are never
broken live in ``rules``: ``placement_problems`` judges one exhibitor on some stalls (a hand move
is checked with it, through the same inputs a run reads), ``check_hard_rules`` a whole result;
both answer with structured reasons the portal translates.

Hard rules: a stall holds at most one exhibitor; an exhibitor gets one block: a connected set of
stalls of one pavilion, sharing edges, with at least the requested area and no stall that could
be dropped keeping both the area and the connection (``Instance.fits``), of at most
``MAX_MERGE`` stalls; only pavilions hosting its cluster, or a "women" pavilion when it chose
one; unavailable stalls only for a lock, blocked ones never; locks kept exactly (of two locks on
one stall, the exhibitor with the higher id is reported unplaced; a lock that breaks another
rule is kept and reported in ``notices``).

Objective, lexicographic (``COUNT_FIRST``): (1) the number placed; (2) the sum of the placed
exhibitors' rank scores, keeping (1), so nobody is left out while a worse-ranked exhibitor
asking as much or more holds space it could use (``_rank_repair`` makes sure of it when the
budget ran out first); (3) the weighted preferences (``Weights``), keeping (1) and (2).
``RANK_FIRST`` (strict rank order) takes exhibitors in rank order and places each that fits
beside all the better ranked already placed, then (3). Each stage reports its value, bound and
greedy value (``Stage``).

Method (``solve``, ``packing``, ``preferences``): a greedy pass; then CP-SAT on the packing
model by types and pavilion patterns (``packing.FlowPacking``: how many exhibitors of each type
each pavilion takes, and which of the pavilion's most-filled ways to use its blocks it follows;
no preference terms) for (1), hinted by the greedy pass, with GLOP's LP bound of that model
when CP-SAT does not prove it; then (2) on the same model; then (3) exactly when the model is
small (``EXACT_VARIABLES``), else by re-solving neighbourhoods of pavilions. In strict rank
order each exhibitor's "fits beside the better ranked" is decided on the same model under
assumptions. The preferences' bound is the tightest of CP-SAT's (when it solved the stage's
model), the LP relaxation of that model (GLOP, up to ``LP_VARIABLES``), tightened by caps on
the neighbour pairs each cluster and trade body could make in a pavilion, and a simple one. The
stage's model keeps the count and the rank value as constraints (in strict rank order, the very
exhibitors placed), so the bound holds for every allocation the earlier stages allow.

Determinism: inputs are sorted by id, the greedy pass and the neighbourhoods go by id, CP-SAT
runs with a fixed seed and one worker by default, and every solve stops on CP-SAT's
deterministic work counter, budgeted at ``DETERMINISTIC_PER_SECOND`` × ``time_limit`` for the
whole call. No wall-clock limit is set, so the same input gives the same allocation on a fast
or slow, quiet or loaded machine.
"""

from .explain import explain
from .rules import check_hard_rules, placement_problems
from .solve import allocate
from .specs import (
    COUNT_FIRST,
    DETERMINISTIC_PER_SECOND,
    EXACT_VARIABLES,
    LP_VARIABLES,
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
    "LP_VARIABLES",
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
