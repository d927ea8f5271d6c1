"""The judging modules' inputs and outputs, and the reasons they give."""

from collections.abc import Callable
from dataclasses import dataclass

Id = int | str  # the caller's own ids (primary keys); one type per kind of record

NORMALISED = "normalised"  # each juror's weighted scores as z-scores over the juror's own candidates
RAW = "raw"  # the plain mean of the weighted scores
MODES = (NORMALISED, RAW)

LOWEST_SCORE = 1
HIGHEST_SCORE = 10
# Means equal to this many decimals are a tie: z-scores are floats, and a juror's scores
# rescaled (doubled, shifted) must give the same ranking, not one decided by rounding noise.
TIE_DECIMALS = 9

# The tie-break levels, in the order they are tried (``Standing.decided_by``).
BY_MEAN = "mean"  # not tied: the mean alone placed it
BY_FIRSTS = "firsts"  # the number of jurors who scored it highest of all their candidates
BY_TOP_CRITERION = "top_criterion"  # the mean raw score on the highest-weighted criterion
BY_ID = "id"  # the candidate id, smaller first: the earlier put forward

WINNER = "winner"
RUNNER_UP = "runner_up"

# Why a juror's normalised score is 0 rather than a z-score (``Contribution.note``).
SINGLE = "single"  # the juror scored only this candidate in the category
FLAT = "flat"  # the juror gave all of their candidates the same weighted score


def gettext_noop(message: str) -> str:
    """Marks a message for the portal's translation files; this pure code keeps it in English."""
    return message


@dataclass(frozen=True)
class Because:
    """A message with ``%(name)s`` placeholders and their values, shown in the reader's language."""

    code: str
    message: str
    params: tuple[tuple[str, str | int | float], ...] = ()

    def render(self, translate: Callable[[str], str] = gettext_noop) -> str:
        return translate(self.message) % dict(self.params)


class JudgingInputError(ValueError):
    """The input breaks a rule (an unknown criterion, a score out of range, a sheet twice): names the record."""


@dataclass(frozen=True)
class Criterion:
    id: Id
    weight: float  # > 0; only the ratios between a category's weights matter


@dataclass(frozen=True)
class CategorySpec:
    id: Id
    criteria: tuple[Criterion, ...]  # the round's rubric; ties on the highest weight go to the first listed
    candidate_ids: tuple[Id, ...]  # every candidate in the round, scored or not
    winners: int = 1
    runners_up: int = 0


@dataclass(frozen=True)
class Sheet:
    """One juror's scores for one candidate: every criterion scored 1–10, or an abstention (no scores)."""

    juror_id: Id
    candidate_id: Id
    scores: tuple[tuple[Id, int], ...] = ()  # (criterion id, score)
    abstained: bool = False


@dataclass(frozen=True)
class Contribution:
    """What one juror's sheet added to a candidate's mean."""

    juror_id: Id
    weighted: float | None  # the weighted score, 1–10; None when the juror abstained
    counted: float | None  # what went into the mean (the z-score or the weighted score); None: abstained
    note: str | None = None  # SINGLE or FLAT when the z-score was taken as 0
    juror_mean: float | None = None  # the juror's mean and standard deviation over their candidates
    juror_sd: float | None = None


@dataclass(frozen=True)
class Standing:
    """A candidate's place on the leaderboard, and why.

    ``rank`` counts from 1 and is a permutation of 1..n over the ranked candidates; None when
    nothing was scored (``reason`` says why). ``tied_with`` lists the candidates with the same mean
    (to ``TIE_DECIMALS``); ``decided_by`` is the level that ordered it against the tied candidate
    just above it (just below, for the first of a tie), BY_MEAN when it was not tied.
    """

    candidate_id: Id
    rank: int | None
    mean: float | None
    contributions: tuple[Contribution, ...]  # sorted by juror id; abstentions included
    firsts: int  # jurors for whom it had the highest weighted score (shared highest included)
    top_criterion_mean: float | None  # the mean score (z-score when normalised) on the top criterion
    tied_with: tuple[Id, ...] = ()
    decided_by: str = BY_MEAN
    place: str | None = None  # WINNER, RUNNER_UP or None
    reason: Because | None = None  # why unranked

    @property
    def jurors_counted(self) -> int:
        return sum(1 for c in self.contributions if c.counted is not None)


@dataclass(frozen=True)
class Leaderboard:
    category_id: Id
    mode: str
    standings: tuple[Standing, ...]  # ranked ones by rank, then the unranked by candidate id
    winners: tuple[Id, ...]
    runners_up: tuple[Id, ...]
    top_criterion_id: Id


@dataclass(frozen=True)
class Shortfall:
    """A candidate that could not get k jurors, and why."""

    candidate_id: Id
    assigned: int
    reason: Because


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[tuple[Id, Id], ...]  # (juror id, candidate id), sorted
    loads: tuple[tuple[Id, int], ...]  # (juror id, candidates in total, prior load included), by juror id
    shortfalls: tuple[Shortfall, ...]  # by candidate id

    def jurors_of(self, candidate_id: Id) -> tuple[Id, ...]:
        return tuple(j for j, c in self.pairs if c == candidate_id)
