"""Automatic jury assignment alone: plain data in, plain data out, no database."""

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards.judging import JudgingInputError, assign


def loads_of(result):
    return dict(result.loads)


def test_k_jurors_each_with_even_loads():
    result = assign(candidate_ids=range(1, 11), juror_ids=["a", "b", "c", "d"], k=2)
    assert all(len(result.jurors_of(c)) == 2 for c in range(1, 11))
    assert sorted(loads_of(result).values()) == [5, 5, 5, 5]
    assert result.shortfalls == ()


def test_a_conflicted_juror_is_never_assigned_and_the_short_candidate_says_why():
    conflicts = [("a", 1), ("b", 1), ("c", 1), ("a", 2)]
    result = assign(candidate_ids=range(1, 7), juror_ids=["a", "b", "c", "d"], k=2, conflicts=conflicts)
    assert not set(conflicts) & set(result.pairs)
    assert result.jurors_of(1) == ("d",)
    assert [(s.candidate_id, s.assigned) for s in result.shortfalls] == [(1, 1)]
    assert result.shortfalls[0].reason.render() == "only 1 of the panel's 4 jurors are free of conflict; 2 needed"
    assert all(len(result.jurors_of(c)) == 2 for c in range(2, 7))
    # 11 assignments over four jurors: 3, 3, 3, 2 (d must take 1, and may take the rest evenly).
    assert sorted(loads_of(result).values()) == [2, 3, 3, 3]


def test_more_jurors_wanted_than_the_panel_has():
    result = assign(candidate_ids=[1, 2], juror_ids=["a", "b"], k=3)
    assert [s.assigned for s in result.shortfalls] == [2, 2]
    assert len(result.pairs) == 4


def test_prior_loads_from_other_categories_are_evened_out():
    # a already judges 4 candidates elsewhere: the 6 new assignments go to b and c first.
    result = assign(candidate_ids=range(6), juror_ids=["a", "b", "c"], k=1, prior_loads={"a": 4})
    assert loads_of(result) == {"a": 4, "b": 3, "c": 3}


def test_pairs_fixed_by_hand_are_kept_and_counted():
    # a holds candidates 1 and 2 by hand: the other four go to b and c, two each, so a ends at 2 too.
    result = assign(candidate_ids=range(1, 7), juror_ids=["a", "b", "c"], k=1, fixed=[("a", 1), ("a", 2)])
    assert result.jurors_of(1) == ("a",)
    assert result.jurors_of(2) == ("a",)
    assert loads_of(result) == {"a": 2, "b": 2, "c": 2}
    # More fixed by hand than k: kept, and no more added.
    result = assign(candidate_ids=[1], juror_ids=["a", "b", "c"], k=1, fixed=[("a", 1), ("b", 1)])
    assert result.jurors_of(1) == ("a", "b")


def test_bad_input_is_refused():
    with pytest.raises(JudgingInputError):
        assign(candidate_ids=[1], juror_ids=["a"], k=0)
    with pytest.raises(JudgingInputError):
        assign(candidate_ids=[1, 1], juror_ids=["a"], k=1)
    with pytest.raises(JudgingInputError, match="conflict"):
        assign(candidate_ids=[1], juror_ids=["a", "b"], k=1, conflicts=[("a", 1)], fixed=[("a", 1)])
    with pytest.raises(JudgingInputError, match="not on the panel"):
        assign(candidate_ids=[1], juror_ids=["a"], k=1, fixed=[("z", 1)])


@st.composite
def panels(draw, max_candidates=12, max_jurors=8, max_k=4):
    n_candidates = draw(st.integers(0, max_candidates))
    n_jurors = draw(st.integers(1, max_jurors))
    jurors = [f"j{n}" for n in range(n_jurors)]
    pairs = [(j, c) for j in jurors for c in range(n_candidates)]
    density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6]))
    conflicts = [p for p in pairs if draw(st.floats(0, 1)) < density] if pairs and density else []
    return list(range(n_candidates)), jurors, draw(st.integers(1, max_k)), conflicts


@settings(max_examples=200, deadline=None)
@given(panels(), st.randoms(use_true_random=False))
def test_k_per_candidate_when_feasible_never_conflicted_and_the_same_whatever_the_order(panel, rnd):
    candidates, jurors, k, conflicts = panel
    result = assign(candidate_ids=candidates, juror_ids=jurors, k=k, conflicts=conflicts)
    blocked = set(conflicts)
    assert not blocked & set(result.pairs)
    assert len(set(result.pairs)) == len(result.pairs)
    short = {s.candidate_id: s for s in result.shortfalls}
    for c in candidates:
        free = sum((j, c) not in blocked for j in jurors)
        assert len(result.jurors_of(c)) == min(k, free)
        assert (c in short) == (free < k)
    counts = Counter(j for j, _ in result.pairs)
    assert loads_of(result) == {j: counts[j] for j in jurors}
    if not conflicts:
        assert max(counts[j] for j in jurors) - min(counts[j] for j in jurors) <= 1
    for shuffled in (candidates, jurors, conflicts):
        rnd.shuffle(shuffled)
    assert assign(candidate_ids=candidates, juror_ids=jurors, k=k, conflicts=conflicts) == result


def _best_possible(candidates, jurors, k, blocked, fixed):
    """Over every assignment that keeps the fixed pairs and gives each candidate min(k, free)
    jurors: the lowest possible highest load and the highest possible lowest load, by enumeration."""
    options = []
    for c in candidates:
        free = [j for j in jurors if (j, c) not in blocked]
        kept = tuple(j for j, d in fixed if d == c)
        others = [j for j in free if j not in kept]
        size = max(min(k, len(free)), len(kept))
        options.append([kept + extra for extra in itertools.combinations(others, size - len(kept))])
    lowest_max, highest_min = None, None
    for choice in itertools.product(*options):
        counts = Counter(j for group in choice for j in group)
        top, bottom = max(counts[j] for j in jurors), min(counts[j] for j in jurors)
        lowest_max = top if lowest_max is None else min(lowest_max, top)
        highest_min = bottom if highest_min is None else max(highest_min, bottom)
    return lowest_max, highest_min


@settings(max_examples=150, deadline=None)
@given(panels(max_candidates=5, max_jurors=4, max_k=2), st.data())
def test_loads_are_as_even_as_any_assignment_could_make_them(panel, data):
    """Against every possible assignment: the highest load is the lowest there can be and the
    lowest load the highest, at once; so max − min ≤ 1 whenever some assignment achieves it.
    Pairs fixed by hand are kept and counted."""
    candidates, jurors, k, conflicts = panel
    allowed = [(j, c) for j in jurors for c in candidates if (j, c) not in set(conflicts)]
    fixed = data.draw(st.lists(st.sampled_from(allowed), unique=True, max_size=3)) if allowed else []
    result = assign(candidate_ids=candidates, juror_ids=jurors, k=k, conflicts=conflicts, fixed=fixed)
    assert set(fixed) <= set(result.pairs)
    loads = loads_of(result)
    lowest_max, highest_min = _best_possible(candidates, jurors, k, set(conflicts), fixed)
    assert max(loads.values()) == lowest_max
    assert min(loads.values()) == highest_min


def test_a_large_panel_with_conflicts_stays_balanced():
    rnd = random.Random(7)
    jurors = [f"j{n}" for n in range(60)]
    conflicts = [(j, c) for j in jurors for c in range(200) if rnd.random() < 0.05]
    result = assign(candidate_ids=range(200), juror_ids=jurors, k=5, conflicts=conflicts)
    assert result.shortfalls == ()
    assert len(result.pairs) == 1000
    values = loads_of(result).values()
    assert max(values) - min(values) <= 1
