"""The stall allocator alone: plain data in, plain data out, no database."""

import contextlib
import random

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
    check_hard_rules,
    describe,
    explain,
    solve,
)
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
    assert result.objective >= result.greedy_objective
    assert result.bound >= result.objective


@settings(deadline=None, max_examples=30)
@given(st.integers(min_value=0, max_value=10**9))
def test_allocate_greedy_only_keeps_every_hard_rule(seed):
    exhibitors, stalls, pavilions = random_instance(seed)

    result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0)

    assert check_hard_rules(result, exhibitors, stalls, pavilions) == []
    assert result.status == "greedy"
    assert result.objective == result.greedy_objective
    assert result.bound >= result.objective


# ---------------------------------------------------------------------------------------------
# Determinism.


def test_allocate_same_input_same_result_also_shuffled():
    exhibitors, stalls, pavilions = random_instance(7)
    assert len(exhibitors) > 5

    first = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)
    again = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=FAST)
    rng = random.Random(1)
    shuffled = allocate(
        exhibitors=rng.sample(exhibitors, len(exhibitors)),
        stalls=rng.sample(stalls, len(stalls)),
        pavilions=rng.sample(pavilions, len(pavilions)),
        time_limit=FAST,
    )

    assert again.placements == first.placements
    assert again.unplaced == first.unplaced
    assert shuffled.placements == first.placements
    assert shuffled.objective == first.objective


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
        reasons(result)[1]
        == "no stalls of 9 m² or more left in Surgical A: more exhibitors fit this way, the better ranked first"
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

    assert (nothing.placements, nothing.unplaced, nothing.objective, nothing.status) == ((), (), 0.0, "greedy")
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
    assert solved.objective == greedy.objective == solved.bound
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
    assert solved.greedy_objective == greedy.objective
    assert solved.objective > solved.greedy_objective
    assert solved.bound == solved.objective
    assert solved.status == "optimal"


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
        objective=0.0,
        bound=0.0,
        greedy_objective=0.0,
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
    good = Result((Placement(1, (1, 2), ()),), (), 0.0, 0.0, 0.0, "greedy", 0.0)
    short = Result((Placement(1, (1,), ()),), (), 0.0, 0.0, 0.0, "greedy", 0.0)

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
    assert result.objective == result.bound


@settings(deadline=None, max_examples=15)
@given(st.integers(min_value=0, max_value=10**9))
def test_allocate_by_component_keeps_every_hard_rule(seed):
    exhibitors, stalls, pavilions = random_instance(seed)

    with _small_models():
        result = allocate(exhibitors=exhibitors, stalls=stalls, pavilions=pavilions, time_limit=0.5)

    assert check_hard_rules(result, exhibitors, stalls, pavilions) == []
    assert result.objective >= result.greedy_objective
    assert result.bound >= result.objective
    if result.status != "greedy":
        assert result.notes == ("solved by component, one after another; the bound is the trivial one",)


@contextlib.contextmanager
def _small_models():
    """Every instance counts as large, so it is solved component by component."""
    saved = solve.MAX_VARIABLES
    solve.MAX_VARIABLES = 0
    try:
        yield
    finally:
        solve.MAX_VARIABLES = saved
