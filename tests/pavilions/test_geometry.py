"""Rectangles and outlines on a hall plan alone: plain data in, plain data out, no database."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pavilions.geometry import (
    OutlineError,
    Polygon,
    Rect,
    _overlap_length,
    facing,
    first_overlap,
    neighbours,
    open_sides,
    share_edge,
)


def test_overlaps_when_sharing_area():
    assert Rect(0, 0, 3, 3).overlaps(Rect(2, 2, 3, 3))
    assert Rect(2, 2, 3, 3).overlaps(Rect(0, 0, 3, 3))


def test_overlaps_not_when_only_touching():
    assert not Rect(0, 0, 3, 3).overlaps(Rect(3, 0, 3, 3))
    assert not Rect(0, 0, 3, 3).overlaps(Rect(0, 3, 3, 3))
    assert not Rect(0, 0, 3, 3).overlaps(Rect(3, 3, 3, 3))


def test_overlaps_not_within_a_centimetre():
    assert not Rect(0, 0, 3, 3).overlaps(Rect(2.995, 0, 3, 3))


def test_contains_itself_and_smaller_inside():
    hall = Rect(0, 0, 60, 40)
    assert hall.contains(hall)
    assert hall.contains(Rect(57, 37, 3, 3))
    assert not hall.contains(Rect(58, 37, 3, 3))
    assert not Rect(57, 37, 3, 3).contains(hall)


def test_area_and_far_edges():
    rect = Rect(3, 6, 6, 3)
    assert rect.area == 18
    assert rect.right == 9
    assert rect.bottom == 9


def test_share_edge_side_by_side_and_back_to_back():
    assert share_edge(Rect(0, 0, 3, 3), Rect(3, 0, 3, 3))
    assert share_edge(Rect(0, 0, 3, 3), Rect(0, 3, 3, 3))
    assert share_edge(Rect(3, 0, 3, 3), Rect(0, 0, 3, 3))
    # Half an edge still counts.
    assert share_edge(Rect(0, 0, 3, 3), Rect(3, 1.5, 3, 3))


def test_share_edge_not_at_a_corner_or_across_a_gap():
    assert not share_edge(Rect(0, 0, 3, 3), Rect(3, 3, 3, 3))
    assert not share_edge(Rect(0, 0, 3, 3), Rect(3.5, 0, 3, 3))
    assert not share_edge(Rect(0, 0, 3, 3), Rect(0, 0, 3, 3))


def test_first_overlap_none_for_a_clean_row():
    row = [(n, Rect(3 * n, 0, 3, 3)) for n in range(5)]
    assert first_overlap(row) is None


def test_first_overlap_finds_the_pair():
    rects = [("a", Rect(0, 0, 3, 3)), ("b", Rect(10, 0, 3, 3)), ("c", Rect(11, 2, 3, 3))]
    assert first_overlap(rects) == ("b", "c")


def test_neighbours_of_a_double_row():
    # 1 2 3
    # 4 5 6
    rects = [(n + 1, Rect(3 * (n % 3), 3 * (n // 3), 3, 3)) for n in range(6)]
    assert neighbours(rects) == {1: {2, 4}, 2: {1, 3, 5}, 3: {2, 6}, 4: {1, 5}, 5: {2, 4, 6}, 6: {3, 5}}


def test_facing_across_an_aisle_only():
    rects = [
        ("a", Rect(0, 0, 3, 3)),
        ("b", Rect(0, 6, 3, 3)),  # 3 m aisle below a: facing
        ("c", Rect(3, 0, 3, 3)),  # beside a: adjacent, not facing
        ("d", Rect(0, 20, 3, 3)),  # too far
        ("e", Rect(10, 6, 3, 3)),  # no overlap with a in x or y
        ("f", Rect(12, 0, 3, 3)),  # beside c in the same line, 6 m away: facing across a cross aisle
    ]
    assert facing(rects) == {frozenset(("a", "b")), frozenset(("c", "f")), frozenset(("e", "f"))}


def test_facing_distance_is_inclusive():
    rects = [("a", Rect(0, 0, 3, 3)), ("b", Rect(0, 9, 3, 3))]
    assert facing(rects) == {frozenset(("a", "b"))}
    assert facing(rects, distance=5.9) == set()


def test_open_sides_in_line_corner_peninsula_island():
    row = [Rect(3 * n, 0, 3, 3) for n in range(3)]
    back = [Rect(3 * n, 3, 3, 3) for n in range(3)]
    assert open_sides(row[1], row + back) == 1  # in line: left, right and back closed
    assert open_sides(row[0], row + back) == 2  # corner
    assert open_sides(row[0], [row[1]]) == 3  # peninsula
    assert open_sides(row[0], []) == 4  # island
    assert open_sides(row[0], [Rect(20, 20, 3, 3)]) == 4


def _facing_by_brute_force(rects, distance=6.0):
    """The definition, pair by pair, without the sweep: what ``facing`` must return."""
    pairs = set()
    for i, (key, a) in enumerate(rects):
        for other_key, b in rects[i + 1 :]:
            if a.overlaps(b) or share_edge(a, b):
                continue
            if _overlap_length(a.x, a.right, b.x, b.right) > 0.01:
                gap = max(b.y - a.bottom, a.y - b.bottom)
            elif _overlap_length(a.y, a.bottom, b.y, b.bottom) > 0.01:
                gap = max(b.x - a.right, a.x - b.right)
            else:
                continue
            if 0.01 < gap <= distance:
                pairs.add(frozenset((key, other_key)))
    return pairs


coordinate = st.integers(min_value=0, max_value=40).map(lambda n: n * 1.5)
size = st.sampled_from([3.0, 6.0])


@settings(deadline=None, max_examples=100)
@given(st.lists(st.tuples(coordinate, coordinate, size, size), max_size=25))
def test_facing_sweep_matches_the_definition(boxes):
    rects = [(n, Rect(*box)) for n, box in enumerate(boxes)]
    assert facing(rects) == _facing_by_brute_force(rects)


@settings(deadline=None, max_examples=100)
@given(st.lists(st.tuples(coordinate, coordinate, size, size), max_size=25))
def test_neighbours_symmetric_and_share_edge(boxes):
    rects = [(n, Rect(*box)) for n, box in enumerate(boxes)]
    result = neighbours(rects)
    for key, rect in rects:
        for other_key, other in rects:
            expected = key != other_key and share_edge(rect, other)
            assert (other_key in result[key]) == expected


# --- Outlines of pavilions that are not rectangles ---------------------------------------------

L_SHAPE = "0,0 20,0 20,10 10,10 10,20 0,20"
U_SHAPE = "0,0 30,0 30,20 20,20 20,5 10,5 10,20 0,20"


def test_polygon_parse_reads_points_and_refuses_nonsense():
    assert Polygon.parse(L_SHAPE).points[1] == (20.0, 0.0)
    assert Polygon.parse(L_SHAPE).area == 300.0
    assert Polygon.parse(L_SHAPE).bounds == Rect(0, 0, 20, 20)
    for bad in ("", "0,0 1,1", "0,0 10,0 20,0", "0,0 10;0 10,10", "a,b c,d e,f"):
        with pytest.raises(OutlineError):
            Polygon.parse(bad)


@pytest.mark.parametrize(
    ("shape", "rect", "inside"),
    [
        (L_SHAPE, Rect(1, 1, 3, 3), True),
        (L_SHAPE, Rect(0, 0, 20, 10), True),  # touching the outline counts as inside
        (L_SHAPE, Rect(0, 10, 10, 10), True),
        (L_SHAPE, Rect(12, 12, 3, 3), False),  # in the notch
        (L_SHAPE, Rect(8, 8, 4, 4), False),  # one corner in the notch
        (U_SHAPE, Rect(5, 10, 20, 2), False),  # every corner inside, but it spans the gap of the U
        (U_SHAPE, Rect(0, 0, 30, 5), True),
        (U_SHAPE, Rect(22, 6, 3, 3), True),
        (U_SHAPE, Rect(11, 6, 3, 3), False),
    ],
)
def test_polygon_contains_a_rectangle_only_when_wholly_inside(shape, rect, inside):
    assert Polygon.parse(shape).contains(rect) is inside
