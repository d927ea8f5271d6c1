"""Score aggregation for the awards alone: plain data in, plain data out, no database."""

import itertools
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards.judging import (
    BY_FIRSTS,
    BY_ID,
    BY_MEAN,
    BY_TOP_CRITERION,
    FLAT,
    NORMALISED,
    RAW,
    RUNNER_UP,
    SINGLE,
    WINNER,
    CategorySpec,
    Criterion,
    JudgingInputError,
    Sheet,
    aggregate,
    explain,
)

# Impact counts twice as much as innovation: weighted = (2 × impact + innovation) / 3.
CRITERIA = (Criterion("impact", 2.0), Criterion("innovation", 1.0))


def category(*candidates, winners=1, runners_up=0):
    return CategorySpec(id=1, criteria=CRITERIA, candidate_ids=candidates, winners=winners, runners_up=runners_up)


def sheet(juror, candidate, impact, innovation=None):
    return Sheet(juror, candidate, (("impact", impact), ("innovation", impact if innovation is None else innovation)))


def abstain(juror, candidate):
    return Sheet(juror, candidate, abstained=True)


def by_candidate(board):
    return {s.candidate_id: s for s in board.standings}


# Three jurors score the same three candidates A, B, C:
#   H (harsh):   A (2, 2) → 2,  B (4, 4) → 4,  C (3, 3) → 3.   Mean 3, deviations −1, +1, 0.
#   M (middle):  A (4, 7) → (8 + 7) / 3 = 5,  B (7, 4) → (14 + 4) / 3 = 6,  C (4, 4) → 4.   Mean 5.
#   L (lenient): A (10, 10) → 10,  B (6, 6) → 6,  C (8, 8) → 8.   Mean 8, deviations +2, −2, 0.
# Population standard deviations: H and M √(2/3) = 0.816497, L √(8/3) = 1.632993, so each
# deviation of ±1 (H, M) or ±2 (L) is a z-score of ±√(3/2) = ±1.224745.
#   raw means: A (2 + 5 + 10) / 3 = 5.666667, B (4 + 6 + 6) / 3 = 5.333333, C (3 + 4 + 8) / 3 = 5
#   z-scores:  A −1.224745, 0, +1.224745 → mean 0
#              B +1.224745, +1.224745, −1.224745 → mean 0.408248
#              C 0, −1.224745, 0 → mean −0.408248
# Raw: A, B, C, A wins on the lenient juror's 10. Normalised: B, A, C: two of three jurors put B first.
HAND = [
    sheet("H", "A", 2),
    sheet("H", "B", 4),
    sheet("H", "C", 3),
    sheet("M", "A", 4, 7),
    sheet("M", "B", 7, 4),
    sheet("M", "C", 4),
    sheet("L", "A", 10),
    sheet("L", "B", 6),
    sheet("L", "C", 8),
]
Z = 1.224745


def test_normalised_against_the_hand_computed_example():
    board = aggregate(category("A", "B", "C"), HAND, mode=NORMALISED)
    standings = by_candidate(board)
    assert [s.candidate_id for s in board.standings] == ["B", "A", "C"]
    assert [s.rank for s in board.standings] == [1, 2, 3]
    assert standings["B"].mean == pytest.approx(0.408248, abs=1e-6)
    assert standings["A"].mean == pytest.approx(0.0, abs=1e-9)
    assert standings["C"].mean == pytest.approx(-0.408248, abs=1e-6)
    a = {c.juror_id: c for c in standings["A"].contributions}
    assert a["H"].weighted == pytest.approx(2)
    assert a["H"].counted == pytest.approx(-Z, abs=1e-6)
    assert a["M"].weighted == pytest.approx(5)
    assert a["M"].counted == pytest.approx(0, abs=1e-9)
    assert a["L"].weighted == pytest.approx(10)
    assert a["L"].counted == pytest.approx(Z, abs=1e-6)
    assert a["H"].juror_mean == pytest.approx(3)
    assert a["H"].juror_sd == pytest.approx(0.816497, abs=1e-6)
    assert a["L"].juror_mean == pytest.approx(8)
    assert a["L"].juror_sd == pytest.approx(1.632993, abs=1e-6)
    assert board.winners == ("B",)
    assert all(s.decided_by == BY_MEAN and s.tied_with == () for s in board.standings)


def test_raw_mean_of_the_same_sheets_picks_another_winner():
    board = aggregate(category("A", "B", "C"), HAND, mode=RAW)
    standings = by_candidate(board)
    assert [s.candidate_id for s in board.standings] == ["A", "B", "C"]
    assert standings["A"].mean == pytest.approx(5.666667, abs=1e-6)
    assert standings["B"].mean == pytest.approx(5.333333, abs=1e-6)
    assert standings["C"].mean == pytest.approx(5.0)
    assert board.winners == ("A",)
    assert aggregate(category("A", "B", "C"), HAND, mode=NORMALISED).winners == ("B",)


def test_an_abstention_counts_for_nothing():
    # H abstains on C: H's own candidates are A (2) and B (4), mean 3, sd 1, so z −1 and +1.
    # C's mean is over M and L only: (−1.224745 + 0) / 2 = −0.612372.
    # A: (−1 + 0 + 1.224745) / 3 = 0.074915;  B: (1 + 1.224745 − 1.224745) / 3 = 0.333333.
    sheets = [s for s in HAND if (s.juror_id, s.candidate_id) != ("H", "C")] + [abstain("H", "C")]
    board = aggregate(category("A", "B", "C"), sheets)
    standings = by_candidate(board)
    assert standings["C"].jurors_counted == 2
    assert standings["C"].mean == pytest.approx(-0.612372, abs=1e-6)
    assert standings["A"].mean == pytest.approx(0.074915, abs=1e-6)
    assert standings["B"].mean == pytest.approx(0.333333, abs=1e-6)
    h_on_c = {c.juror_id: c for c in standings["C"].contributions}["H"]
    assert h_on_c.counted is None
    assert h_on_c.weighted is None
    assert any(p.code == "abstained" for p in explain(board, standings["C"]))


def test_a_candidate_nobody_scored_is_unranked_with_the_reason():
    sheets = [*HAND, abstain("H", "D"), abstain("M", "D")]
    board = aggregate(category("A", "B", "C", "D", "E"), sheets)
    standings = by_candidate(board)
    assert [s.candidate_id for s in board.standings] == ["B", "A", "C", "D", "E"]
    assert standings["D"].rank is None
    assert standings["E"].rank is None
    assert standings["D"].reason.code == "abstained"
    assert standings["D"].reason.render() == "unranked: every juror abstained (2)"
    assert standings["E"].reason.code == "unscored"
    assert explain(board, standings["E"]) == (standings["E"].reason,)
    # The abstentions changed nothing for the others.
    plain = by_candidate(aggregate(category("A", "B", "C"), HAND))
    assert all(standings[c].mean == plain[c].mean for c in "ABC")


def test_a_juror_with_one_candidate_or_one_score_for_all_counts_as_average():
    sheets = [*HAND, sheet("S", "A", 9), sheet("F", "A", 7), sheet("F", "B", 7), sheet("F", "C", 7)]
    standings = by_candidate(aggregate(category("A", "B", "C"), sheets))
    a = {c.juror_id: c for c in standings["A"].contributions}
    assert (a["S"].note, a["S"].counted) == (SINGLE, 0.0)
    assert (a["F"].note, a["F"].counted) == (FLAT, 0.0)
    # A: (−1.224745 + 0 + 1.224745 + 0 + 0) / 5 = 0; B, without S: (1.224745 + 0) / 4 = 0.306186.
    assert standings["A"].mean == pytest.approx(0.0, abs=1e-9)
    assert standings["B"].mean == pytest.approx(0.306186, abs=1e-6)


@pytest.mark.parametrize("mode", [RAW, NORMALISED])
def test_a_tie_goes_to_more_jurors_ranking_it_first(mode):
    # J1: X 9, Y 5.  J2: X 5, Y 9.  J3 scored only X: 7.
    # Raw: X (9 + 5 + 7) / 3 = 7, Y (5 + 9) / 2 = 7.
    # Normalised: J1 X +1, Y −1; J2 X −1, Y +1; J3 alone, 0: X (1 − 1 + 0) / 3 = 0, Y (−1 + 1) / 2 = 0.
    # Firsts: X is J1's and J3's highest (2), Y is J2's (1).
    sheets = [sheet("J1", "X", 9), sheet("J1", "Y", 5), sheet("J2", "X", 5), sheet("J2", "Y", 9), sheet("J3", "X", 7)]
    board = aggregate(category("Y", "X"), sheets, mode=mode)
    standings = by_candidate(board)
    assert standings["X"].mean == pytest.approx(7.0 if mode == RAW else 0.0, abs=1e-9)
    assert standings["Y"].mean == pytest.approx(7.0 if mode == RAW else 0.0, abs=1e-9)
    assert (standings["X"].firsts, standings["Y"].firsts) == (2, 1)
    assert [s.candidate_id for s in board.standings] == ["X", "Y"]
    assert standings["X"].decided_by == standings["Y"].decided_by == BY_FIRSTS
    assert standings["X"].tied_with == ("Y",)
    headline = explain(board, standings["X"])[2]
    assert headline.code == BY_FIRSTS
    assert headline.render() == "tied on the mean with Y; placed by the jurors who ranked it first (2)"


@pytest.mark.parametrize("mode", [RAW, NORMALISED])
def test_then_the_score_on_the_highest_weighted_criterion(mode):
    # J1: P (6, 6) → 6 and Q (5, 8) → (10 + 8) / 3 = 6: the same weighted score, neither J1's first (R 9).
    # Impact, the heaviest criterion: P 6 against Q 5.
    sheets = [sheet("J1", "P", 6), sheet("J1", "Q", 5, 8), sheet("J1", "R", 9)]
    board = aggregate(category("Q", "P", "R"), sheets, mode=mode)
    standings = by_candidate(board)
    assert [s.candidate_id for s in board.standings] == ["R", "P", "Q"]
    assert standings["P"].mean == pytest.approx(standings["Q"].mean)
    assert standings["P"].firsts == standings["Q"].firsts == 0
    assert standings["P"].decided_by == standings["Q"].decided_by == BY_TOP_CRITERION
    assert standings["P"].top_criterion_mean > standings["Q"].top_criterion_mean
    assert board.top_criterion_id == "impact"


def test_then_the_smaller_candidate_id():
    sheets = [sheet("J1", 11, 7), sheet("J1", 10, 7), sheet("J1", 12, 9), sheet("J2", 10, 4), sheet("J2", 11, 4)]
    board = aggregate(category(11, 12, 10), sheets, mode=RAW)
    standings = by_candidate(board)
    assert [s.candidate_id for s in board.standings] == [12, 10, 11]
    assert standings[10].decided_by == standings[11].decided_by == BY_ID
    assert standings[12].decided_by == BY_MEAN


def test_the_first_listed_criterion_breaks_a_tie_on_the_highest_weight():
    criteria = (Criterion("innovation", 2.0), Criterion("impact", 2.0), Criterion("reach", 1.0))
    spec = CategorySpec(1, criteria, ("a", "b"))
    scores = {
        "a": (("innovation", 5), ("impact", 7), ("reach", 6)),
        "b": (("innovation", 7), ("impact", 5), ("reach", 6)),
    }
    board = aggregate(spec, [Sheet("J", c, s) for c, s in scores.items()], mode=RAW)
    assert board.top_criterion_id == "innovation"
    assert [s.candidate_id for s in board.standings] == ["b", "a"]
    assert board.standings[0].decided_by == BY_TOP_CRITERION


def test_winners_and_runners_up():
    sheets = [sheet("J", c, score) for c, score in zip("ABCDE", (9, 8, 7, 6, 5), strict=True)]
    board = aggregate(category(*"ABCDE", winners=1, runners_up=2), sheets, mode=RAW)
    assert board.winners == ("A",)
    assert board.runners_up == ("B", "C")
    assert [s.place for s in board.standings] == [WINNER, RUNNER_UP, RUNNER_UP, None, None]
    assert explain(board, board.standings[0])[0].render() == "rank 1: winner"
    assert explain(board, board.standings[1])[0].render() == "rank 2: runner-up"
    # More places than ranked candidates: those ranked get them, the unranked get none.
    board = aggregate(category("A", "B", "Z", winners=2, runners_up=2), sheets[:2], mode=RAW)
    assert board.winners == ("A", "B")
    assert board.runners_up == ()


def test_explanation_lists_each_jurors_part():
    board = aggregate(category("A", "B", "C"), HAND)
    parts = explain(board, by_candidate(board)["A"])
    assert [p.code for p in parts] == ["rank", "mean", "z", "z", "z"]
    assert parts[1].render() == "mean z-score 0.000 over 3 jurors"
    assert parts[2].render() == "H: 2.00 against the juror's mean 3.00 (sd 0.82): z = -1.225"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([sheet("J", "A", 11)], "not 1–10"),
        ([sheet("J", "A", 0)], "not 1–10"),
        ([Sheet("J", "A", (("impact", 5),))], "every criterion"),
        ([Sheet("J", "A", (("impact", 5), ("impact", 5)))], "every criterion"),
        ([Sheet("J", "A", (("impact", 5), ("reach", 5)))], "every criterion"),
        ([sheet("J", "A", 5), sheet("J", "A", 6)], "twice"),
        ([sheet("J", "Q", 5)], "not in category"),
        ([Sheet("J", "A", (("impact", 5), ("innovation", 5)), abstained=True)], "no scores"),
    ],
)
def test_bad_sheets_are_refused_naming_the_record(bad, message):
    with pytest.raises(JudgingInputError, match=message):
        aggregate(category("A", "B"), bad)


def test_a_non_positive_weight_is_refused():
    with pytest.raises(JudgingInputError, match="positive"):
        aggregate(CategorySpec(1, (Criterion("impact", 0.0),), ("A",)), [])


# --- properties ---------------------------------------------------------------------------------

SCORE = st.integers(1, 10)


@st.composite
def rounds(draw, low=1, high=10):
    """A category with 1–8 candidates and 1–5 jurors, each juror scoring or abstaining on some."""
    n_candidates = draw(st.integers(1, 8))
    n_jurors = draw(st.integers(1, 5))
    sheets = []
    for j in range(n_jurors):
        for c in range(n_candidates):
            kind = draw(st.sampled_from(["score", "score", "score", "abstain", "none"]))
            if kind == "abstain":
                sheets.append(abstain(f"j{j}", c))
            elif kind == "score":
                sheets.append(sheet(f"j{j}", c, draw(st.integers(low, high)), draw(st.integers(low, high))))
    return category(*range(n_candidates), winners=draw(st.integers(0, 3)), runners_up=draw(st.integers(0, 3))), sheets


@settings(max_examples=200, deadline=None)
@given(rounds(), st.sampled_from([RAW, NORMALISED]), st.randoms(use_true_random=False))
def test_ranks_are_a_permutation_and_the_order_of_input_does_not_matter(case, mode, rnd):
    spec, sheets = case
    board = aggregate(spec, sheets, mode=mode)
    ranked = [s for s in board.standings if s.rank is not None]
    assert [s.rank for s in ranked] == list(range(1, len(ranked) + 1))
    scored = {s.candidate_id for s in sheets if not s.abstained}
    assert {s.candidate_id for s in ranked} == scored
    assert sorted(s.candidate_id for s in board.standings) == sorted(spec.candidate_ids)
    means = [s.mean for s in ranked]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(means))
    assert len(board.winners) == min(spec.winners, len(ranked))
    for standing in board.standings:
        parts = explain(board, standing)
        assert all(part.render() for part in parts)
        if standing.rank is not None:
            # A headline, the mean, the tie-break if one was used, then one part per juror.
            assert len(parts) == 2 + (standing.decided_by != BY_MEAN) + len(standing.contributions)
    shuffled = list(sheets)
    rnd.shuffle(shuffled)
    candidates = list(spec.candidate_ids)
    rnd.shuffle(candidates)
    again = aggregate(
        CategorySpec(spec.id, spec.criteria, tuple(candidates), spec.winners, spec.runners_up), shuffled, mode=mode
    )
    assert [(s.candidate_id, s.rank) for s in again.standings] == [(s.candidate_id, s.rank) for s in board.standings]


@settings(max_examples=200, deadline=None)
@given(rounds(low=1, high=5), st.data())
def test_normalised_ranks_do_not_change_when_a_juror_rescales_their_scores(case, data):
    """A juror who scores s as 2s − 1 (stretching 1–5 over 1–9), or shifts everything up, is the same juror."""
    spec, sheets = case
    jurors = sorted({s.juror_id for s in sheets})
    if not jurors:
        return
    juror = data.draw(st.sampled_from(jurors))
    scale, shift = data.draw(st.sampled_from([(2, -1), (1, 5), (1, 3), (2, 0)]))

    def rescale(s):
        if s.juror_id != juror or s.abstained:
            return s
        return Sheet(s.juror_id, s.candidate_id, tuple((c, scale * v + shift) for c, v in s.scores))

    before = aggregate(spec, sheets)
    after = aggregate(spec, [rescale(s) for s in sheets])
    assert [(s.candidate_id, s.rank) for s in after.standings] == [(s.candidate_id, s.rank) for s in before.standings]
    for old, new in zip(before.standings, after.standings, strict=True):
        assert (old.mean is None and new.mean is None) or math.isclose(old.mean, new.mean, abs_tol=1e-9)


def test_determinism_on_a_large_round():
    rnd = random.Random(3)
    sheets = [
        sheet(f"j{j}", c, rnd.randint(1, 10), rnd.randint(1, 10))
        for j in range(12)
        for c in range(40)
        if rnd.random() < 0.4
    ]
    first = aggregate(category(*range(40)), sheets)
    rnd.shuffle(sheets)
    assert aggregate(category(*range(40)), sheets) == first


def test_the_judging_modules_load_without_django():
    """Plain data in and out: the module must not pull Django in (it runs in the bench and anywhere)."""
    code = "import sys, awards.judging; sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0
