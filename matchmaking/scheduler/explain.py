"""Why a request was left out, read from the final schedule: every number is true of it."""

from .model import bits
from .search import State
from .specs import Reason


def unscheduled_reason(state: State, r: int) -> Reason:
    m = state.m
    a, b = m.a[r], m.b[r]
    a_id, b_id = m.participants[a].id, m.participants[b].id
    common = m.common[r]
    if not common:
        return Reason("no_common_time", {"a": a_id, "b": b_id})
    slots = m.disjoint_count(common)
    days = tuple(str(m.days[d]) for d in sorted({m.slot_day[s] for s in bits(common)}))
    for p, other in ((a, b_id), (b, a_id)):
        if common & ~state.blocked[p] == 0:
            meetings = sum(1 for s in state.at[p] if m.conflict_mask[s] & common)
            return Reason(
                "participant_full",
                {"who": m.participants[p].id, "other": other, "meetings": meetings, "slots": slots, "days": days},
            )
    a_busy = (common & state.blocked[a]).bit_count()
    b_busy = (common & state.blocked[b]).bit_count()
    free = common & ~state.blocked[a] & ~state.blocked[b]
    no_table = (free & state.full).bit_count() if m.needs_table[r] else 0
    if not a_busy and not b_busy:
        return Reason("no_table", {"slots": no_table})
    return Reason(
        "never_free_together",
        {"a": a_id, "b": b_id, "slots": common.bit_count(), "a_busy": a_busy, "b_busy": b_busy, "no_table": no_table},
    )
