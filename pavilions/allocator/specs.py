"""The allocator's inputs and outputs, and the constants that bound its work."""

from collections.abc import Callable
from dataclasses import dataclass

from pavilions import geometry

# Merged stands stay small: a run or block of up to four stalls (4 × 9 m² = 36 m²).
MAX_MERGE = 4
# Weights are floats; CP-SAT needs integers. Hundredths of a weight unit are precise enough.
SCALE = 100
# CP-SAT's work counter ("deterministic seconds") ran at 0.4 to 1 of the wall clock on the shared
# 2-core bench machine; half of ``time_limit`` leaves room for building the models.
DETERMINISTIC_PER_SECOND = 0.5
# The wall-clock safety net, in multiples of ``time_limit``: loose enough that on a loaded machine
# (a work unit took up to 2.5 s on the shared bench VM) the work counter still stops the search.
WALL_CLOCK_FACTOR = 3.0
# Beyond this many (exhibitor, block) variables one model is too slow for one worker: solve by component.
MAX_VARIABLES = 30_000
# Up to this many, CP-SAT proves the preferences optimal too, rather than improving them by neighbourhoods.
EXACT_VARIABLES = 2_000
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
    rank_score: float  # higher = better ranked nomination (0..100)
    competitor_key: str | None = None  # the same key: direct competitors
    locked_stall_ids: tuple[int, ...] = ()  # set by staff: kept exactly
    cluster_name: str = ""  # for the messages


@dataclass(frozen=True)
class Weights:
    """Preferences, all >= 0, in the same units; a placement is always worth more than all of them."""

    same_cluster_adjacent: float = 3.0  # per pair of neighbouring stalls held by one cluster
    corner_to_ranked: float = 1.0  # × rank_score / 100, for a stand with two or more open sides
    trade_body_near: float = 1.0  # per pair of neighbouring stalls held by one trade body
    competitors_facing: float = 2.0  # penalty per pair of competitors' stalls adjacent or facing (no reward then)
    trade_body_same_pavilion: float = 0.5  # per exhibitor joining one of its trade body in a pavilion
    home_pavilion: float = 2.0  # in its cluster's own pavilion (the host with fewest clusters), not overflow
    women_pavilion_choice: float = 15.0  # chose the women pavilion and got it: more than any neighbours bring
    area_waste: float = 0.05  # penalty per m² beyond the request
    rank_placed: float = 1.0  # × rank_score / 100 for being placed: when not all fit, the better ranked do


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


@dataclass(frozen=True)
class Result:
    placements: tuple[Placement, ...]  # sorted by exhibitor id
    unplaced: tuple[Unplaced, ...]  # sorted by exhibitor id
    objective: float  # of the returned placements, by ``assignment_score``
    bound: float  # proven upper bound (the trivial one without the solver)
    greedy_objective: float
    status: str  # "optimal", "feasible", "greedy" (the solver found nothing better, or did not run)
    solve_seconds: float  # wall time of the whole call
    placement_value: float = 0.0  # what one placement adds to the objective
    stopped_by_wall_clock: bool = False  # the safety-net wall limit, not the deterministic one, ended the search
    notes: tuple[str, ...] = ()  # how it was solved, when not as one model

    @property
    def preference_gap(self) -> float:
        """Bound minus objective as a share of the objective's preference part (0 when proven optimal)."""
        preferences = self.objective - self.placement_value * len(self.placements)
        return (self.bound - self.objective) / max(abs(preferences), 1.0)
