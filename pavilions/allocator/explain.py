"""Why each exhibitor was placed where it was, or not placed."""

from collections.abc import Sequence

from .instance import Block, Instance
from .specs import RANK_FIRST, Because, ExhibitorSpec, Reason, Result, describe, gettext_noop


def _because(message: str, **params) -> Because:
    return Because(message, tuple(sorted(params.items())))


def _names(inst: Instance, pavilion_ids) -> str:
    return ", ".join(inst.pavilions[p].name for p in pavilion_ids)


def reason_for(
    inst: Instance, exhibitor: ExhibitorSpec, block: Block, holder: dict[int, int], is_locked: bool
) -> Reason:
    if is_locked:
        return (_because(gettext_noop("locked by staff")),)
    pavilion = inst.pavilions[block.pavilion_id]
    codes = ", ".join(inst.stalls[s].code for s in block.stalls)
    if pavilion.kind == "women":
        head = _because(gettext_noop("Women entrepreneurs pavilion %(pavilion)s, as chosen"), pavilion=pavilion.name)
    elif pavilion.id in inst.home.get(exhibitor.cluster_id, ()):
        head = _because(gettext_noop("Cluster pavilion %(pavilion)s"), pavilion=pavilion.name)
    else:
        home = sorted(inst.home.get(exhibitor.cluster_id, ()))
        full = home and all(
            s in holder or not inst.stalls[s].available for p in home for s in inst.stalls_of.get(p, ())
        )
        head = (
            _because(
                gettext_noop("cluster pavilion %(home)s full, so overflow pavilion %(pavilion)s"),
                home=_names(inst, home),
                pavilion=pavilion.name,
            )
            if full
            else _because(gettext_noop("Pavilion %(pavilion)s, which hosts its cluster"), pavilion=pavilion.name)
        )
    if len(block.stalls) == 1:
        parts = [head, _because(gettext_noop("stall %(codes)s"), codes=codes)]
    else:
        parts = [head, _because(gettext_noop("stalls %(codes)s merged"), codes=codes)]
    if any(
        holder.get(t) not in (None, exhibitor.id) and inst.by_id[holder[t]].cluster_id == exhibitor.cluster_id
        for s in block.stalls
        for t in inst.adjacent[s]
    ):
        parts.append(_because(gettext_noop("next to its cluster")))
    if block.corner:
        parts.append(_because(gettext_noop("corner (rank %(rank)s)"), rank=inst.rank_position[exhibitor.id]))
    return tuple(parts)


def unplaced_reason(
    inst: Instance,
    exhibitor: ExhibitorSpec,
    candidates: Sequence[Block],
    holder: dict[int, int],
    *,
    objective: str,
    proven: bool,
) -> Reason:
    """Why it is left out, as it is: no block at all, every block it could use held by the better
    ranked, or (counting first) a block held by more, or smaller, exhibitors placed to fit more."""
    pavilions = inst.eligible_pavilions(exhibitor)
    if not pavilions:
        if exhibitor.women_pavilion:
            return (
                _because(gettext_noop("no pavilion hosts its cluster and there is no women entrepreneurs pavilion")),
            )
        return (_because(gettext_noop("no pavilion hosts its cluster")),)
    params = {"area": f"{exhibitor.requested_area:g}", "names": _names(inst, pavilions)}
    if not candidates:
        return (
            _because(
                gettext_noop("no free stalls of %(area)s m² or more in the pavilions hosting its cluster (%(names)s)"),
                **params,
            ),
        )
    worse_held = any(
        all(holder.get(s) is None or inst.by_id[holder[s]].rank_score < exhibitor.rank_score for s in block.stalls)
        for block in candidates
    )
    if objective == RANK_FIRST:
        message = (
            gettext_noop("no stalls of %(area)s m² or more left in %(names)s once the better ranked were placed")
            if proven
            else gettext_noop(
                "no stalls of %(area)s m² or more found in %(names)s beside the better ranked within the time limit"
            )
        )
    elif not worse_held:
        message = gettext_noop(
            "no stalls of %(area)s m² or more left in %(names)s: "
            "those it could use went to exhibitors ranked as high or higher"
        )
    elif proven:
        message = gettext_noop(
            "no stalls of %(area)s m² or more left in %(names)s: "
            "the space it could use holds more exhibitors, so more fit this way"
        )
    else:
        message = gettext_noop(
            "no stalls of %(area)s m² or more left in %(names)s: "
            "no way to fit it in without leaving others out was found within the time limit"
        )
    return (_because(message, **params),)


def notice(message: str, problems: Reason) -> Reason:
    """A notice for staff: its message (marked where it is written), then each problem."""
    return (Because(message), *problems)


def lock_reason(*, missing_stall: int | None = None, stall_code: str = "", other: str = "") -> Reason:
    """Why a lock could not be kept: its stall is gone, or another exhibitor is locked on it."""
    if missing_stall is not None:
        return (_because(gettext_noop("its locked stall no longer exists (id %(stall)s)"), stall=missing_stall),)
    return (
        _because(gettext_noop("locked stall %(stall)s is also locked for %(other)s"), stall=stall_code, other=other),
    )


def explain(result: Result, exhibitor_id: int) -> str:
    """The reason given for one exhibitor, placed or not, in English."""
    for placement in result.placements:
        if placement.exhibitor_id == exhibitor_id:
            return describe(placement.reason)
    for unplaced in result.unplaced:
        if unplaced.exhibitor_id == exhibitor_id:
            return describe(unplaced.reason)
    return "not part of this allocation"
