"""Automatic jury assignment: k unconflicted jurors per candidate, loads as even as the conflicts allow."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

from .specs import Assignment, Because, Id, JudgingInputError, Shortfall, gettext_noop


def _sortable(value: Id) -> tuple:
    return (isinstance(value, str), value)


def assign(
    *,
    candidate_ids: Sequence[Id],
    juror_ids: Sequence[Id],
    k: int,
    conflicts: Iterable[tuple[Id, Id]] = (),
    prior_loads: Mapping[Id, int] | None = None,
    fixed: Iterable[tuple[Id, Id]] = (),
) -> Assignment:
    """Each candidate gets k distinct jurors of the panel, none of them in ``conflicts``
    ((juror id, candidate id) pairs); loads as even as possible.

    A candidate with fewer than k unconflicted jurors gets all of them and a ``Shortfall`` saying
    how many were free of conflict. Every other candidate gets exactly k: jurors have no cap, so
    the candidates never compete for them.

    Balance: a min-cost flow, source → candidate (capacity k, or what it can have) → juror
    (capacity 1, only when not conflicted) → sink, where a juror's n-th candidate costs
    ``prior load + n``. The total cost Σ L(L+1)/2 is strictly convex in each load L, and the load
    vectors of the flows that give every candidate its jurors form an M-convex set, so the
    cheapest flow is the most even one: it has the smallest highest load and the largest lowest
    load there can be. Hence max load − min load ≤ 1 whenever any assignment achieves that; when
    none does (a juror conflicted with most candidates), the loads are as close as the conflicts
    allow. ``prior_loads`` (candidates a juror already has in other categories) is counted in, so
    balancing category by category balances the whole round. ``fixed`` pairs (set by hand) are
    kept, count towards their candidate's k and their juror's load, and the flow completes the rest.

    Deterministic: the ids are sorted before the flow is built, so the same candidates, jurors and
    conflicts in any order give the same pairs.
    """
    if k < 1:
        raise JudgingInputError(f"k = {k}: at least one juror per candidate")
    candidates = sorted(set(candidate_ids), key=_sortable)
    jurors = sorted(set(juror_ids), key=_sortable)
    if len(candidates) != len(candidate_ids) or len(jurors) != len(juror_ids):
        raise JudgingInputError("a candidate or a juror is listed twice")
    prior = dict(prior_loads or {})
    blocked = set(conflicts)
    kept = set(fixed)
    known_jurors, known_candidates = set(jurors), set(candidates)
    for pair in sorted(kept, key=lambda p: (_sortable(p[0]), _sortable(p[1]))):
        if pair[0] not in known_jurors or pair[1] not in known_candidates:
            raise JudgingInputError(f"fixed pair {pair!r}: the juror is not on the panel or the candidate not in it")
        if pair in blocked:
            raise JudgingInputError(f"fixed pair {pair!r}: the juror has a conflict with the candidate")
    held = Counter(c for _, c in kept)
    for juror, _ in kept:
        prior[juror] = prior.get(juror, 0) + 1

    # Nodes: 0 source, 1 sink, then candidates, then jurors.
    juror_node = {j: 2 + len(candidates) + n for n, j in enumerate(jurors)}
    starts, ends, capacities, costs = [], [], [], []
    wanted = {}
    shortfalls = []
    candidate_arcs = []  # (arc index, juror, candidate) for the candidate → juror arcs
    for n, candidate in enumerate(candidates):
        node = 2 + n
        free = [j for j in jurors if (j, candidate) not in blocked]
        wanted[candidate] = max(0, min(k, len(free)) - held[candidate])
        if len(free) < k:
            shortfalls.append(
                Shortfall(
                    candidate,
                    len(free),
                    Because(
                        "conflicts",
                        gettext_noop(
                            "only %(free)s of the panel's %(panel)s jurors are free of conflict; %(k)s needed"
                        ),
                        (("free", len(free)), ("k", k), ("panel", len(jurors))),
                    ),
                )
            )
        starts.append(0)
        ends.append(node)
        capacities.append(wanted[candidate])
        costs.append(0)
        for juror in free:
            if (juror, candidate) in kept:
                continue
            candidate_arcs.append((len(starts), juror, candidate))
            starts.append(node)
            ends.append(juror_node[juror])
            capacities.append(1)
            costs.append(0)
    # A juror takes at most one of each candidate, so at most len(candidates) unit arcs to the sink.
    for juror in jurors:
        base = prior.get(juror, 0)
        for n in range(1, len(candidates) + 1):
            starts.append(juror_node[juror])
            ends.append(1)
            capacities.append(1)
            costs.append(base + n)

    total = sum(wanted.values())
    pairs = []
    if total:
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            np.array(starts, dtype=np.int32),
            np.array(ends, dtype=np.int32),
            np.array(capacities, dtype=np.int64),
            np.array(costs, dtype=np.int64),
        )
        supplies = np.zeros(2 + len(candidates) + len(jurors), dtype=np.int64)
        supplies[0], supplies[1] = total, -total
        flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
        status = flow.solve()
        if status != flow.OPTIMAL:  # cannot happen: every candidate's supply has as many free jurors
            raise RuntimeError(f"min-cost flow status {status}")
        arcs = np.array([arc for arc, _, _ in candidate_arcs], dtype=np.int32)
        used = flow.flows(arcs)
        pairs = [(juror, candidate) for (_, juror, candidate), f in zip(candidate_arcs, used, strict=True) if f]

    loads = {j: prior.get(j, 0) for j in jurors}
    for juror, _ in pairs:
        loads[juror] += 1
    pairs += kept
    return Assignment(
        pairs=tuple(sorted(pairs, key=lambda p: (_sortable(p[0]), _sortable(p[1])))),
        loads=tuple((j, loads[j]) for j in jurors),
        shortfalls=tuple(shortfalls),
    )
