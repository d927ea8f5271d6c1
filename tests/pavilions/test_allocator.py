"""The stall allocator alone: plain data in, plain data out, no database."""

import contextlib
import itertools
import math
import os
import random
import subprocess
import sys
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pavilions.allocator import (
    Because,
    ExhibitorSpec,
    PavilionSpec,
    Placement,
    Result,
    StallSpec,
    Unplaced,
    Weights,
    allocate,
    by_pavilion,
    check_hard_rules,
    describe,
    explain,
    packing,
    preferences,
    solve,
)
from pavilions.allocator import rules as allocator_rules
from pavilions.allocator.instance import Instance
from pavilions.geometry import Rect, share_edge

FAST = 1.0  # seconds of solver budget: enough for these small cases, short for the suite


def stall(id, x, y, *, pavilion_id=1, hall_id=1, width=3.0, depth=3.0, available=True):
    return StallSpec(
        id, f"H{hall_id}-P{pavilion_id}-{id:03d}", pavilion_id, hall_id, Rect(x, y, width, depth), available
    )


def exhibitor(id, cluster_id=1, *, area=9.0, women=False, trade_body_id=None, rank=50.0, key=None, locked=()):
    return ExhibitorSpec(
        id=id,
        name=f"Enterprise {id}",
        cluster_id=cluster_id,
        requested_area=area,
        women_pavilion=women,
        trade_body_id=id if trade_body_id is None else trade_body_id,  # by default nobody shares one
        rank_score=rank,
        competitor_key=key,
        locked_stall_ids=tuple(locked),
    )


def cluster_pavilion(id=1, clusters=(1,), name="Surgical A"):
    return PavilionSpec(id, name, "cluster", frozenset(clusters))


def row(first_id, n, *, x=0.0, y=0.0, **kwargs):
    return [stall(first_id + i, x + 3.0 * i, y, **kwargs) for i in range(n)]


def placed(result: Result) -> dict[int, tuple[int, ...]]:
    return {p.exhibitor_id: p.stall_ids for p in result.placements}


def reasons(result: Result) -> dict[int, str]:
    return {u.exhibitor_id: describe(u.reason) for u in result.unplaced}


# ---------------------------------------------------------------------------------------------
# Random instances.


def random_instance(seed: int):
    """A hall or two of pavilions, each a double row of stalls; exhibitors, some locked, some impossible."""
    rng = random.Random(seed)
    stalls, pavilions = [], []
    kinds = ["cluster", "cluster", "cluster", "women", "overflow"]
    for pavilion_id in range(1, rng.randint(1, 5) + 1):
        kind = rng.choice(kinds)
        if kind == "women":
            pavilions.append(PavilionSpec(pavilion_id, f"Women {pavilion_id}", "women", frozenset()))
        elif kind == "overflow":
            pavilions.append(cluster_pavilion(pavilion_id, (1, 2, 3, 4), f"Overflow {pavilion_id}"))
        else:
            pavilions.append(cluster_pavilion(pavilion_id, (rng.randint(1, 4),), f"Cluster {pavilion_id}"))
        hall_id = rng.randint(1, 2)
        x0, y0 = 15.0 * (pavilion_id - 1), 0.0
        for column in range(rng.randint(1, 4)):
            for back in (0, 1):
                width = rng.choice([3.0, 3.0, 3.0, 6.0])
                stalls.append(
                    stall(
                        len(stalls) + 1,
                        x0 + 3.0 * column * 2,
                        y0 + 3.0 * back,
                        pavilion_id=pavilion_id,
                        hall_id=hall_id,
                        width=width,
                        available=rng.random() > 0.1,
                    )
                )
    exhibitors = []
    locked_stalls: list[int] = []
    for exhibitor_id in range(1, rng.randint(0, 16) + 1):
        cluster = rng.choice([1, 1, 2, 3, 4, 9])  # 9: no pavilion hosts it
        women = rng.random() < 0.2
        locked = ()
        if rng.random() < 0.15 and stalls:
            # A valid lock: an eligible pavilion's stall big enough; sometimes on someone else's lock.
            eligible = [
                s
                for s in stalls
                if s.rect.area >= 9.0
                and any(
                    p.id == s.pavilion_id and (cluster in p.cluster_ids or (women and p.kind == "women"))
                    for p in pavilions
                )
            ]
            if locked_stalls and rng.random() < 0.3:
                locked = (rng.choice(locked_stalls),)
            elif eligible:
                locked = (rng.choice(eligible).id,)
            locked_stalls.extend(locked)
        exhibitors.append(
            exhibitor(
                exhibitor_id,
                cluster,
                area=9.0 if locked else rng.choice([9.0, 9.0, 18.0, 36.0]),
                women=women,
                trade_body_id=rng.randint(1, 3),
                rank=round(rng.uniform(0, 100), 1),
                key=rng.choice([None, None, "a", "b"]),
                locked=locked,
            )
        )
    return exhibitors, stalls, pavilions


@settings(deadline=None, max_examples=30)
@given(st.integers(min_value=0, max_value=10**9))
def test_allocate_random_instances_keep_every_hard_rule(seed):
    exhibitors, stalls, pavilions = random_instance(seed)

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0.5)

    assert check_hard_rules(result, exhibitors, stalls, pavilions) == []
    placed_ids = [p.exhibitor_id for p in result.placements]
    unplaced_ids = [u.exhibitor_id for u in result.unplaced]
    assert sorted(placed_ids + unplaced_ids) == [e.id for e in exhibitors]
    assert all(u.reason for u in result.unplaced)
    for e in exhibitors:
        if e.locked_stall_ids and e.id in placed_ids:
            assert placed(result)[e.id] == tuple(sorted(e.locked_stall_ids))
        elif e.locked_stall_ids:
            assert "is also locked for" in reasons(result)[e.id]
    assert_stages_hold(result)
    assert result.stage("count").value >= result.stage("count").greedy


def assert_stages_hold(result):
    assert [stage.name for stage in result.stages] == ["count", "rank", "preferences"]
    for stage in result.stages:
        assert stage.bound is None or stage.bound >= stage.value - 1e-6
        assert not stage.proven or stage.bound == pytest.approx(stage.value)


@settings(deadline=None, max_examples=30)
@given(st.integers(min_value=0, max_value=10**9))
def test_allocate_greedy_only_keeps_every_hard_rule(seed):
    exhibitors, stalls, pavilions = random_instance(seed)

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0)

    assert check_hard_rules(result, exhibitors, stalls, pavilions) == []
    assert result.status == "greedy"
    assert_stages_hold(result)
    assert all(stage.value == stage.greedy for stage in result.stages)


# ---------------------------------------------------------------------------------------------
# Determinism.


@settings(deadline=None, max_examples=15)
@given(st.integers(min_value=0, max_value=10**9), st.randoms(use_true_random=False), st.booleans())
def test_allocate_same_input_same_result_also_shuffled(seed, rng, strict_rank):
    exhibitors, stalls, pavilions = random_instance(seed)

    first = allocate(
        exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0.05, strict_rank=strict_rank
    )
    shuffled = allocate(
        exhibitors=rng.sample(exhibitors, len(exhibitors)),
        stalls=rng.sample(stalls, len(stalls)),
        pavilions=rng.sample(pavilions, len(pavilions)),
        time_limit=0.05,
        strict_rank=strict_rank,
    )

    assert shuffled.placements == first.placements
    assert shuffled.unplaced == first.unplaced
    assert shuffled.stages == first.stages


# ---------------------------------------------------------------------------------------------
# What cannot be placed, and why.


def test_allocate_cluster_no_pavilion_hosts_is_unplaced():
    result = allocate(exhibitors=[exhibitor(1, cluster_id=7)], stalls=row(1, 2), pavilions=[cluster_pavilion()])

    assert result.placements == ()
    assert reasons(result) == {1: "no pavilion hosts its cluster"}


def test_allocate_36_m2_request_with_only_separate_9_m2_stalls_is_unplaced():
    stalls = [stall(1, 0, 0), stall(2, 10, 0), stall(3, 20, 0), stall(4, 30, 0)]

    result = allocate(exhibitors=[exhibitor(1, area=36.0)], stalls=stalls, pavilions=[cluster_pavilion()])

    assert result.placements == ()
    assert [u.exhibitor_id for u in result.unplaced] == [1]
    assert reasons(result)[1] == "no free stalls of 36 m² or more in the pavilions hosting its cluster (Surgical A)"


def test_allocate_more_exhibitors_than_stalls_places_the_better_ranked():
    exhibitors = [exhibitor(i, rank=10.0 * i) for i in range(1, 6)]

    result = allocate(exhibitors=exhibitors, stalls=row(1, 3), pavilions=[cluster_pavilion()], time_limit=FAST)

    assert sorted(placed(result)) == [3, 4, 5]
    assert sorted(reasons(result)) == [1, 2]
    assert (
        reasons(result)[1] == "no stalls of 9 m² or more left in Surgical A: "
        "those it could use went to exhibitors ranked as high or higher"
    )
    assert result.status == "optimal"


def test_allocate_conflicting_locks_report_the_later_exhibitor():
    exhibitors = [exhibitor(1, locked=(2,)), exhibitor(2, locked=(2,)), exhibitor(3, locked=(99,))]

    result = allocate(exhibitors=exhibitors, stalls=row(1, 3), pavilions=[cluster_pavilion()], time_limit=FAST)

    assert [(p.exhibitor_id, p.stall_ids, describe(p.reason)) for p in result.placements] == [
        (1, (2,), "locked by staff")
    ]
    assert reasons(result) == {
        2: "locked stall H1-P1-002 is also locked for Enterprise 1",
        3: "its locked stall no longer exists (id 99)",
    }


def test_allocate_lock_kept_on_an_unavailable_stall():
    stalls = [stall(1, 0, 0, available=False), stall(2, 3, 0, available=False)]
    exhibitors = [exhibitor(1, locked=(1,)), exhibitor(2)]

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=FAST)

    assert placed(result) == {1: (1,)}
    assert sorted(reasons(result)) == [2]
    assert check_hard_rules(result, exhibitors, stalls, [cluster_pavilion()]) == []


def test_allocate_empty_inputs():
    nothing = allocate(exhibitors=[], stalls=[], pavilions=[])
    no_stalls = allocate(exhibitors=[exhibitor(1)], stalls=[], pavilions=[cluster_pavilion()])

    assert (nothing.placements, nothing.unplaced, nothing.status) == ((), (), "greedy")
    assert [stage.value for stage in nothing.stages] == [0.0, 0.0, 0.0]
    assert no_stalls.placements == ()
    assert reasons(no_stalls) == {1: "no free stalls of 9 m² or more in the pavilions hosting its cluster (Surgical A)"}


# ---------------------------------------------------------------------------------------------
# Preferences.


def test_allocate_top_ranked_gets_the_corner():
    # A double row of three; only the left front stall (a corner) and the middle front stall
    # (one open side) are free, the others held but still closing their sides.
    stalls = row(1, 3) + row(4, 3, y=3.0)
    stalls = [s if s.id in (1, 2) else StallSpec(s.id, s.code, 1, 1, s.rect, False) for s in stalls]
    exhibitors = [exhibitor(1, rank=10.0), exhibitor(2, rank=90.0)]

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=FAST)

    assert placed(result) == {1: (2,), 2: (1,)}
    assert explain(result, 2) == "Cluster pavilion Surgical A → stall H1-P1-001, next to its cluster, corner (rank 1)"
    assert explain(result, 1) == "Cluster pavilion Surgical A → stall H1-P1-002, next to its cluster"
    assert result.status == "optimal"


def test_allocate_same_cluster_side_by_side():
    # One row of four in a pavilion for two clusters: 1 1 2 2 has two same-cluster pairs, 1 2 1 2 none.
    exhibitors = [exhibitor(1, 1), exhibitor(2, 2), exhibitor(3, 1), exhibitor(4, 2)]

    result = allocate(exhibitors=exhibitors, stalls=row(1, 4), pavilions=[cluster_pavilion(1, (1, 2))], time_limit=FAST)

    by_cluster = {
        cluster: {placed(result)[e.id][0] for e in exhibitors if e.cluster_id == cluster} for cluster in (1, 2)
    }
    assert sorted(map(sorted, by_cluster.values())) == [[1, 2], [3, 4]]
    assert result.status == "optimal"


def test_allocate_competitors_neither_facing_nor_adjacent():
    # Two rows of two across a 3 m aisle: 1 2 / 3 4. Only the diagonals keep competitors apart.
    stalls = row(1, 2) + row(3, 2, y=6.0)
    exhibitors = [exhibitor(1, key="scalpels"), exhibitor(2, key="scalpels")]

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=FAST)

    assert {placed(result)[1][0], placed(result)[2][0]} in ({1, 4}, {2, 3})
    assert result.status == "optimal"


def test_allocate_women_pavilion_preferred_by_those_who_chose_it():
    stalls = row(1, 2) + row(3, 2, x=20.0, pavilion_id=2)
    pavilions = [cluster_pavilion(), PavilionSpec(2, "Women entrepreneurs", "women", frozenset())]
    exhibitors = [exhibitor(1, women=True, rank=90.0), exhibitor(2, rank=10.0)]

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)

    assert placed(result)[1][0] in (3, 4)
    assert placed(result)[2][0] in (1, 2)
    assert explain(result, 1).startswith("Women entrepreneurs pavilion Women entrepreneurs, as chosen → stall ")


def test_allocate_overflow_when_the_cluster_pavilion_is_full():
    stalls = row(1, 1) + row(2, 2, x=3.0, pavilion_id=2)
    pavilions = [cluster_pavilion(), cluster_pavilion(2, (1, 2), "Overflow B")]
    exhibitors = [exhibitor(1, rank=90.0), exhibitor(2, rank=10.0)]

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)

    assert placed(result) == {1: (1,), 2: (2,)}
    assert explain(result, 2) == (
        "cluster pavilion Surgical A full, so overflow pavilion Overflow B → stall H1-P2-002, "
        "next to its cluster, corner (rank 2)"
    )


# ---------------------------------------------------------------------------------------------
# Merged stalls.


def test_allocate_18_m2_request_gets_two_adjacent_9_m2_stalls():
    stalls = [*row(1, 3), stall(4, 20, 0)]
    stalls[2] = StallSpec(3, stalls[2].code, 1, 1, stalls[2].rect, False)

    result = allocate(exhibitors=[exhibitor(1, area=18.0)], stalls=stalls, pavilions=[cluster_pavilion()])

    assert placed(result) == {1: (1, 2)}
    assert explain(result, 1).startswith("Cluster pavilion Surgical A → stalls H1-P1-001, H1-P1-002 merged")


def test_allocate_9_m2_request_prefers_a_9_m2_stall_to_an_18_m2_one():
    stalls = [stall(1, 0, 0, width=6.0), stall(2, 6, 0)]

    result = allocate(exhibitors=[exhibitor(1)], stalls=stalls, pavilions=[cluster_pavilion()], time_limit=FAST)

    assert placed(result) == {1: (2,)}


# ---------------------------------------------------------------------------------------------
# Quality against the greedy pass.


def test_allocate_moves_one_exhibitor_to_free_a_pair():
    # By rank, the 9 m² exhibitor takes stall 1 and splits the only pair; moving it to the
    # separate stall 4 frees the pair for the 18 m² request: greedy's repair and the solver agree.
    stalls = [*row(1, 2), stall(4, 20, 0)]
    exhibitors = [exhibitor(1, rank=90.0), exhibitor(2, area=18.0, rank=10.0)]

    greedy = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=0)
    solved = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=FAST)

    assert placed(greedy) == {1: (4,), 2: (1, 2)}
    assert placed(solved) == {1: (4,), 2: (1, 2)}
    preference_stage = solved.stage("preferences")
    assert preference_stage.value == greedy.stage("preferences").value == preference_stage.bound
    assert solved.status == "optimal"


def test_allocate_solver_places_more_than_greedy():
    # Greedy places by rank: the two 18 m² requests take a pair each, and the 9 m² ones find no
    # stall; counting first, the solver places the three 9 m² exhibitors and one 18 m².
    stalls = [*row(1, 2), *row(3, 2, x=20.0), stall(5, 40, 0)]
    exhibitors = [
        exhibitor(1, area=18.0, rank=90.0),
        exhibitor(2, area=18.0, rank=80.0),
        exhibitor(3, rank=30.0),
        exhibitor(4, rank=20.0),
        exhibitor(5, rank=10.0),
    ]

    greedy = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=0)
    solved = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=FAST)

    assert len(greedy.placements) == 3
    assert sorted(placed(solved)) == [1, 3, 4, 5]
    assert solved.stage("count").greedy == greedy.stage("count").value == 3
    assert (solved.stage("count").value, solved.stage("count").bound) == (4, 4)
    assert solved.status == "optimal"
    assert reasons(solved)[2] == (
        "no stalls of 18 m² or more left in Surgical A: "
        "the space it could use holds more exhibitors, so more fit this way"
    )


def test_allocate_strict_rank_order_never_leaves_the_better_ranked_out_to_fit_more():
    # The same expo in strict rank order: both 18 m² requests placed, one 9 m² one with them.
    stalls = [*row(1, 2), *row(3, 2, x=20.0), stall(5, 40, 0)]
    exhibitors = [
        exhibitor(1, area=18.0, rank=90.0),
        exhibitor(2, area=18.0, rank=80.0),
        exhibitor(3, rank=30.0),
        exhibitor(4, rank=20.0),
        exhibitor(5, rank=10.0),
    ]

    strict = allocate(
        exhibitors=exhibitors, stalls=stalls, pavilions=[cluster_pavilion()], time_limit=FAST, strict_rank=True
    )

    assert strict.objective == "rank_first"
    assert sorted(placed(strict)) == [1, 2, 3]
    assert [stage.name for stage in strict.stages] == ["rank", "count", "preferences"]
    assert reasons(strict)[4] == "no stalls of 9 m² or more left in Surgical A once the better ranked were placed"


# ---------------------------------------------------------------------------------------------
# The hard-rule check on hand-made results.


def test_check_hard_rules_reports_each_broken_rule():
    stalls = [*row(1, 2), stall(3, 20, 0), stall(4, 30, 0, available=False), stall(5, 40, 0, pavilion_id=2)]
    pavilions = [cluster_pavilion(), cluster_pavilion(2, (2,), "Textiles")]
    exhibitors = [
        exhibitor(1),
        exhibitor(2),
        exhibitor(3, area=18.0),
        exhibitor(4),
        exhibitor(5),
        exhibitor(6, locked=(2,)),
        exhibitor(7),
    ]
    result = Result(
        placements=(
            Placement(1, (1,), ()),
            Placement(2, (1,), ()),  # the same stall
            Placement(3, (1, 3), ()),  # not side by side
            Placement(4, (4,), ()),  # unavailable
            Placement(5, (5,), ()),  # another cluster's pavilion
            Placement(6, (3,), ()),  # not where it is locked
        ),
        unplaced=(Unplaced(1, (Because("also here"),)),),
        stages=(),
        objective="count_first",
        status="greedy",
        solve_seconds=0.0,
    )

    assert problems(result, exhibitors, stalls, pavilions) == [
        "exhibitor 1 is both placed and unplaced",
        "exhibitor 7 is neither placed nor unplaced",
        "stall H1-P1-001 holds exhibitors 1 and 2",
        "stall H1-P1-001 holds exhibitors 2 and 3",
        "exhibitor 3: Stalls H1-P1-001, H1-P1-003 are not adjacent; merged stalls stand side by side.",
        "exhibitor 4: Stall H1-P1-004 is not available.",
        "exhibitor 5: Pavilion Textiles does not host the cluster 1.",
        "exhibitor 6 is locked elsewhere but placed on H1-P1-003",
        "stall H1-P1-003 holds exhibitors 3 and 6",
    ]


def problems(result, exhibitors, stalls, pavilions) -> list[str]:
    return [problem.render() for problem in check_hard_rules(result, exhibitors, stalls, pavilions)]


def test_check_hard_rules_accepts_an_adjacent_pair_and_rejects_a_short_one():
    stalls = row(1, 2)
    assert share_edge(stalls[0].rect, stalls[1].rect)
    pavilions = [cluster_pavilion()]
    good = Result((Placement(1, (1, 2), ()),), (), (), "count_first", "greedy", 0.0)
    short = Result((Placement(1, (1,), ()),), (), (), "count_first", "greedy", 0.0)

    assert check_hard_rules(good, [exhibitor(1, area=18.0)], stalls, pavilions) == []
    assert problems(short, [exhibitor(1, area=18.0)], stalls, pavilions) == [
        "exhibitor 1: Enterprise 1 asked for 18 m²; H1-P1-001 give 9 m²."
    ]


def test_allocate_weights_are_data():
    # Without the same-cluster weight the pair arrangement no longer matters: any is optimal.
    exhibitors = [exhibitor(1, 1), exhibitor(2, 2), exhibitor(3, 1), exhibitor(4, 2)]
    weights = Weights(same_cluster_adjacent=0.0)

    result = allocate(
        exhibitors=exhibitors,
        stalls=row(1, 4),
        pavilions=[cluster_pavilion(1, (1, 2))],
        weights=weights,
        time_limit=FAST,
    )

    assert result.status == "optimal"
    assert result.stage("preferences").value == result.stage("preferences").bound


@settings(deadline=None, max_examples=15)
@given(st.integers(min_value=0, max_value=10**9))
def test_allocate_by_neighbourhoods_keeps_every_hard_rule_and_the_count(seed):
    exhibitors, stalls, pavilions = random_instance(seed)

    exact = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0.5)
    with _large_models():
        result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0.5)

    assert check_hard_rules(result, exhibitors, stalls, pavilions) == []
    assert_stages_hold(result)
    assert [stage.value for stage in result.stages[:2]] == [stage.value for stage in exact.stages[:2]]


@contextlib.contextmanager
def _large_models():
    """Every instance counts as large, so its preferences are improved by neighbourhoods."""
    saved = preferences.EXACT_VARIABLES
    preferences.EXACT_VARIABLES = 0
    try:
        yield
    finally:
        preferences.EXACT_VARIABLES = saved


# ---------------------------------------------------------------------------------------------
# The promises, checked against a brute force that shares no code with the allocator's search.


def free_stalls(exhibitors, stalls):
    locked = {s for e in exhibitors for s in e.locked_stall_ids}
    return [s for s in stalls if s.available and not s.blocked and s.id not in locked]


def minimal_blocks(exhibitor_spec, stalls, pavilions):
    """Every connected set of stalls in a pavilion hosting the exhibitor with at least its area and
    no stall that could be dropped keeping both; by subsets, with the rules' own predicates only."""
    found = []
    by_pavilion = {}
    for s in stalls:
        by_pavilion.setdefault(s.pavilion_id, []).append(s)
    for pavilion in pavilions:
        if not allocator_rules.hosts(pavilion, exhibitor_spec):
            continue
        members = sorted(by_pavilion.get(pavilion.id, []), key=lambda s: s.id)
        for size in range(1, 5):  # stalls of 9 m² or more: 36 m² never needs more than four
            for group in itertools.combinations(members, size):
                area = sum(s.rect.area for s in group)
                if not allocator_rules.area_enough(area, exhibitor_spec.requested_area):
                    continue
                if not allocator_rules.connected(group):
                    continue
                droppable = any(
                    allocator_rules.area_enough(area - s.rect.area, exhibitor_spec.requested_area)
                    and allocator_rules.connected([t for t in group if t is not s])
                    for s in group
                    if size > 1
                )
                if not droppable:
                    found.append(tuple(s.id for s in group))
    return sorted(found)


@settings(deadline=None, max_examples=25)
@given(st.integers(min_value=0, max_value=10**9))
def test_the_blocks_offered_are_exactly_the_minimal_connected_ones(seed):
    exhibitors, stalls, pavilions = random_instance(seed)
    inst = Instance(exhibitors, stalls, pavilions, Weights())
    free = free_stalls(exhibitors, stalls)
    largest = {p.id: 36.0 for p in pavilions}
    blocks = inst.blocks({s.id for s in free}, largest)

    for e in exhibitors:
        offered = sorted(
            b.stalls for p in inst.eligible_pavilions(e) for b in blocks.get(p, ()) if inst.fits(b, e.requested_area)
        )
        assert offered == minimal_blocks(e, free, pavilions)


def rank_violations(result, exhibitors, stalls, pavilions):
    """(left out, placed) pairs where the placed one is worse ranked, asks as much or more, and holds
    space the left-out one could use (its stalls and the free ones give a block for it)."""
    holder = {s: p.exhibitor_id for p in result.placements for s in p.stall_ids}
    by_id = {e.id: e for e in exhibitors}
    free = [s for s in free_stalls(exhibitors, stalls) if s.id not in holder]
    left_out = [by_id[u.exhibitor_id] for u in result.unplaced if not by_id[u.exhibitor_id].locked_stall_ids]
    violations = []
    for u in left_out:
        for placement in result.placements:
            p = by_id[placement.exhibitor_id]
            if p.locked_stall_ids or p.rank_score >= u.rank_score or p.requested_area < u.requested_area:
                continue
            space = free + [s for s in stalls if s.id in placement.stall_ids]
            if minimal_blocks(u, space, pavilions):
                violations.append((u.id, p.id))
    return violations


@settings(deadline=None, max_examples=30)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([0.0, 0.02, FAST]))
def test_no_one_is_left_out_while_a_worse_ranked_one_holds_space_it_could_use(seed, time_limit):
    """Also with a budget too small to prove anything, and with the greedy pass alone."""
    exhibitors, stalls, pavilions = random_instance(seed)

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=time_limit)

    assert rank_violations(result, exhibitors, stalls, pavilions) == []


def optimum(exhibitors, stalls, pavilions):
    """(most placed, then the largest sum of rank scores), by trying every assignment."""
    free = free_stalls(exhibitors, stalls)
    options = [(e, minimal_blocks(e, free, pavilions)) for e in exhibitors if not e.locked_stall_ids]
    best = (0, 0)

    def walk(i, used, count, rank):
        nonlocal best
        if i == len(options):
            best = max(best, (count, rank))
            return
        e, blocks = options[i]
        walk(i + 1, used, count, rank)
        for block in blocks:
            if used.isdisjoint(block):
                walk(i + 1, used | set(block), count + 1, rank + round(e.rank_score * 100))

    walk(0, frozenset(), 0, 0)
    return best


def small_instance(seed):
    """One pavilion, a double row of up to eight 9 m² stalls, up to seven exhibitors, no locks."""
    rng = random.Random(seed)
    stalls = [stall(2 * c + back + 1, 3.0 * c, 3.0 * back) for c in range(rng.randint(1, 4)) for back in (0, 1)]
    exhibitors = [
        exhibitor(i, area=rng.choice([9.0, 9.0, 18.0, 36.0]), rank=round(rng.uniform(0, 100), 1))
        for i in range(1, rng.randint(1, 7) + 1)
    ]
    return exhibitors, stalls, [cluster_pavilion()]


@settings(deadline=None, max_examples=25)
@given(st.integers(min_value=0, max_value=10**9))
def test_the_count_and_the_rank_are_the_exact_optimum_on_small_instances(seed):
    exhibitors, stalls, pavilions = small_instance(seed)

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)

    count, rank = optimum(exhibitors, stalls, pavilions)
    assert result.stage("count").value == count
    assert round(result.stage("rank").value * 100) == rank
    assert result.stage("count").proven
    assert result.stage("rank").proven


def without_locks(exhibitors, n):
    return [replace(e, locked_stall_ids=()) for e in exhibitors[:n]]


@pytest.mark.parametrize("pattern_steps", [packing.PATTERN_STEPS, 0])
@settings(deadline=None, max_examples=20)
@given(st.integers(min_value=0, max_value=10**9))
def test_the_count_and_the_rank_are_exact_over_several_pavilions(pattern_steps, seed):
    """Cluster, women and overflow pavilions, with the ways to use each pavilion enumerated or, with
    no steps allowed for that, one boolean per block; the count's LP bound is never below the optimum."""
    exhibitors, stalls, pavilions = random_instance(seed)
    exhibitors = without_locks(exhibitors, 8)
    saved, packing.PATTERN_STEPS = packing.PATTERN_STEPS, pattern_steps
    try:
        result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)
        inst = Instance(exhibitors, stalls, pavilions, Weights())
        free = {s.id for s in free_stalls(exhibitors, stalls)}
        blocks = inst.blocks(free, {p.id: 36.0 for p in pavilions})
        candidates = {
            e.id: [b for p in inst.eligible_pavilions(e) for b in blocks.get(p, ()) if inst.fits(b, e.requested_area)]
            for e in exhibitors
        }
        flow = packing.FlowPacking(inst, candidates, {})
        flow.model.Maximize(flow.count)
        lp_bound = flow.lp_bound()
    finally:
        packing.PATTERN_STEPS = saved

    count, rank = optimum(exhibitors, stalls, pavilions)
    assert (result.stage("count").value, round(result.stage("rank").value * 100)) == (count, rank)
    assert result.stage("count").proven
    assert result.stage("rank").proven
    assert lp_bound is not None
    assert lp_bound >= count - 1e-6
    assert check_hard_rules(result, exhibitors, stalls, pavilions) == []


@settings(deadline=None, max_examples=30)
@given(st.integers(min_value=0, max_value=10**9))
def test_the_ways_to_use_a_pavilion_are_every_most_filled_one(seed):
    """Against every set of disjoint blocks: the counts per request no other set exceeds, each with
    blocks that really give it."""
    exhibitors, stalls, pavilions = random_instance(seed)
    inst = Instance(exhibitors, stalls, pavilions, Weights())
    blocks = inst.blocks({s.id for s in stalls}, {p.id: 36.0 for p in pavilions})
    for pavilion_id, here in sorted(blocks.items()):
        classes = [(area, [b for b in here if inst.fits(b, area)]) for area in (9.0, 18.0, 36.0)]
        classes = [(area, bs) for area, bs in classes if bs]
        options = [(i, b) for i, (_, bs) in enumerate(classes) for b in bs]
        reachable = set()

        def walk(j, used, counts, options=options, reachable=reachable):
            if j == len(options):
                reachable.add(tuple(counts))
                return
            walk(j + 1, used, counts)
            i, block = options[j]
            if used.isdisjoint(block.stalls):
                walk(j + 1, used | set(block.stalls), [c + (k == i) for k, c in enumerate(counts)])

        walk(0, frozenset(), [0] * len(classes))
        most_filled = {
            c
            for c in reachable
            if not any(o != c and all(a >= b for a, b in zip(o, c, strict=True)) for o in reachable)
        }

        found = packing.pavilion_patterns(classes)

        assert found is not None
        assert {counts for counts, _ in found} == most_filled, pavilion_id
        for counts, used in found:
            stalls_used = [s for _, b in used for s in b.stalls]
            assert len(stalls_used) == len(set(stalls_used))
            assert tuple(sum(1 for area, _ in used if area == a) for a, _ in classes) == counts
            assert all(b in dict(classes)[area] for area, b in used)


def test_a_better_ranked_36_m2_request_gives_way_only_to_more_exhibitors():
    # One 36 m² block of four stalls: the 36 m² request ranked 95, or two 9 m² ranked 10 and 20.
    stalls = row(1, 2) + row(3, 2, y=3.0)
    big = exhibitor(1, area=36.0, rank=95.0)
    smaller = [exhibitor(2, rank=10.0), exhibitor(3, rank=20.0)]

    counting = allocate(exhibitors=[big, *smaller], stalls=stalls[:2], pavilions=[cluster_pavilion()])
    strict = allocate(exhibitors=[big, *smaller], stalls=stalls, pavilions=[cluster_pavilion()], strict_rank=True)
    alone = allocate(exhibitors=[big, smaller[0]], stalls=stalls, pavilions=[cluster_pavilion()])

    assert sorted(placed(counting)) == [2, 3]  # the 36 m² one could not fit in two stalls anyway
    assert placed(strict) == {1: (1, 2, 3, 4)}
    assert placed(alone) == {1: (1, 2, 3, 4)}  # one for one: the better ranked


def test_an_island_of_18_9_18_m2_takes_a_36_m2_request():
    # Dropping the 9 m² stall leaves 36 m² but splits the block in two: the block is minimal.
    stalls = [stall(1, 0, 0, width=6.0), stall(2, 6, 0), stall(3, 9, 0, width=6.0)]

    result = allocate(exhibitors=[exhibitor(1, area=36.0)], stalls=stalls, pavilions=[cluster_pavilion()])

    assert placed(result) == {1: (1, 2, 3)}


def test_a_36_m2_request_merges_six_6_m2_stalls():
    stalls = [stall(i, 2.0 * (i - 1), 0, width=2.0) for i in range(1, 7)] + [
        stall(i + 6, 2.0 * (i - 1), 3.0, width=2.0) for i in range(1, 7)
    ]

    result = allocate(exhibitors=[exhibitor(1, area=36.0)], stalls=stalls, pavilions=[cluster_pavilion()])

    assert len(placed(result)[1]) == 6
    assert check_hard_rules(result, [exhibitor(1, area=36.0)], stalls, [cluster_pavilion()]) == []


# ---------------------------------------------------------------------------------------------
# Bad input: reported, never raised.


def test_missing_ranks_and_duplicate_ids_are_reported_not_raised():
    exhibitors = [
        exhibitor(1, rank=float("nan")),
        exhibitor(2, rank=None),
        exhibitor(3, rank=50.0),
        exhibitor(3, rank=60.0),
    ]

    result = allocate(exhibitors=exhibitors, stalls=row(1, 2), pavilions=[cluster_pavilion()], time_limit=FAST)

    assert {n.exhibitor_id: describe(n.reason) for n in result.notices} == {
        1: "has no rank score; ranked last",
        2: "has no rank score; ranked last",
        3: "appears more than once in the input; one of them is used",
    }
    assert sorted(placed(result)) == [1, 3]  # of the two unranked, the lower id
    assert sum(e.id == 3 for e in exhibitors) == 2
    assert sorted(reasons(result)) == [2]


def test_a_lock_that_breaks_a_rule_is_kept_and_shown():
    pavilions = [cluster_pavilion(), cluster_pavilion(2, (2,), "Textiles")]
    stalls = [stall(1, 0, 0), stall(2, 20, 0, pavilion_id=2)]
    exhibitors = [exhibitor(1, area=18.0, locked=(2,))]

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)

    assert placed(result) == {1: (2,)}
    assert [describe(n.reason) for n in result.notices] == [
        "locked by staff, but it breaks a rule → Pavilion Textiles does not host the cluster 1., "
        "Enterprise 1 asked for 18 m²; H1-P2-002 give 9 m²."
    ]


# ---------------------------------------------------------------------------------------------
# The same answer on a loaded machine.


def test_the_same_allocation_with_a_cpu_hog_beside_it():
    """The budget is in CP-SAT work units only: a stage cut short stops at the same point under load."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    from bench.allocate import build_instance

    exhibitors, stalls, pavilions = build_instance(1, seed=3)
    quiet = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0.6)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(2, os.cpu_count() or 2))]
    try:
        loaded = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0.6)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()

    assert quiet.status == "feasible"  # cut short by the budget, so the stopping point matters
    assert loaded.placements == quiet.placements
    assert loaded.stages == quiet.stages
    assert not math.isclose(quiet.work, 0.0)


@settings(deadline=None, max_examples=15)
@given(st.integers(min_value=0, max_value=10**9))
def test_the_lp_bound_on_the_count_is_never_below_the_optimum(seed):
    """The bound reported when CP-SAT stops before proving the count."""
    exhibitors, stalls, pavilions = small_instance(seed)
    inst = Instance(exhibitors, stalls, pavilions, Weights())
    blocks = inst.blocks({s.id for s in stalls}, {1: 36.0})
    candidates = {e.id: [b for b in blocks.get(1, ()) if inst.fits(b, e.requested_area)] for e in exhibitors}

    bound = packing.Packing(inst, candidates, {}).lp_bound(rank=False)

    count, _ = optimum(exhibitors, stalls, pavilions)
    assert count - 1e-6 <= bound <= sum(1 for blocks in candidates.values() if blocks) + 1e-6


def best_preferences(exhibitors, stalls, pavilions, *, count, rank, only=None):
    """The highest preference score of any assignment placing ``count`` exhibitors with rank value
    ``rank`` (and, if given, exactly the exhibitors ``only``)."""
    inst = Instance(exhibitors, stalls, pavilions, Weights())
    free = free_stalls(exhibitors, stalls)
    options = [(e, minimal_blocks(e, free, pavilions)) for e in exhibitors if not e.locked_stall_ids]
    best = None

    def walk(i, used, chosen):
        nonlocal best
        if i == len(options):
            if (
                len(chosen) == count
                and sum(round(inst.by_id[e].rank_score * 100) for e in chosen) == rank
                and (only is None or set(chosen) == set(only))
            ):
                score = solve.assignment_score(inst, {e: inst.block(b) for e, b in chosen.items()}, 0)
                best = score if best is None else max(best, score)
            return
        e, blocks = options[i]
        walk(i + 1, used, chosen)
        for block in blocks:
            if used.isdisjoint(block):
                walk(i + 1, used | set(block), {**chosen, e.id: block})

    walk(0, frozenset(), {})
    return best


def preference_instance(seed):
    """A small instance where preferences matter: two clusters sharing a pavilion, trade bodies, competitors."""
    rng = random.Random(seed)
    pavilions = [cluster_pavilion(1, (1, 2), "Shared"), cluster_pavilion(2, (1,), "Cluster 1")]
    stalls = [stall(2 * c + back + 1, 3.0 * c, 3.0 * back) for c in range(rng.randint(2, 3)) for back in (0, 1)]
    stalls += [stall(20 + c, 3.0 * c, 9.0, pavilion_id=2) for c in range(rng.randint(1, 3))]
    exhibitors = [
        exhibitor(
            i,
            rng.choice([1, 2]),
            area=rng.choice([9.0, 9.0, 9.0, 18.0]),
            trade_body_id=rng.randint(1, 2),
            rank=rng.choice([40.0, 60.0, round(rng.uniform(0, 100), 1)]),
            key=rng.choice([None, None, "a"]),
        )
        for i in range(1, rng.randint(2, 7) + 1)
    ]
    return exhibitors, stalls, pavilions


@settings(deadline=None, max_examples=25)
@given(st.integers(min_value=0, max_value=10**9))
def test_the_preference_bound_is_never_below_the_optimum(seed):
    """Solved by neighbourhoods, so the bound is the choice by pavilion's, the LP relaxation's or the
    simple one, never CP-SAT's own on the whole model; checked against every assignment with the
    count and rank value found, and the LP alone too."""
    exhibitors, stalls, pavilions = preference_instance(seed)
    with _large_models():
        result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)

    count, rank = result.stage("count").value, round(result.stage("rank").value * 100)
    best = best_preferences(exhibitors, stalls, pavilions, count=count, rank=rank)
    preference_stage = result.stage("preferences")
    assert result.stage("count").proven
    assert result.stage("rank").proven
    assert round(preference_stage.value * 100) <= best <= round(preference_stage.bound * 100)
    assert preference_stage.proven == (preference_stage.value == preference_stage.bound)

    inst = Instance(exhibitors, stalls, pavilions, Weights())
    blocks = inst.blocks({s.id for s in stalls}, {p.id: 18.0 for p in pavilions})
    candidates = {
        e.id: [b for p in inst.eligible_pavilions(e) for b in blocks.get(p, ()) if inst.fits(b, e.requested_area)]
        for e in exhibitors
    }
    current = {p.exhibitor_id: inst.block(p.stall_ids) for p in result.placements}
    placed_now = {e: candidates[e] for e in current}
    model = preferences.preference_model(inst, candidates, {}, placed_now, strict_rank=False)
    constant, relaxed = preferences.relaxed_bound(inst, model, {}, current)
    assert constant is not None
    assert relaxed is not None
    assert best <= relaxed
    assert best <= preferences.trivial_bound(inst, candidates, {}, int(count))


@settings(deadline=None, max_examples=25)
@given(st.integers(min_value=0, max_value=10**9))
def test_the_simple_preference_bound_is_never_below_the_optimum_with_a_women_pavilion(seed):
    exhibitors, stalls, _ = preference_instance(seed)
    rng = random.Random(seed)
    pavilions = [cluster_pavilion(1, (1, 2), "Shared"), PavilionSpec(2, "Women", "women", frozenset())]
    exhibitors = [replace(e, women_pavilion=rng.random() < 0.5) for e in exhibitors]
    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)
    count, rank = int(result.stage("count").value), round(result.stage("rank").value * 100)
    best = best_preferences(exhibitors, stalls, pavilions, count=count, rank=rank)
    inst = Instance(exhibitors, stalls, pavilions, Weights())
    blocks = inst.blocks({s.id for s in stalls}, {p.id: 18.0 for p in pavilions})
    candidates = {
        e.id: [b for p in inst.eligible_pavilions(e) for b in blocks.get(p, ()) if inst.fits(b, e.requested_area)]
        for e in exhibitors
    }

    assert best <= preferences.trivial_bound(inst, candidates, {}, count)
    assert best <= round(result.stage("preferences").bound * 100)


@settings(deadline=None, max_examples=25)
@given(st.integers(min_value=0, max_value=10**9), st.booleans(), st.booleans())
def test_the_bound_by_pavilion_is_never_below_the_optimum(seed, women, strict_rank):
    """Who goes to which pavilion, each pavilion's neighbours bounded by its densest groups: never
    below the best assignment with the count and rank value found (in strict rank order, of the
    very exhibitors placed); its solution places as many, as well ranked, on blocks no two share."""
    exhibitors, stalls, pavilions = preference_instance(seed)
    if women:
        rng = random.Random(seed)
        pavilions = [pavilions[0], PavilionSpec(2, "Women", "women", frozenset())]
        exhibitors = [replace(e, women_pavilion=rng.random() < 0.5) for e in exhibitors]
    result = allocate(
        exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST, strict_rank=strict_rank
    )
    count, rank = int(result.stage("count").value), round(result.stage("rank").value * 100)
    only = {p.exhibitor_id for p in result.placements} if strict_rank else None
    best = best_preferences(exhibitors, stalls, pavilions, count=count, rank=rank, only=only)
    inst = Instance(exhibitors, stalls, pavilions, Weights())
    blocks = inst.blocks({s.id for s in stalls}, {p.id: 18.0 for p in pavilions})
    candidates = {
        e.id: [b for p in inst.eligible_pavilions(e) for b in blocks.get(p, ()) if inst.fits(b, e.requested_area)]
        for e in exhibitors
    }
    placed_now = {p.exhibitor_id: candidates[p.exhibitor_id] for p in result.placements}

    choice = by_pavilion.PavilionChoice(inst, candidates, {}, placed_now, strict_rank=strict_rank)
    bound, start, _ = choice.solve(det_budget=5.0, workers=1, seed=0)

    assert best <= bound
    assert len(start) == count
    assert sum(inst.rank_weight[e] for e in start) == rank
    taken = [s for block in start.values() for s in block.stalls]
    assert len(taken) == len(set(taken))
    assert all(start[e] in candidates[e] for e in start)


def test_the_densest_groups_of_a_double_row():
    """A double row of 2 × 8 stalls (found by CP-SAT) and of 2 × 5 (by trying every set): k stalls
    hold at most 3j - 2 neighbouring pairs for k = 2j, 3j - 1 for k = 2j + 1; by the degrees alone,
    at least that many, and all the pairs for all the stalls."""
    for columns in (8, 5):
        stalls = [stall(2 * c + back + 1, 3.0 * c, 3.0 * back) for c in range(columns) for back in (0, 1)]
        inst = Instance([], stalls, [cluster_pavilion(1, (1,), "Row")], Weights())
        expected = [0, 0] + [3 * (k // 2) - (2 if k % 2 == 0 else 1) for k in range(2, 2 * columns + 1)]
        assert by_pavilion.densest_pairs(inst, [s.id for s in stalls]) == expected
        # Above SOLVED_STALLS, only the degrees count: never below the truth.
        saved, by_pavilion.SOLVED_STALLS = by_pavilion.SOLVED_STALLS, 0
        try:
            by_degrees = by_pavilion.densest_pairs(inst, [s.id for s in stalls])
        finally:
            by_pavilion.SOLVED_STALLS = saved
        assert all(bound >= truth for bound, truth in zip(by_degrees, expected, strict=True))
        assert by_degrees[2 * columns] == expected[2 * columns]


def test_the_preference_bound_counts_only_the_neighbours_the_exhibitors_could_make():
    """Women pavilion choosers of four clusters, two trade bodies of two: no cluster pair is possible
    and two trade-body pairs are; the LP relaxation alone would reward every neighbouring pair."""
    pavilions = [PavilionSpec(1, "Women", "women", frozenset())]
    stalls = row(1, 4)
    exhibitors = [exhibitor(i, cluster_id=i, women=True, trade_body_id=1 + (i > 2), rank=50.0) for i in (1, 2, 3, 4)]
    inst = Instance(exhibitors, stalls, pavilions, Weights())
    blocks = inst.blocks({s.id for s in stalls}, {1: 9.0})
    candidates = {e.id: [b for b in blocks[1] if inst.fits(b, e.requested_area)] for e in exhibitors}
    current = {e.id: inst.block((e.id,)) for e in exhibitors}  # 1 2 | 3 4: both bodies side by side

    model = preferences.preference_model(inst, candidates, {}, {e: candidates[e] for e in current}, strict_rank=False)
    _, relaxed = preferences.relaxed_bound(inst, model, {}, current)

    best = best_preferences(exhibitors, stalls, pavilions, count=4, rank=4 * 5000)
    assert best == solve.assignment_score(inst, current, 0)
    assert relaxed == best


def strict_order(exhibitors, stalls, pavilions):
    """The exhibitors strict rank order places: in rank order, each that fits beside all the better
    ranked already placed, by trying every assignment."""
    free = free_stalls(exhibitors, stalls)
    blocks = {e.id: minimal_blocks(e, free, pavilions) for e in exhibitors}

    def fit(ids, used=frozenset()):
        if not ids:
            return True
        return any(used.isdisjoint(b) and fit(ids[1:], used | set(b)) for b in blocks[ids[0]])

    accepted = []
    for e in sorted(exhibitors, key=lambda e: (-e.rank_score, e.id)):
        if fit([*accepted, e.id]):
            accepted.append(e.id)
    return accepted


@settings(deadline=None, max_examples=25)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([0.001, FAST]))
def test_strict_rank_order_reports_bounds_that_hold_even_when_decisions_are_left_open(seed, time_limit):
    """With too small a budget CP-SAT decides nothing: the bounds then come from the LP."""
    exhibitors, stalls, pavilions = small_instance(seed)

    result = allocate(
        exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=time_limit, strict_rank=True
    )

    by_id = {e.id: e for e in exhibitors}
    accepted = strict_order(exhibitors, stalls, pavilions)
    rank, count = result.stage("rank"), result.stage("count")
    assert rank.bound is not None
    assert count.bound is not None
    assert sum(round(by_id[e].rank_score * 100) for e in accepted) <= round(rank.bound * 100)
    assert len(accepted) <= count.bound
    if rank.proven:
        assert sorted(placed(result)) == sorted(accepted)
        assert (rank.bound, count.bound) == (rank.value, count.value)
