"""Reads of a round's leaderboards for the secretariat: the one adapter from the score sheets to ``awards.judging``.

Only submitted sheets count (a draft is the juror's own until they submit it); an abstention is passed on as one,
so that the explanation lists it. A sheet whose juror has an open conflict flag with the candidate does not count,
whenever the flag was raised (even after the juror scored): it is left out of the leaderboards, of its juror's
normalisation and so of the results, and listed as excluded with the flag's reasons; clearing the flag counts it
again. Before the round closes nobody reads a score here: the secretariat sees how many sheets are in
(``round_progress``), never their contents. The queries are the same few however many scores there are: the round,
its criteria, its candidates, its jurors, the submitted sheets, the open flags and the scores, each read once.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext

from expo.models import Expo

from . import judging
from .models import Assignment, Candidate, Category, ConflictFlag, Criterion, Juror, Round, Score, ScoreSheet


@dataclass(frozen=True)
class Line:
    """A leaderboard's row as the pages and the exports show it."""

    rank: int | None
    candidate: Candidate
    place: str | None  # judging.WINNER, judging.RUNNER_UP or None
    score: float | None
    jurors: int
    decided_by: str  # the tie rule's level that placed it (judging.BY_*)
    explanation: list[str]

    @property
    def place_label(self) -> str:
        return {judging.WINNER: gettext("Winner"), judging.RUNNER_UP: gettext("Runner-up")}.get(self.place, "")


@dataclass(frozen=True)
class Excluded:
    """A submitted sheet left out of the leaderboards: its juror has an open conflict flag with the candidate."""

    juror: str
    candidate: Candidate
    reasons: list[str]  # each open flag's source and what was declared or found


@dataclass(frozen=True)
class Board:
    mode: str
    lines: list[Line]


@dataclass(frozen=True)
class Boards:
    round: Round
    criteria: list[Criterion]
    normalised: Board
    raw: Board
    excluded: list[Excluded]

    def board(self, mode: str) -> Board:
        return self.normalised if mode == judging.NORMALISED else self.raw


def rounds_of_expo(*, expo: Expo | None) -> QuerySet[Round]:
    """Every round of ``expo``'s categories, in the categories' order, with how far their scoring is."""
    if expo is None:
        return Round.objects.none()
    return (
        Round.objects.filter(category__expo=expo)
        .select_related("category")
        .annotate(
            assigned=Count("assignments", distinct=True),
            submitted=Count(
                "assignments", filter=Q(assignments__sheet__status=ScoreSheet.Status.SUBMITTED), distinct=True
            ),
        )
        .order_by("category__order", "category__name", "order", "pk")
    )


def round_for_staff(*, pk: int) -> Round:
    found = Round.objects.filter(pk=pk).select_related("category__expo").first()
    if found is None:
        raise Http404
    return found


def final_round(*, category: Category) -> Round | None:
    return category.rounds.filter(kind=Round.Kind.FINAL).first()


def round_progress(*, round: Round) -> dict[str, int]:
    """How many assignments the round has and how many sheets are submitted, abstained or still drafts; and how
    many submitted sheets will not count, their juror having an open conflict flag with the candidate."""
    submitted = Q(sheet__status=ScoreSheet.Status.SUBMITTED)
    open_flag = ConflictFlag.objects.filter(
        juror_id=OuterRef("juror_id"), candidate_id=OuterRef("candidate_id"), cleared_at__isnull=True
    )
    return (
        Assignment.objects.filter(round=round)
        .annotate(conflicted=Exists(open_flag))
        .aggregate(
            assigned=Count("pk"),
            submitted=Count("pk", filter=submitted & Q(sheet__abstained=False)),
            abstained=Count("pk", filter=submitted & Q(sheet__abstained=True)),
            drafts=Count("pk", filter=Q(sheet__status=ScoreSheet.Status.DRAFT)),
            excluded=Count("pk", filter=submitted & Q(conflicted=True)),
        )
    )


def _render(part: judging.Because, *, candidates: dict[int, Candidate], jurors: dict[str, str], criteria) -> str:
    """A part of an explanation in the reader's language, with names where the judging module has ids."""
    params = dict(part.params)
    if "juror" in params:
        params["juror"] = jurors.get(params["juror"], params["juror"])
    if "criterion" in params:
        params["criterion"] = criteria.get(params["criterion"], params["criterion"])
    if "others" in params:
        params["others"] = ", ".join(
            candidates[int(pk)].exhibitor.name for pk in str(params["others"]).split(", ") if pk
        )
    return gettext(part.message) % params


def round_boards(*, round: Round) -> Boards:
    """The normalised and the raw leaderboard of a closed round, each rank explained; a 404 before it closes.

    Raises ``judging.JudgingInputError`` when a submitted sheet breaks the rubric (a criterion added after scoring).
    """
    if not round.is_closed:
        raise Http404
    criteria = list(Criterion.objects.filter(round=round).order_by("order", "pk"))
    candidates = {
        candidate.pk: candidate
        # Only candidates still in the running: one withdrawn, excluded or not eligible is neither ranked nor
        # counted in its jurors' normalisation.
        for candidate in Candidate.objects.filter(
            assignments__round=round, status=Candidate.Status.ACTIVE, eligible=True
        )
        .distinct()
        .select_related("exhibitor")
        .order_by("pk")
    }
    jurors = {
        str(pk): name
        for pk, name in Juror.objects.filter(assignments__round=round).distinct().values_list("pk", "name")
    }
    sheets = ScoreSheet.objects.filter(
        assignment__round=round,
        assignment__candidate__status=Candidate.Status.ACTIVE,
        assignment__candidate__eligible=True,
        status=ScoreSheet.Status.SUBMITTED,
    ).order_by()
    flags: dict[tuple[int, int], list[str]] = defaultdict(list)
    for flag in ConflictFlag.objects.filter(
        juror_id__in=[int(pk) for pk in jurors], candidate_id__in=list(candidates), cleared_at__isnull=True
    ).order_by("raised_at", "pk"):
        reason = flag.get_source_display()
        flags[flag.juror_id, flag.candidate_id].append(f"{reason}: {flag.detail}" if flag.detail else str(reason))
    abstained = list(sheets.filter(abstained=True).values_list("assignment__juror_id", "assignment__candidate_id"))
    abstentions = [pair for pair in abstained if pair not in flags]
    conflicted = {pair for pair in abstained if pair in flags}
    scores = defaultdict(list)
    for juror, candidate, criterion, value in (
        Score.objects.filter(sheet__in=sheets.filter(abstained=False))
        .order_by()
        .values_list("sheet__assignment__juror_id", "sheet__assignment__candidate_id", "criterion_id", "value")
    ):
        if (juror, candidate) in flags:
            conflicted.add((juror, candidate))
        else:
            scores[juror, candidate].append((criterion, value))
    excluded = [
        Excluded(juror=jurors[str(juror)], candidate=candidates[candidate], reasons=flags[juror, candidate])
        for juror, candidate in sorted(
            conflicted, key=lambda pair: (candidates[pair[1]].exhibitor.name, jurors[str(pair[0])], pair)
        )
    ]

    category = round.category
    spec = judging.CategorySpec(
        id=category.pk,
        criteria=tuple(judging.Criterion(id=c.pk, weight=float(c.weight)) for c in criteria),
        candidate_ids=tuple(candidates),
        winners=category.winners,
        runners_up=category.runners_up,
    )
    specs = [
        *(judging.Sheet(juror, candidate, tuple(values)) for (juror, candidate), values in scores.items()),
        *(judging.Sheet(juror, candidate, abstained=True) for juror, candidate in abstentions),
    ]
    criterion_names = {str(c.pk): c.display_name for c in criteria}
    not_counted: dict[int, list[str]] = defaultdict(list)
    for sheet in excluded:
        not_counted[sheet.candidate.pk].append(
            gettext("%(juror)s: not counted, an open conflict flag (%(reasons)s)")
            % {"juror": sheet.juror, "reasons": "; ".join(sheet.reasons)}
        )

    def board(mode: str) -> Board:
        leaderboard = judging.aggregate(spec, specs, mode=mode)
        lines = [
            Line(
                rank=standing.rank,
                candidate=candidates[standing.candidate_id],
                place=standing.place,
                score=standing.mean,
                jurors=standing.jurors_counted,
                decided_by=standing.decided_by,
                explanation=[
                    *(
                        _render(part, candidates=candidates, jurors=jurors, criteria=criterion_names)
                        for part in judging.explain(leaderboard, standing)
                    ),
                    *not_counted[standing.candidate_id],
                ],
            )
            for standing in leaderboard.standings
        ]
        return Board(mode=mode, lines=lines)

    return Boards(
        round=round,
        criteria=criteria,
        normalised=board(judging.NORMALISED),
        raw=board(judging.RAW),
        excluded=excluded,
    )


def explanation_in_english(line: Line) -> str:
    """A line's explanation as kept with an approved result: in English, whoever approved it."""
    return "; ".join(line.explanation)


def boards_in_english(*, round: Round) -> Boards:
    with translation.override("en"):
        return round_boards(round=round)


def export_rows(boards: Boards, mode: str) -> list[list[object]]:
    """A leaderboard as spreadsheet rows: a header, then one row per candidate (for ``expo.exports``)."""
    rows: list[list[object]] = [
        [
            gettext("Rank"),
            gettext("Exhibitor"),
            gettext("Place"),
            gettext("Score"),
            gettext("Jurors counted"),
            gettext("Tie rule"),
            gettext("Explanation"),
        ]
    ]
    for line in boards.board(mode).lines:
        rows.append(
            [
                line.rank if line.rank is not None else "",
                line.candidate.exhibitor.name,
                line.place_label,
                round(line.score, 6) if line.score is not None else "",
                line.jurors,
                line.decided_by,
                "; ".join(line.explanation),
            ]
        )
    return rows
