"""Rectangles on a hall plan, in metres: overlap, containment, and which stalls touch or face each other.

Pure Python, no Django: the models validate with it, the allocator scores with it, the floor plan draws with it.
The hall's origin is its top-left corner; x grows to the right and y grows downwards, as in SVG.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Below a centimetre two edges are taken to touch: stall plans are drawn to the centimetre.
TOLERANCE = 0.01
# Stalls whose fronts are at most this far apart, across an aisle, face each other.
FACING_DISTANCE = 6.0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    depth: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.depth

    @property
    def area(self) -> float:
        return self.width * self.depth

    def overlaps(self, other: "Rect") -> bool:
        """True when the two share area; touching edges do not overlap."""
        return (
            self.x < other.right - TOLERANCE
            and other.x < self.right - TOLERANCE
            and self.y < other.bottom - TOLERANCE
            and other.y < self.bottom - TOLERANCE
        )

    def contains(self, other: "Rect") -> bool:
        return (
            other.x >= self.x - TOLERANCE
            and other.y >= self.y - TOLERANCE
            and other.right <= self.right + TOLERANCE
            and other.bottom <= self.bottom + TOLERANCE
        )


def _overlap_length(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def share_edge(a: Rect, b: Rect) -> bool:
    """True when the rectangles touch along an edge of positive length (side by side or back to back)."""
    touch_x = abs(a.right - b.x) <= TOLERANCE or abs(b.right - a.x) <= TOLERANCE
    if touch_x and _overlap_length(a.y, a.bottom, b.y, b.bottom) > TOLERANCE:
        return True
    touch_y = abs(a.bottom - b.y) <= TOLERANCE or abs(b.bottom - a.y) <= TOLERANCE
    return touch_y and _overlap_length(a.x, a.right, b.x, b.right) > TOLERANCE


def first_overlap(rects: Sequence[tuple[object, Rect]]) -> tuple[object, object] | None:
    """The keys of the first two rectangles that overlap, or None; sorted sweep over x."""
    ordered = sorted(rects, key=lambda item: item[1].x)
    active: list[tuple[object, Rect]] = []
    for key, rect in ordered:
        active = [(k, r) for k, r in active if r.right > rect.x + TOLERANCE]
        for other_key, other in active:
            if rect.overlaps(other):
                return (other_key, key)
        active.append((key, rect))
    return None


def neighbours(rects: Sequence[tuple[object, Rect]]) -> dict[object, set[object]]:
    """For each key, the keys of the rectangles sharing an edge with it."""
    result: dict[object, set[object]] = {key: set() for key, _ in rects}
    ordered = sorted(rects, key=lambda item: item[1].x)
    for i, (key, rect) in enumerate(ordered):
        for other_key, other in ordered[i + 1 :]:
            if other.x > rect.right + TOLERANCE:
                break
            if share_edge(rect, other):
                result[key].add(other_key)
                result[other_key].add(key)
    return result


def facing(rects: Sequence[tuple[object, Rect]], *, distance: float = FACING_DISTANCE) -> set[frozenset]:
    """Pairs of rectangles across an aisle from each other.

    They overlap in x or in y, with a clear gap of at most ``distance`` between them.
    """
    pairs: set[frozenset] = set()
    # Sweep over x: once a rectangle starts more than ``distance`` right of another's right edge,
    # it neither overlaps it in x nor is near enough beside it, and neither is any after it.
    ordered = sorted(rects, key=lambda item: item[1].x)
    for i, (key, a) in enumerate(ordered):
        for other_key, b in ordered[i + 1 :]:
            if b.x - a.right > distance:
                break
            if a.overlaps(b) or share_edge(a, b):
                continue
            if _overlap_length(a.x, a.right, b.x, b.right) > TOLERANCE:
                gap = max(b.y - a.bottom, a.y - b.bottom)
            elif _overlap_length(a.y, a.bottom, b.y, b.bottom) > TOLERANCE:
                gap = max(b.x - a.right, a.x - b.right)
            else:
                continue
            if TOLERANCE < gap <= distance:
                pairs.add(frozenset((key, other_key)))
    return pairs


def open_sides(rect: Rect, others: Iterable[Rect]) -> int:
    """How many of the rectangle's four sides no other rectangle touches: 1 in-line, 2 corner, 3 peninsula, 4 island."""
    closed = 0
    others = list(others)
    for side in ("left", "right", "top", "bottom"):
        for other in others:
            if (side == "left" and abs(other.right - rect.x) <= TOLERANCE) or (
                side == "right" and abs(other.x - rect.right) <= TOLERANCE
            ):
                touching = _overlap_length(rect.y, rect.bottom, other.y, other.bottom) > TOLERANCE
            elif (side == "top" and abs(other.bottom - rect.y) <= TOLERANCE) or (
                side == "bottom" and abs(other.y - rect.bottom) <= TOLERANCE
            ):
                touching = _overlap_length(rect.x, rect.right, other.x, other.right) > TOLERANCE
            else:
                touching = False
            if touching:
                closed += 1
                break
    return 4 - closed


class OutlineError(ValueError):
    """An outline that cannot be read as corners around some area."""


@dataclass(frozen=True)
class Polygon:
    """A pavilion that is not a rectangle (an L, a U), as its corner points in order, clockwise or not."""

    points: tuple[tuple[float, float], ...]

    @classmethod
    def parse(cls, text: str) -> "Polygon":
        """Read "x,y x,y x,y …" (metres); raise OutlineError with the reason."""
        points = []
        for pair in text.split():
            x, sep, y = pair.partition(",")
            try:
                points.append((float(x), float(y)))
            except ValueError:
                raise OutlineError(f"{pair!r} is not a point written x,y") from None
            if not sep:
                raise OutlineError(f"{pair!r} is not a point written x,y")
        polygon = cls(tuple(points))
        if len(set(points)) < 3 or polygon.area <= TOLERANCE:
            raise OutlineError("an outline needs at least three corners around some area")
        return polygon

    def __str__(self) -> str:
        return " ".join(f"{x:g},{y:g}" for x, y in self.points)

    @property
    def edges(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        return list(zip(self.points, self.points[1:] + self.points[:1], strict=True))

    @property
    def area(self) -> float:
        return abs(sum(ax * by - bx * ay for (ax, ay), (bx, by) in self.edges)) / 2

    @property
    def bounds(self) -> Rect:
        xs, ys = [x for x, _ in self.points], [y for _, y in self.points]
        return Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    def _on_edge(self, px: float, py: float) -> bool:
        for (ax, ay), (bx, by) in self.edges:
            cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
            length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
            within = min(ax, bx) - TOLERANCE <= px <= max(ax, bx) + TOLERANCE
            within &= min(ay, by) - TOLERANCE <= py <= max(ay, by) + TOLERANCE
            if within and abs(cross) <= TOLERANCE * max(length, 1.0):
                return True
        return False

    def contains_point(self, px: float, py: float) -> bool:
        """Inside or on the outline (ray casting, with the outline itself counted as inside)."""
        if self._on_edge(px, py):
            return True
        inside = False
        for (ax, ay), (bx, by) in self.edges:
            if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
                inside = not inside
        return inside

    def contains(self, rect: Rect) -> bool:
        """True when the rectangle lies inside: its corners do, and no edge of the outline cuts across it."""
        corners = [(rect.x, rect.y), (rect.right, rect.y), (rect.right, rect.bottom), (rect.x, rect.bottom)]
        if not all(self.contains_point(x, y) for x, y in corners):
            return False
        inner = Rect(rect.x + TOLERANCE, rect.y + TOLERANCE, rect.width - 2 * TOLERANCE, rect.depth - 2 * TOLERANCE)
        return not any(_crosses(inner, a, b) for a, b in self.edges)


def _crosses(rect: Rect, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True when the segment a–b passes through the rectangle's interior (Liang–Barsky clipping)."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    low, high = 0.0, 1.0
    for p, q in ((-dx, ax - rect.x), (dx, rect.right - ax), (-dy, ay - rect.y), (dy, rect.bottom - ay)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return False
    return True
