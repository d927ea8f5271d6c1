"""The hard rules, checked on a finished list of meetings: what a schedule must never break."""

from collections.abc import Sequence

from .specs import Instance, Meeting


def check_hard_rules(instance: Instance, meetings: Sequence[Meeting]) -> list[str]:
    """Every rule the meetings break, as sentences; an empty list when they break none."""
    slots = {slot.id: slot for slot in instance.slots}
    available = {p.id: set(p.available) for p in instance.participants}
    requests = {r.id: r for r in instance.requests}
    tables = set(instance.tables)
    problems = []
    seen: dict[object, Meeting] = {}
    for meeting in meetings:
        request = requests.get(meeting.request)
        if request is None or meeting.slot not in slots:
            problems.append(f"{meeting}: unknown request or slot")
            continue
        if meeting.request in seen:
            problems.append(f"request {meeting.request} is scheduled twice")
        seen[meeting.request] = meeting
        for who in (request.a, request.b):
            if meeting.slot not in available[who]:
                problems.append(f"{meeting}: {who} is not available then")
        if request.at_stall and meeting.table is not None:
            problems.append(f"{meeting}: a meeting at the stall has a table")
        if not request.at_stall and meeting.table not in tables:
            problems.append(f"{meeting}: a meeting at a table has no table")

    by_slot: dict[object, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.request in requests and meeting.slot in slots:
            by_slot.setdefault(meeting.slot, []).append(meeting)
    clashes = set()
    for slot_id, here in by_slot.items():
        slot = slots[slot_id]
        # This slot's meetings against those of every slot overlapping it (itself included).
        around = [
            m
            for other, group in by_slot.items()
            for m in group
            if slots[other].start < slot.end and slot.start < slots[other].end
        ]
        people: dict[object, set] = {}
        at_table: dict[object, set] = {}
        for m in around:
            request = requests[m.request]
            for who in (request.a, request.b):
                people.setdefault(who, set()).add(m.request)
            if m.table is not None:
                at_table.setdefault(m.table, set()).add(m.request)
        for m in here:
            request = requests[m.request]
            for who in (request.a, request.b):
                if len(people[who]) > 1:
                    clashes.add(f"{who} has meetings {sorted(map(str, people[who]))} at the same time")
            if m.table is not None and len(at_table[m.table]) > 1:
                clashes.add(f"table {m.table} has meetings {sorted(map(str, at_table[m.table]))} at the same time")
    problems.extend(sorted(clashes))
    for fixed in instance.locked:
        if seen.get(fixed.request) != Meeting(fixed.request, fixed.slot, fixed.table):
            problems.append(f"fixed meeting {fixed.request} was not kept as it was")
    return problems
