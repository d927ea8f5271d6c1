"""The instance checked and indexed: slots, participants and requests as small integers and bit masks.

Slots are numbered by start time (then end, then input order); a set of slots is an ``int`` whose bit
``i`` stands for slot ``i``. Two slots conflict when they overlap in time (a slot conflicts with
itself): a participant takes at most one meeting among conflicting slots, and a table serves at most
one meeting among them. A day is the calendar date of a slot's start, in the slot's own offset.
"""

from collections.abc import Iterable

from .specs import Instance, Locked, ScheduleInputError


def _record(kind: str, index: int, id_) -> str:
    return f"{kind}[{index}] (id {id_})"


def bits(mask: int) -> Iterable[int]:
    """The slot numbers in ``mask``, in increasing order."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class Model:
    """Everything the search needs, by number; built once per call to ``schedule``."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self._check_ids(instance)
        order = sorted(range(len(instance.slots)), key=lambda i: (instance.slots[i].start, instance.slots[i].end, i))
        self.slots = [instance.slots[i] for i in order]
        self.slot_index = {slot.id: n for n, slot in enumerate(self.slots)}
        n_slots = len(self.slots)
        self.conflict_mask = [0] * n_slots
        for i, x in enumerate(self.slots):
            for j in range(i, n_slots):
                y = self.slots[j]
                if y.start >= x.end:
                    break
                if x.start < y.end:
                    self.conflict_mask[i] |= 1 << j
                    self.conflict_mask[j] |= 1 << i
        # Slots that overlap nothing but themselves: the usual grid. The search takes shortcuts then.
        self.grid = all(mask == 1 << i for i, mask in enumerate(self.conflict_mask))
        days = sorted({slot.start.date() for slot in self.slots})
        self.days = days
        day_number = {day: n for n, day in enumerate(days)}
        self.slot_day = [day_number[slot.start.date()] for slot in self.slots]
        self.day_mask = [0] * len(days)
        for s, d in enumerate(self.slot_day):
            self.day_mask[d] |= 1 << s

        self.tables = list(instance.tables)
        self.table_index = {table: n for n, table in enumerate(self.tables)}
        self.participants = list(instance.participants)
        self.participant_index = {p.id: n for n, p in enumerate(self.participants)}
        self.available = []
        for n, participant in enumerate(self.participants):
            mask = 0
            for slot_id in participant.available:
                if slot_id not in self.slot_index:
                    raise ScheduleInputError(
                        "unknown_id", record=_record("participants", n, participant.id), kind="slot", id=slot_id
                    )
                mask |= 1 << self.slot_index[slot_id]
            self.available.append(mask)

        self.requests = list(instance.requests)
        self.request_index = {r.id: n for n, r in enumerate(self.requests)}
        self.a, self.b, self.weight, self.needs_table, self.common = [], [], [], [], []
        for n, request in enumerate(self.requests):
            record = _record("requests", n, request.id)
            for who in (request.a, request.b):
                if who not in self.participant_index:
                    raise ScheduleInputError("unknown_id", record=record, kind="participant", id=who)
            if request.a == request.b:
                raise ScheduleInputError("same_participant", record=record)
            if isinstance(request.weight, bool) or not isinstance(request.weight, int) or request.weight < 1:
                raise ScheduleInputError("bad_weight", record=record, value=request.weight)
            a, b = self.participant_index[request.a], self.participant_index[request.b]
            self.a.append(a)
            self.b.append(b)
            self.weight.append(request.weight)
            self.needs_table.append(not request.at_stall)
            self.common.append(self.available[a] & self.available[b])
        self.by_participant: list[list[int]] = [[] for _ in self.participants]
        for r in range(len(self.requests)):
            self.by_participant[self.a[r]].append(r)
            self.by_participant[self.b[r]].append(r)
        self.locked = self._check_locked(instance.locked)

    @staticmethod
    def _check_ids(instance: Instance) -> None:
        for kind, records in (
            ("slots", [s.id for s in instance.slots]),
            ("tables", list(instance.tables)),
            ("participants", [p.id for p in instance.participants]),
            ("requests", [r.id for r in instance.requests]),
        ):
            seen = set()
            for n, id_ in enumerate(records):
                if id_ in seen:
                    raise ScheduleInputError("duplicate_id", record=_record(kind, n, id_), id=id_)
                seen.add(id_)
        for n, slot in enumerate(instance.slots):
            record = _record("slots", n, slot.id)
            if slot.start.tzinfo is None or slot.end.tzinfo is None:
                raise ScheduleInputError("naive_time", record=record)
            if slot.end <= slot.start:
                raise ScheduleInputError("bad_slot_times", record=record)

    def _check_locked(self, locked: Iterable[Locked]) -> list[tuple[int, int, int]]:
        """(request, slot, table or -1) of each fixed meeting, once they are known to break no rule."""
        result = []
        taken: dict[int, list[tuple[int, int]]] = {}  # participant -> [(slot, request)]
        tables: dict[int, list[tuple[int, int]]] = {}  # table -> [(slot, request)]
        seen = set()
        for n, fixed in enumerate(locked):
            record = f"locked[{n}] (request {fixed.request})"
            if fixed.request not in self.request_index:
                raise ScheduleInputError("unknown_id", record=record, kind="request", id=fixed.request)
            if fixed.slot not in self.slot_index:
                raise ScheduleInputError("unknown_id", record=record, kind="slot", id=fixed.slot)
            if fixed.table is not None and fixed.table not in self.table_index:
                raise ScheduleInputError("unknown_id", record=record, kind="table", id=fixed.table)
            r, s = self.request_index[fixed.request], self.slot_index[fixed.slot]
            if r in seen:
                raise ScheduleInputError("locked_twice", record=record, id=fixed.request)
            seen.add(r)
            if not self.needs_table[r] and fixed.table is not None:
                raise ScheduleInputError("locked_stall_table", record=record)
            if self.needs_table[r] and fixed.table is None:
                raise ScheduleInputError("locked_needs_table", record=record)
            for p in (self.a[r], self.b[r]):
                who = self.participants[p].id
                if not self.available[p] >> s & 1:
                    raise ScheduleInputError("locked_unavailable", record=record, who=who, slot=fixed.slot)
                for other_slot, other in taken.get(p, ()):
                    if self.conflict_mask[s] >> other_slot & 1:
                        raise ScheduleInputError("locked_clash", record=record, who=who, other=self.requests[other].id)
            t = -1
            if fixed.table is not None:
                t = self.table_index[fixed.table]
                for other_slot, other in tables.get(t, ()):
                    if self.conflict_mask[s] >> other_slot & 1:
                        raise ScheduleInputError(
                            "locked_table_clash", record=record, table=fixed.table, other=self.requests[other].id
                        )
                tables.setdefault(t, []).append((s, r))
            for p in (self.a[r], self.b[r]):
                taken.setdefault(p, []).append((s, r))
            result.append((r, s, t))
        return result

    def disjoint_count(self, mask: int) -> int:
        """The most slots of ``mask`` that overlap pairwise nowhere (earliest end first is optimal)."""
        if self.grid:
            return mask.bit_count()
        count, last_end = 0, None
        for s in sorted(bits(mask), key=lambda s: self.slots[s].end):
            if last_end is None or self.slots[s].start >= last_end:
                count += 1
                last_end = self.slots[s].end
        return count
