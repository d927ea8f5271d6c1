"""The allocator's inputs and outputs, and the constants that bound its work."""

from collections.abc import Callable
from dataclasses import dataclass, field

from pavilions import geometry

# A block of merged stalls has at most this many: 36 m² of 4 m² (2 × 2 m) stalls. Blocks are
# grown only up to the largest request of their pavilion, so the cap costs nothing on 9 m² stalls.
MAX_MERGE = 9
# Weights are floats; CP-SAT needs integers. Hundredths of a weight unit are precise enough.
SCALE = 100
# CP-SAT's work counter ("deterministic seconds") ran at 0.4 to 1 of the wall clock on the shared
# 2-core bench machine; ``time_limit`` × this is the whole call's budget of work units. Nothing
# else limits a solve: no wall clock, so the answer is the same on a quiet or a loaded machine.
DETERMINISTIC_PER_SECOND = 0.5
# Up to this many, CP-SAT proves the preferences optimal too, rather than improving them by neighbourhoods.
EXACT_VARIABLES = 2_000
# Up to this many variables in the preference stage's model, its LP relaxation (GLOP) bounds the
# preferences; about 9 s of CPU at the demo size (8,300), too long beyond.
LP_VARIABLES = 20_000
# Up to this many, the preference stage first chooses who goes to which pavilion
# (``by_pavilion.PavilionChoice``): proven in about 2 work units at the demo size (8,300); at ten
# times it (100,000) CP-SAT found no choice at all in 15.
BY_PAVILION_VARIABLES = 20_000
# Areas are drawn to the centimetre: 9 m² drawn as 2.999 × 3.001 still counts as 9 m².
AREA_TOLERANCE = 0.05


@dataclass(frozen=True)
class StallSpec:
    id: int
    code: str  # e.g. "H1-B-014"
    pavilion_id: int
    hall_id: int
    rect: geometry.Rect  # metres on the hall plan
    available: bool = True  # False when held or blocked: never assigned, except to a lock on it
    blocked: bool = False  # not to be used at all, not even by a lock


@dataclass(frozen=True)
class PavilionSpec:
    id: int
    name: str
    kind: str  # "cluster", "women", "international", "enclave", "service"
    cluster_ids: frozenset[int]  # clusters it hosts (overflow pavilions host several)


@dataclass(frozen=True)
class ExhibitorSpec:
    id: int
    name: str
    cluster_id: int
    requested_area: float  # m² (9, 18 or 36)
    women_pavilion: bool  # chose the women entrepreneurs pavilion and is women-led (the caller checks)
    trade_body_id: int
    rank_score: float | None  # higher = better ranked nomination (0..100); None or NaN: unranked, last
    competitor_key: str | None = None  # the same key: direct competitors
    locked_stall_ids: tuple[int, ...] = ()  # set by staff: kept exactly
    cluster_name: str = ""  # for the messages


@dataclass(frozen=True)
class Weights:
    """Preferences, all >= 0, in the same units: the third stage of the objective, after the count and the rank."""

    same_cluster_adjacent: float = 3.0  # per pair of neighbouring stalls held by one cluster
    corner_to_ranked: float = 1.0  # × rank_score / 100, for a stand with two or more open sides
    trade_body_near: float = 1.0  # per pair of neighbouring stalls held by one trade body
    competitors_facing: float = 2.0  # penalty per pair of competitors' stalls adjacent or facing (no reward then)
    trade_body_same_pavilion: float = 0.5  # per exhibitor joining one of its trade body in a pavilion
    home_pavilion: float = 2.0  # in its cluster's own pavilion (the host with fewest clusters), not overflow
    women_pavilion_choice: float = 15.0  # chose the women pavilion and got it: more than any neighbours bring
    area_waste: float = 0.05  # penalty per m² beyond the request


DEFAULT_WEIGHTS = Weights()  # frozen, so one shared default is safe


def gettext_noop(message: str) -> str:
    """Marks a message for the portal's translation files; this pure code keeps it in English."""
    return message


@dataclass(frozen=True)
class Because:
    """One part of an explanation: a message with ``%(name)s`` placeholders, and their values.

    Kept apart so that the portal shows it in the reader's language (``describe(reason, gettext)``).
    """

    message: str
    params: tuple[tuple[str, str | int | float], ...] = ()

    def render(self, translate: Callable[[str], str] = gettext_noop) -> str:
        return translate(self.message) % dict(self.params)


Reason = tuple[Because, ...]


def describe(reason: Reason, translate: Callable[[str], str] = gettext_noop) -> str:
    """The explanation as one sentence: where it goes, then → the stalls, then the details."""
    parts = [part.render(translate) for part in reason]
    if len(parts) < 2:
        return "".join(parts)
    return f"{parts[0]} → " + ", ".join(parts[1:])


@dataclass(frozen=True)
class Placement:
    exhibitor_id: int
    stall_ids: tuple[int, ...]  # one stall, or adjacent stalls merged; sorted
    reason: Reason


@dataclass(frozen=True)
class Unplaced:
    exhibitor_id: int
    reason: Reason


COUNT_FIRST = "count_first"  # (1) how many are placed, (2) their rank, (3) the preferences
RANK_FIRST = "rank_first"  # strict rank order: (2) before (1), never a better-ranked left out to fit more


@dataclass(frozen=True)
class Stage:
    """One stage of the lexicographic objective: its value, the bound proven on it, the greedy pass's value.

    ``count``: exhibitors placed. ``rank``: the sum of the placed exhibitors' rank scores.
    ``preferences``: the weighted preferences (``Weights``). Each stage's bound holds given the
    values of the stages before it; ``bound`` is None when nothing is proven.
    """

    name: str
    value: float
    bound: float | None
    greedy: float
    proven: bool
    work: float = 0.0  # CP-SAT work units it took
    cpu_seconds: float = field(default=0.0, compare=False)  # CPU time it took, model building included

    @property
    def gap(self) -> float | None:
        """Bound minus value as a share of the bound (0 when proven optimal)."""
        if self.bound is None:
            return None
        return max(0.0, self.bound - self.value) / max(abs(self.bound), 1.0)


@dataclass(frozen=True)
class Notice:
    """Something in the input staff should fix: a lock that breaks a rule, a missing rank, a duplicate."""

    exhibitor_id: int
    reason: Reason


@dataclass(frozen=True)
class Result:
    placements: tuple[Placement, ...]  # sorted by exhibitor id
    unplaced: tuple[Unplaced, ...]  # sorted by exhibitor id
    stages: tuple[Stage, ...]  # in the order they were solved
    objective: str  # COUNT_FIRST or RANK_FIRST
    status: str  # "optimal" (every stage proven), "feasible", "greedy" (the solver did not run)
    solve_seconds: float  # wall time of the whole call
    cpu_seconds: float = 0.0  # this process's CPU time in the call
    work: float = 0.0  # CP-SAT work units spent (deterministic seconds)
    notices: tuple[Notice, ...] = ()  # sorted by exhibitor id
    notes: tuple[str, ...] = ()

    def stage(self, name: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.name == name), None)
