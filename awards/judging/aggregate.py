"""A category's leaderboard from the jurors' sheets: weighted scores, normalisation, ties, explanations."""

import math
from collections import defaultdict
from collections.abc import Iterable

from .specs import (
    BY_FIRSTS,
    BY_ID,
    BY_MEAN,
    BY_TOP_CRITERION,
    FLAT,
    HIGHEST_SCORE,
    LOWEST_SCORE,
    MODES,
    NORMALISED,
    RUNNER_UP,
    SINGLE,
    TIE_DECIMALS,
    WINNER,
    Because,
    CategorySpec,
    Contribution,
    Id,
    JudgingInputError,
    Leaderboard,
    Sheet,
    Standing,
    gettext_noop,
)


def _top_criterion(category: CategorySpec) -> Id:
    if not category.criteria:
        raise JudgingInputError(f"category {category.id!r}: no criteria")
    heaviest = max(c.weight for c in category.criteria)
    return next(c.id for c in category.criteria if c.weight == heaviest)


def _check(category: CategorySpec, sheets: Iterable[Sheet]) -> list[Sheet]:
    for criterion in category.criteria:
        if not (criterion.weight > 0 and math.isfinite(criterion.weight)):
            raise JudgingInputError(f"criterion {criterion.id!r}: the weight must be a positive number")
    criteria = {c.id for c in category.criteria}
    if len(criteria) != len(category.criteria):
        raise JudgingInputError(f"category {category.id!r}: a criterion is listed twice")
    candidates = set(category.candidate_ids)
    seen = set()
    checked = []
    for sheet in sheets:
        key = (sheet.juror_id, sheet.candidate_id)
        if sheet.candidate_id not in candidates:
            raise JudgingInputError(f"sheet {key!r}: candidate not in category {category.id!r}")
        if key in seen:
            raise JudgingInputError(f"sheet {key!r}: the juror scored this candidate twice")
        seen.add(key)
        if sheet.abstained:
            if sheet.scores:
                raise JudgingInputError(f"sheet {key!r}: an abstention has no scores")
        else:
            scored = [criterion for criterion, _ in sheet.scores]
            if len(scored) != len(criteria) or set(scored) != criteria:
                raise JudgingInputError(f"sheet {key!r}: every criterion is scored once")
            for criterion, score in sheet.scores:
                if not (isinstance(score, int) and LOWEST_SCORE <= score <= HIGHEST_SCORE):
                    raise JudgingInputError(f"sheet {key!r}: score {score!r} on {criterion!r} is not 1–10")
        checked.append(sheet)
    return checked


def weighted_score(category: CategorySpec, sheet: Sheet) -> float:
    """Σ weight × score / Σ weight: still on the 1–10 scale."""
    weights = {c.id: c.weight for c in category.criteria}
    return sum(weights[c] * s for c, s in sheet.scores) / sum(weights.values())


def aggregate(category: CategorySpec, sheets: Iterable[Sheet], *, mode: str = NORMALISED) -> Leaderboard:
    """The leaderboard of one category's round.

    Each sheet gives a weighted score (``weighted_score``). In ``NORMALISED`` mode each juror's
    weighted scores become z-scores over that juror's own scored candidates in the category,
    (score − juror's mean) / juror's population standard deviation, so that a harsh and a lenient
    juror who order the candidates alike count alike. A juror who scored only one candidate, or
    gave all their candidates the same weighted score, expresses no preference: each of their
    sheets counts as 0, the average (noted SINGLE or FLAT), so it neither lifts nor sinks the
    candidate. In ``RAW`` mode the weighted score counts as it is.

    A candidate's mean is over the jurors who scored it; an abstention contributes nothing (it is
    listed in the explanation and not counted). A candidate no juror scored is unranked, with the
    reason. Candidates with the same mean (to ``TIE_DECIMALS`` places) are ordered by, in turn:
    (1) more jurors ranking it first, i.e. giving it their highest weighted score in the category
    (shared highest scores count for each candidate sharing them); (2) the higher mean score
    on the highest-weighted criterion (the first listed, if several share the highest weight),
    taken like the weighted scores: z-scores of each juror's scores on that criterion when
    normalised (0 for a juror who scored one candidate or gave the same score throughout), raw
    otherwise, so that rescaling a juror's scores never changes the ranking;
    (3) the smaller candidate id. The first ``winners`` ranks win, the next ``runners_up`` are
    runners-up.
    """
    if mode not in MODES:
        raise JudgingInputError(f"mode {mode!r}: one of {MODES}")
    sheets = _check(category, sheets)
    top = _top_criterion(category)

    weighted: dict[tuple[Id, Id], float] = {}
    top_score: dict[tuple[Id, Id], int] = {}
    by_juror: dict[Id, list[Id]] = defaultdict(list)
    by_candidate: dict[Id, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        by_candidate[sheet.candidate_id].append(sheet)
        if not sheet.abstained:
            weighted[sheet.juror_id, sheet.candidate_id] = weighted_score(category, sheet)
            top_score[sheet.juror_id, sheet.candidate_id] = dict(sheet.scores)[top]
            by_juror[sheet.juror_id].append(sheet.candidate_id)

    stats: dict[Id, tuple[float, float]] = {}  # juror → (mean, population sd) of the weighted scores
    top_stats: dict[Id, tuple[float, float]] = {}  # the same, of the scores on the top criterion
    best: dict[Id, float] = {}
    for juror, candidates in by_juror.items():
        values = [weighted[juror, c] for c in candidates]
        stats[juror] = _mean_sd(values)
        top_stats[juror] = _mean_sd([top_score[juror, c] for c in candidates])
        best[juror] = max(values)

    standings = []
    for candidate in category.candidate_ids:
        contributions = []
        firsts = 0
        top_scores = []
        for sheet in sorted(by_candidate.get(candidate, ()), key=lambda s: _sortable(s.juror_id)):
            juror = sheet.juror_id
            if sheet.abstained:
                contributions.append(Contribution(juror, None, None))
                continue
            value = weighted[juror, candidate]
            mean, sd = stats[juror]
            firsts += value == best[juror]
            if mode == NORMALISED:
                note = SINGLE if len(by_juror[juror]) == 1 else FLAT if _is_zero(sd, mean) else None
                counted = 0.0 if note else (value - mean) / sd
                top_mean, top_sd = top_stats[juror]
                flat = len(by_juror[juror]) == 1 or _is_zero(top_sd, top_mean)
                top_scores.append(0.0 if flat else (top_score[juror, candidate] - top_mean) / top_sd)
                contributions.append(Contribution(juror, value, counted, note, mean, sd))
            else:
                top_scores.append(top_score[juror, candidate])
                contributions.append(Contribution(juror, value, value, None, mean, sd))
        counted = [c.counted for c in contributions if c.counted is not None]
        if counted:
            standings.append(
                Standing(
                    candidate_id=candidate,
                    rank=None,
                    mean=math.fsum(counted) / len(counted),
                    contributions=tuple(contributions),
                    firsts=firsts,
                    top_criterion_mean=math.fsum(top_scores) / len(top_scores),
                )
            )
        else:
            reason = (
                Because(
                    "abstained",
                    gettext_noop("unranked: every juror abstained (%(jurors)s)"),
                    (("jurors", len(contributions)),),
                )
                if contributions
                else Because("unscored", gettext_noop("unranked: no juror scored it"))
            )
            standings.append(Standing(candidate, None, None, tuple(contributions), 0, None, reason=reason))

    ranked = sorted((s for s in standings if s.mean is not None), key=_order_key)
    unranked = sorted((s for s in standings if s.mean is None), key=lambda s: _sortable(s.candidate_id))
    groups: dict[float, list[Standing]] = defaultdict(list)
    for standing in ranked:
        groups[round(standing.mean, TIE_DECIMALS)].append(standing)

    placed = []
    for rank, standing in enumerate(ranked, start=1):
        group = groups[round(standing.mean, TIE_DECIMALS)]
        place = (
            WINNER
            if rank <= category.winners
            else RUNNER_UP
            if rank <= category.winners + category.runners_up
            else None
        )
        decided_by = BY_MEAN
        if len(group) > 1:
            at = group.index(standing)
            other = group[at - 1] if at else group[1]
            decided_by = _level(standing, other)
        placed.append(
            Standing(
                candidate_id=standing.candidate_id,
                rank=rank,
                mean=standing.mean,
                contributions=standing.contributions,
                firsts=standing.firsts,
                top_criterion_mean=standing.top_criterion_mean,
                tied_with=tuple(s.candidate_id for s in group if s is not standing),
                decided_by=decided_by,
                place=place,
            )
        )
    return Leaderboard(
        category_id=category.id,
        mode=mode,
        standings=tuple(placed) + tuple(unranked),
        winners=tuple(s.candidate_id for s in placed if s.place == WINNER),
        runners_up=tuple(s.candidate_id for s in placed if s.place == RUNNER_UP),
        top_criterion_id=top,
    )


def _mean_sd(values: list[float]) -> tuple[float, float]:
    """The mean and the population standard deviation."""
    mean = math.fsum(values) / len(values)
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def _is_zero(sd: float, mean: float) -> bool:
    # Equal scores can leave a standard deviation of a few ulps rather than exactly 0.
    return sd <= 1e-12 * max(1.0, abs(mean))


def _sortable(value: Id) -> tuple:
    return (isinstance(value, str), value)


def _order_key(standing: Standing) -> tuple:
    return (
        -round(standing.mean, TIE_DECIMALS),
        -standing.firsts,
        -round(standing.top_criterion_mean, TIE_DECIMALS),
        _sortable(standing.candidate_id),
    )


def _level(standing: Standing, other: Standing) -> str:
    """The first tie-break level on which the two differ."""
    if standing.firsts != other.firsts:
        return BY_FIRSTS
    if round(standing.top_criterion_mean, TIE_DECIMALS) != round(other.top_criterion_mean, TIE_DECIMALS):
        return BY_TOP_CRITERION
    return BY_ID
