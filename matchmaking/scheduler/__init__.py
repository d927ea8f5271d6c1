"""Places accepted B2B meeting requests into slots and at tables.

Pure Python, no Django: the caller builds an ``Instance`` of plain dataclasses (slots, tables,
participants with the slots they are available in, requests with a weight, meetings fixed by
staff), calls ``schedule`` and saves the ``Schedule``. ``check_hard_rules`` checks any list of
meetings against the rules.

Hard rules: nobody has two meetings at the same time (slots that overlap in time) and nobody meets
outside their availability; a table holds at most one meeting at a time; a meeting at the stall
(``at_stall``) uses no table; each request is met at most once; fixed meetings are kept exactly
(input that breaks a rule, fixed meetings included, raises ``ScheduleInputError`` naming the record).

Objective: the total weight of the meetings (fixed ones included), then fewer idle slots in each
person's day (free slots between their first and last meeting of a day).

Method:

1. ``bound.day_lp_bound``: the LP relaxation aggregated by day (stated exactly in ``bound.py``),
   solved with OR-Tools GLOP in well under a second. Its optimum is the reported ``bound``, and its
   solution says on which day each request is best held.
2. Construction: the requests the LP schedules first, those with the fewest shared slots on their
   LP day first, each into a free slot on that day if there is one (next to its participants'
   other meetings if possible); then the others, heaviest first.
3. Improvement: each request left out, heaviest first, is placed by swapping two slots of a day
   along an alternating chain of meetings (its one participant's meeting in the first slot moves
   to the second, that partner's meeting in the second moves to the first, and so on: a Kempe
   chain), or by moving the meeting in its way (``CHAIN_DEPTH`` moves deep; when only the tables
   are full, a table meeting), or in place of lighter meetings when the total weight grows (those
   displaced are re-placed if they can be). Passes repeat while they gain; a request that failed
   is tried again only once one of its participants' meetings changed.
4. Idle slots: meetings move to free slots where their two participants are left fewer idle slots.

Determinism: requests are taken in input order among equals, the LP is solved by a deterministic
simplex, and steps 3 and 4 stop on a work budget (``WORK_PER_REQUEST`` slots examined per request),
never on the clock: the same input gives the same schedule on any machine. ``greedy_value`` is the
weight-ordered first-fit pass alone (every request, heaviest first, into its earliest free slot),
for comparison.
"""

from .bound import day_lp_bound
from .explain import unscheduled_reason
from .model import Model
from .rules import check_hard_rules
from .search import Search, State, greedy
from .specs import (
    CHAIN_DEPTH,
    ERRORS,
    MESSAGES,
    WORK_PER_REQUEST,
    Id,
    Instance,
    Locked,
    Meeting,
    Participant,
    Reason,
    Request,
    Schedule,
    ScheduleInputError,
    Slot,
    Unscheduled,
    gettext_noop,
)

__all__ = [
    "CHAIN_DEPTH",
    "ERRORS",
    "MESSAGES",
    "WORK_PER_REQUEST",
    "Id",
    "Instance",
    "Locked",
    "Meeting",
    "Participant",
    "Reason",
    "Request",
    "Schedule",
    "ScheduleInputError",
    "Slot",
    "Unscheduled",
    "check_hard_rules",
    "gettext_noop",
    "schedule",
]


def schedule(instance: Instance, *, work_per_request: int = WORK_PER_REQUEST, depth: int = CHAIN_DEPTH) -> Schedule:
    """The meetings of ``instance``, their value, the LP bound, and why each request left out was.

    Raises ``ScheduleInputError`` for unknown or duplicate ids, a bad weight or slot, or fixed
    meetings that break a hard rule.
    """
    model = Model(instance)
    n = len(model.requests)
    by_weight = sorted(range(n), key=lambda r: -model.weight[r])

    baseline = State(model)
    greedy(baseline, [r for r in by_weight if not baseline.fixed[r]])

    state = State(model)
    lp_bound, shares = day_lp_bound(model, state.blocked, state.full, state.fixed)
    bound = state.value + lp_bound
    preferred = [
        max(range(len(model.days)), key=lambda d: (shares[r][d], -d)) if any(shares[r]) else -1 for r in range(n)
    ]
    chosen = [sum(shares[r]) > 0.5 for r in range(n)]
    day_slots = [model.common[r] & model.day_mask[preferred[r]] if chosen[r] else 0 for r in range(n)]
    # The requests the LP holds first, the most constrained on their day first (like colouring the
    # most constrained vertex first): its solution is nearly always integral, and on expo-shaped
    # instances nearly all of it fits. Then the others, heaviest first.
    first = sorted(
        (r for r in range(n) if not state.fixed[r]),
        key=lambda r: (not chosen[r], day_slots[r].bit_count() if chosen[r] else 0, -model.weight[r], r),
    )
    by_value = sorted((r for r in range(n) if not state.fixed[r]), key=lambda r: (-model.weight[r], not chosen[r], r))
    search = Search(state, preferred, budget=work_per_request * max(n, 1), depth=depth)
    search.construct(first)
    search.improve(by_value)
    search.tighten(by_value)

    state.assign_tables()
    meetings, unscheduled = [], []
    for r, request in enumerate(model.requests):
        s = state.slot[r]
        if s < 0:
            unscheduled.append(Unscheduled(request.id, unscheduled_reason(state, r)))
        else:
            table = model.tables[state.table[r]] if state.table[r] >= 0 else None
            meetings.append(Meeting(request.id, model.slots[s].id, table))
    return Schedule(
        meetings=tuple(meetings),
        value=state.value,
        bound=bound,
        unscheduled=tuple(unscheduled),
        idle_gaps=state.idle_total(),
        greedy_value=baseline.value,
        work=state.work,
    )
