"""Jury assignment and score aggregation for the awards, in pure Python (no Django).

The caller (the awards services) builds plain frozen dataclasses from the database and saves or
shows what comes back; messages come as ``Because`` (a code, an English message marked for
translation, and its values) for the portal to render in the reader's language.

- ``assign``: k unconflicted jurors per candidate, loads as even as the conflicts allow, by a
  min-cost flow (OR-Tools); candidates that cannot get k jurors come back as ``Shortfall``.
- ``aggregate``: a category round's ``Leaderboard`` from the ``Sheet`` of each juror and
  candidate: weighted scores, per-juror z-scores (``NORMALISED``) or the plain mean (``RAW``),
  abstentions left out, ties broken by firsts, then the highest-weighted criterion, then the id;
  winners and runners-up marked. ``explain`` puts a standing into words.

Both are deterministic: the same input, in any order, gives the same answer.
"""

from .aggregate import aggregate, weighted_score
from .assign import assign
from .explain import explain
from .specs import (
    BY_FIRSTS,
    BY_ID,
    BY_MEAN,
    BY_TOP_CRITERION,
    FLAT,
    MODES,
    NORMALISED,
    RAW,
    RUNNER_UP,
    SINGLE,
    TIE_DECIMALS,
    WINNER,
    Assignment,
    Because,
    CategorySpec,
    Contribution,
    Criterion,
    JudgingInputError,
    Leaderboard,
    Sheet,
    Shortfall,
    Standing,
)

__all__ = [
    "BY_FIRSTS",
    "BY_ID",
    "BY_MEAN",
    "BY_TOP_CRITERION",
    "FLAT",
    "MODES",
    "NORMALISED",
    "RAW",
    "RUNNER_UP",
    "SINGLE",
    "TIE_DECIMALS",
    "WINNER",
    "Assignment",
    "Because",
    "CategorySpec",
    "Contribution",
    "Criterion",
    "JudgingInputError",
    "Leaderboard",
    "Sheet",
    "Shortfall",
    "Standing",
    "aggregate",
    "assign",
    "explain",
    "weighted_score",
]
