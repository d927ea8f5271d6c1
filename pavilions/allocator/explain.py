"""Why each exhibitor was placed where it was, or not placed."""

from collections.abc import Sequence

from .instance import Block, Instance
from .specs import ExhibitorSpec, Result

# ---------------------------------------------------------------------------------------------
# Explanations.


def reason_for(inst: Instance, exhibitor: ExhibitorSpec, block: Block, holder: dict[int, int], is_locked: bool) -> str:
    if is_locked:
        return "locked by staff"
    pavilion = inst.pavilions[block.pavilion_id]
    codes = ", ".join(inst.stalls[s].code for s in block.stalls)
    where = f"stall {codes}" if len(block.stalls) == 1 else f"stalls {codes} merged"
    if pavilion.kind == "women":
        head = f"Women entrepreneurs pavilion '{pavilion.name}' (chosen)"
    elif pavilion.id in inst.home.get(exhibitor.cluster_id, ()):
        head = f"Cluster pavilion '{pavilion.name}'"
    else:
        home = sorted(inst.home.get(exhibitor.cluster_id, ()))
        full = home and all(
            s in holder or not inst.stalls[s].available for p in home for s in inst.stalls_of.get(p, ())
        )
        names = ", ".join(f"'{inst.pavilions[p].name}'" for p in home)
        head = (
            f"cluster pavilion {names} full → overflow pavilion '{pavilion.name}'"
            if full
            else f"{pavilion.kind} pavilion '{pavilion.name}' (hosts its cluster)"
        )
    parts = [f"{head} → {where}"]
    if any(
        holder.get(t) not in (None, exhibitor.id) and inst.by_id[holder[t]].cluster_id == exhibitor.cluster_id
        for s in block.stalls
        for t in inst.adjacent[s]
    ):
        parts.append("next to its cluster")
    if block.corner:
        parts.append(f"corner (rank {inst.rank_position[exhibitor.id]})")
    return ", ".join(parts)


def unplaced_reason(inst: Instance, exhibitor: ExhibitorSpec, candidates: Sequence[Block]) -> str:
    pavilions = inst.eligible_pavilions(exhibitor)
    if not pavilions:
        if exhibitor.women_pavilion:
            return f"no pavilion hosts cluster {exhibitor.cluster_id} and there is no women pavilion"
        return f"no pavilion hosts cluster {exhibitor.cluster_id}"
    names = ", ".join(f"'{inst.pavilions[p].name}'" for p in pavilions)
    area = f"{exhibitor.requested_area:g} m²"
    if not candidates:
        return f"no free block of ≥ {area} in pavilions hosting its cluster ({names})"
    return f"no block of ≥ {area} left in {names}: more exhibitors fit this way, the better ranked first"


def explain(result: Result, exhibitor_id: int) -> str:
    """The reason given for one exhibitor, placed or not."""
    for placement in result.placements:
        if placement.exhibitor_id == exhibitor_id:
            return placement.reason
    for unplaced in result.unplaced:
        if unplaced.exhibitor_id == exhibitor_id:
            return unplaced.reason
    return "not part of this allocation"
