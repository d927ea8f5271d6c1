"""The hard rules, one place for allocation runs, their checks and hand moves.

``placement_problems`` judges one exhibitor on a set of stalls and answers with structured
reasons (``Because``), in the order a floor manager would fix them; the portal translates them
where it shows them. The allocator builds its candidate blocks from the same predicates
(``hosts``, ``area_enough``, ``connected``), so a hand move is accepted exactly when the
allocator could have made it.
"""

from collections.abc import Mapping, Sequence

from pavilions import geometry

from .specs import AREA_TOLERANCE, MAX_MERGE, Because, ExhibitorSpec, PavilionSpec, Result, StallSpec, gettext_noop


def _because(message: str, **params) -> Because:
    return Because(message, tuple(sorted(params.items())))


def hosts(pavilion: PavilionSpec | None, exhibitor: ExhibitorSpec) -> bool:
    """The pavilion may take the exhibitor: it hosts its cluster, or it is a women pavilion the exhibitor chose."""
    if pavilion is None or pavilion.kind == "service":
        return False
    return exhibitor.cluster_id in pavilion.cluster_ids or (exhibitor.women_pavilion and pavilion.kind == "women")


def area_enough(area: float, requested: float) -> bool:
    """Areas are drawn to the centimetre: within ``AREA_TOLERANCE`` of the request is enough."""
    return area >= requested - AREA_TOLERANCE


def connected(stalls: Sequence[StallSpec]) -> bool:
    """One hall, and every stall reached from the first through stalls sharing an edge."""
    if not stalls:
        return False
    if len({s.hall_id for s in stalls}) > 1:
        return False
    reached, todo = {stalls[0].id}, [stalls[0]]
    while todo:
        stall = todo.pop()
        for other in stalls:
            if other.id not in reached and geometry.share_edge(stall.rect, other.rect):
                reached.add(other.id)
                todo.append(other)
    return len(reached) == len(stalls)


def placement_problems(
    exhibitor: ExhibitorSpec,
    stalls: Sequence[StallSpec],
    pavilions: Mapping[int, PavilionSpec],
    *,
    locked: bool,
) -> tuple[Because, ...]:
    """Every hard rule that putting ``exhibitor`` on ``stalls`` breaks; empty when none is.

    ``locked``: set by staff (a hand move or a lock), which may stand on a held stall but not on
    a blocked one.
    """
    if not stalls:
        return (_because(gettext_noop("Choose at least one stall.")),)
    problems = []
    codes = ", ".join(s.code for s in stalls)
    for stall in stalls:
        if stall.blocked:
            problems.append(_because(gettext_noop("Stall %(stall)s is blocked."), stall=stall.code))
        elif not stall.available and not locked:
            problems.append(_because(gettext_noop("Stall %(stall)s is not available."), stall=stall.code))
    pavilion_ids = sorted({s.pavilion_id for s in stalls})
    if len(pavilion_ids) > 1:
        problems.append(
            _because(gettext_noop("Stalls %(codes)s are in different pavilions; merged stalls share one."), codes=codes)
        )
    for pavilion_id in pavilion_ids:
        pavilion = pavilions.get(pavilion_id)
        if not hosts(pavilion, exhibitor):
            problems.append(
                _because(
                    gettext_noop("Pavilion %(pavilion)s does not host the cluster %(cluster)s."),
                    pavilion=pavilion.name if pavilion else str(pavilion_id),
                    cluster=exhibitor.cluster_name or str(exhibitor.cluster_id),
                )
            )
    area = sum(s.rect.area for s in stalls)
    if not area_enough(area, exhibitor.requested_area):
        problems.append(
            _because(
                gettext_noop("%(exhibitor)s asked for %(requested)s m²; %(codes)s give %(area)s m²."),
                exhibitor=exhibitor.name,
                requested=f"{exhibitor.requested_area:g}",
                codes=codes,
                area=f"{area:g}",
            )
        )
    if len(stalls) > MAX_MERGE:
        problems.append(_because(gettext_noop("At most %(count)s stalls can be merged."), count=MAX_MERGE))
    if len(stalls) > 1 and len(pavilion_ids) == 1 and not connected(stalls):
        problems.append(
            _because(gettext_noop("Stalls %(codes)s are not adjacent; merged stalls stand side by side."), codes=codes)
        )
    return tuple(problems)


def check_hard_rules(
    result: Result,
    exhibitors: Sequence[ExhibitorSpec],
    stalls: Sequence[StallSpec],
    pavilions: Sequence[PavilionSpec],
) -> list[Because]:
    """Every broken hard rule in ``result``; empty when there is none.

    Each placement is judged by ``placement_problems`` (a lock may stand on a held stall); on top
    of that the result must place or report each exhibitor once and give each stall to one.
    """
    problems = []
    stall_by_id = {s.id: s for s in stalls}
    pavilion_by_id = {p.id: p for p in pavilions}
    exhibitor_by_id = {e.id: e for e in exhibitors}
    holder: dict[int, int] = {}
    placed_ids = [p.exhibitor_id for p in result.placements]
    unplaced_ids = [u.exhibitor_id for u in result.unplaced]
    for exhibitor_id in sorted(set(placed_ids) & set(unplaced_ids)):
        problems.append(_because("exhibitor %(id)s is both placed and unplaced", id=exhibitor_id))
    for exhibitor_id in sorted({i for i in placed_ids if placed_ids.count(i) > 1}):
        problems.append(_because("exhibitor %(id)s is placed twice", id=exhibitor_id))
    for exhibitor_id in sorted(set(exhibitor_by_id) - set(placed_ids) - set(unplaced_ids)):
        problems.append(_because("exhibitor %(id)s is neither placed nor unplaced", id=exhibitor_id))
    for unplaced in result.unplaced:
        if not unplaced.reason:
            problems.append(_because("exhibitor %(id)s is unplaced without a reason", id=unplaced.exhibitor_id))

    for placement in result.placements:
        exhibitor = exhibitor_by_id.get(placement.exhibitor_id)
        if exhibitor is None:
            problems.append(_because("exhibitor %(id)s is not in the list of exhibitors", id=placement.exhibitor_id))
            continue
        unknown = [s for s in placement.stall_ids if s not in stall_by_id]
        if unknown:
            problems.append(
                _because("exhibitor %(id)s is on unknown stall id %(stall)s", id=exhibitor.id, stall=unknown[0])
            )
            continue
        placed = [stall_by_id[s] for s in placement.stall_ids]
        locked = set(exhibitor.locked_stall_ids)
        if locked and set(placement.stall_ids) != locked:
            problems.append(
                _because(
                    "exhibitor %(id)s is locked elsewhere but placed on %(codes)s",
                    id=exhibitor.id,
                    codes=", ".join(s.code for s in placed),
                )
            )
        for stall in placed:
            if stall.id in holder and holder[stall.id] != exhibitor.id:
                problems.append(
                    _because(
                        "stall %(stall)s holds exhibitors %(first)s and %(second)s",
                        stall=stall.code,
                        first=holder[stall.id],
                        second=exhibitor.id,
                    )
                )
            holder[stall.id] = exhibitor.id
        for problem in placement_problems(
            exhibitor, placed, pavilion_by_id, locked=bool(locked) and set(placement.stall_ids) == locked
        ):
            problems.append(_because("exhibitor %(id)s: %(problem)s", id=exhibitor.id, problem=problem.render()))
    return problems
