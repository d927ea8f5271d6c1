"""The nomination ranking algorithm alone: plain data in, plain data out, no database."""

import random

import pytest

from exhibitors.ranking import Candidate, Preferences, Ranked, rank

PREFERENCES = Preferences(women_led_bonus=0.25, micro_bonus=0.15)
NO_PREFERENCES = Preferences(women_led_bonus=0.0, micro_bonus=0.0)


def candidate(id, mean_score, *, women_led=False, micro=False, submitted_order=None):
    return Candidate(
        id=id,
        mean_score=mean_score,
        women_led=women_led,
        micro=micro,
        submitted_order=float(id) if submitted_order is None else submitted_order,
    )


def test_rank_orders_by_mean_score_highest_first():
    ranked = rank([candidate(1, 3.0), candidate(2, 4.5), candidate(3, 4.0)], NO_PREFERENCES)

    assert ranked == [
        Ranked(2, 1, 4.5, 4.5, ()),
        Ranked(3, 2, 4.0, 4.0, ()),
        Ranked(1, 3, 3.0, 3.0, ()),
    ]


def test_rank_puts_women_led_and_micro_first_at_equal_mean_score():
    candidates = [
        candidate(1, 4.0),
        candidate(2, 4.0, micro=True),
        candidate(3, 4.0, women_led=True),
        candidate(4, 4.0, women_led=True, micro=True),
    ]

    ranked = rank(candidates, PREFERENCES)

    assert [(row.id, row.rank, row.ranking_score, row.bonuses) for row in ranked] == [
        (4, 1, 4.4, ("women_led", "micro")),
        (3, 2, 4.25, ("women_led",)),
        (2, 3, 4.15, ("micro",)),
        (1, 4, 4.0, ()),
    ]


def test_rank_lets_a_large_bonus_overtake_a_slightly_higher_score():
    ranked = rank([candidate(1, 4.2), candidate(2, 4.0, women_led=True)], Preferences(0.5, 0.0))

    assert [row.id for row in ranked] == [2, 1]


def test_rank_keeps_a_small_bonus_below_a_clearly_higher_score():
    ranked = rank([candidate(1, 4.5), candidate(2, 4.0, women_led=True, micro=True)], PREFERENCES)

    assert [row.id for row in ranked] == [1, 2]


def test_rank_gives_no_badge_when_the_bonus_is_zero():
    ranked = rank([candidate(1, 4.0, women_led=True, micro=True)], NO_PREFERENCES)

    assert ranked == [Ranked(1, 1, 4.0, 4.0, ())]


def test_rank_breaks_equal_ranking_scores_by_the_higher_mean_score():
    # 4.0 + 0.25 (women-led) ties 4.25 unaided: merit comes first.
    ranked = rank([candidate(1, 4.0, women_led=True), candidate(2, 4.25)], PREFERENCES)

    assert [(row.id, row.ranking_score) for row in ranked] == [(2, 4.25), (1, 4.25)]


def test_rank_breaks_full_ties_by_earlier_submission_then_id():
    candidates = [
        candidate(7, 3.5, submitted_order=200.0),
        candidate(5, 3.5, submitted_order=100.0),
        candidate(6, 3.5, submitted_order=100.0),
    ]

    assert [row.id for row in rank(candidates, PREFERENCES)] == [5, 6, 7]


def test_rank_lists_unscored_candidates_last_without_rank_in_submission_order():
    candidates = [
        candidate(1, None, women_led=True, submitted_order=30.0),
        candidate(2, 1.0, submitted_order=40.0),
        candidate(3, None, micro=True, submitted_order=10.0),
    ]

    ranked = rank(candidates, PREFERENCES)

    assert ranked == [
        Ranked(2, 1, 1.0, 1.0, ()),
        Ranked(3, None, None, None, ()),
        Ranked(1, None, None, None, ()),
    ]


def test_rank_of_no_candidates_is_empty():
    assert rank([], PREFERENCES) == []


def test_rank_numbers_ranks_consecutively_from_one():
    candidates = [candidate(n, float(n % 5) + 1.0, women_led=n % 3 == 0, micro=n % 4 == 0) for n in range(1, 41)]

    ranks = [row.rank for row in rank(candidates, PREFERENCES)]

    assert ranks == list(range(1, 41))


@pytest.mark.parametrize("seed", range(20))
def test_rank_is_deterministic_whatever_the_input_order(seed):
    generator = random.Random(seed)
    candidates = [
        candidate(
            n,
            generator.choice([None, 1.0, 2.5, 3.0, 3.25, 4.0, 4.15, 4.25, 5.0]),
            women_led=generator.random() < 0.4,
            micro=generator.random() < 0.4,
            submitted_order=float(generator.randint(0, 5)),
        )
        for n in range(1, 31)
    ]
    shuffled = candidates[:]
    generator.shuffle(shuffled)

    assert rank(shuffled, PREFERENCES) == rank(candidates, PREFERENCES)


@pytest.mark.parametrize("seed", range(20))
def test_rank_never_puts_a_lower_ranking_score_above_a_higher_one(seed):
    generator = random.Random(seed)
    candidates = [
        candidate(n, generator.choice([1.0, 2.0, 3.0, 3.5, 4.0, 4.5]), women_led=generator.random() < 0.5)
        for n in range(1, 26)
    ]

    scores = [row.ranking_score for row in rank(candidates, PREFERENCES)]

    assert scores == sorted(scores, reverse=True)
