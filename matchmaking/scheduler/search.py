"""The schedule being built: place and remove meetings with undo, the greedy passes and the local search."""

from .model import Model, bits

_PLACE, _REMOVE = 0, 1
# How many slots ``Search.eject`` tries for one request, the cheapest to clear first.
EJECT_TRIES = 4


class State:
    """Meetings placed so far, with what each participant, slot and table has left.

    Every change goes through ``place`` and ``remove`` and is journalled, so a tentative chain of
    moves is undone exactly by ``rollback`` to a ``len(state.journal)`` taken before it.
    """

    def __init__(self, model: Model) -> None:
        self.m = model
        n_requests = len(model.requests)
        self.slot = [-1] * n_requests
        self.table = [-1] * n_requests
        self.fixed = [False] * n_requests
        self.at: list[dict[int, int]] = [{} for _ in model.participants]  # slot -> request, per participant
        self.blocked = [0] * len(model.participants)  # slots each participant cannot take
        self.tabled: list[set[int]] = [set() for _ in model.slots]  # requests at a table, per slot
        self.table_at: list[dict[int, int]] = [{} for _ in model.slots]  # table -> request (slots that overlap)
        self.full = 0 if model.tables else (1 << len(model.slots)) - 1  # slots with no table left
        self.value = 0
        self.journal: list[tuple[int, int, int, int]] = []
        self.work = 0
        for r, s, t in model.locked:
            self.place(r, s, t)
            self.table[r] = t
            self.fixed[r] = True
        self.journal.clear()

    # -- changes ---------------------------------------------------------------------------------

    def candidates(self, r: int) -> int:
        """The slots where request r could be placed now, as a mask."""
        m = self.m
        mask = m.common[r] & ~self.blocked[m.a[r]] & ~self.blocked[m.b[r]]
        if m.needs_table[r]:
            mask &= ~self.full
        return mask

    def place(self, r: int, s: int, t: int = -1) -> None:
        m = self.m
        bit = 1 << s
        for p in (m.a[r], m.b[r]):
            self.at[p][s] = r
            self.blocked[p] |= m.conflict_mask[s]
        if m.needs_table[r]:
            self.tabled[s].add(r)
            if m.grid:
                # On a grid only the number of tables per slot matters; ``assign_tables`` names them at the end.
                if len(self.tabled[s]) >= len(m.tables):
                    self.full |= bit
            else:
                if t < 0:
                    t = self._free_table(s)
                self.table_at[s][t] = r
                self.table[r] = t
                self._update_full(s)
        self.slot[r] = s
        self.value += m.weight[r]
        self.journal.append((_PLACE, r, s, t))

    def remove(self, r: int) -> None:
        m = self.m
        s, t = self.slot[r], self.table[r]
        for p in (m.a[r], m.b[r]):
            del self.at[p][s]
            if m.grid:
                self.blocked[p] &= ~(1 << s)
            else:
                mask = 0
                for other in self.at[p]:
                    mask |= m.conflict_mask[other]
                self.blocked[p] = mask
        if m.needs_table[r]:
            self.tabled[s].discard(r)
            if m.grid:
                self.full &= ~(1 << s)
            else:
                del self.table_at[s][t]
                self.table[r] = -1
                self._update_full(s)
        self.slot[r] = -1
        self.value -= m.weight[r]
        self.journal.append((_REMOVE, r, s, t))

    def rollback(self, mark: int) -> None:
        while len(self.journal) > mark:
            op, r, s, t = self.journal.pop()
            if op == _PLACE:
                self.remove(r)
            else:
                self.place(r, s, t)
            self.journal.pop()

    def _tables_used(self, s: int) -> set[int]:
        used: set[int] = set()
        for c in bits(self.m.conflict_mask[s]):
            used.update(self.table_at[c])
        return used

    def _free_table(self, s: int) -> int:
        used = self._tables_used(s)
        return next(t for t in range(len(self.m.tables)) if t not in used)

    def _update_full(self, s: int) -> None:
        n_tables = len(self.m.tables)
        for c in bits(self.m.conflict_mask[s]):
            if len(self._tables_used(c)) >= n_tables:
                self.full |= 1 << c
            else:
                self.full &= ~(1 << c)

    def assign_tables(self) -> None:
        """On a grid, name each meeting's table: fixed meetings keep theirs, the others take the rest in order."""
        m = self.m
        if not m.grid:
            return
        for here in self.tabled:
            taken = {self.table[r] for r in here if self.fixed[r]}
            free = (t for t in range(len(m.tables)) if t not in taken)
            for r in sorted(here):
                if not self.fixed[r]:
                    self.table[r] = next(free)

    # -- reading ---------------------------------------------------------------------------------

    def blockers(self, r: int, s: int) -> set[int]:
        """The meetings that keep request r out of slot s through its participants."""
        m = self.m
        found = set()
        for p in (m.a[r], m.b[r]):
            if m.grid:
                other = self.at[p].get(s)
                if other is not None:
                    found.add(other)
            else:
                found.update(other for c, other in self.at[p].items() if m.conflict_mask[s] >> c & 1)
        return found

    def table_meetings(self, s: int) -> list[int]:
        """The meetings holding a table that slot s could otherwise use."""
        if self.m.grid:
            return list(self.tabled[s])
        return [r for c in bits(self.m.conflict_mask[s]) for r in self.table_at[c].values()]

    def idle(self, p: int, d: int, blocked: int | None = None) -> int:
        """Free slots of participant p between its first and last meeting of day d (given its ``blocked`` slots)."""
        if blocked is None:
            blocked = self.blocked[p]
        mask = blocked & self.m.day_mask[d]
        if not mask:
            return 0
        first = (mask & -mask).bit_length() - 1
        span = ((1 << mask.bit_length()) - 1) & ~((1 << first) - 1)
        return (span & self.m.available[p] & ~blocked).bit_count()

    def blocked_after_move(self, p: int, s: int, s2: int) -> int:
        """The slots participant p could not take if its meeting in slot s moved to slot s2."""
        m = self.m
        if m.grid:
            return self.blocked[p] & ~(1 << s) | 1 << s2
        mask = m.conflict_mask[s2]
        for other in self.at[p]:
            if other != s:
                mask |= m.conflict_mask[other]
        return mask

    def idle_total(self) -> int:
        return sum(self.idle(p, d) for p in range(len(self.m.participants)) for d in range(len(self.m.days)))


def greedy(state: State, order: list[int]) -> None:
    """Each request in turn into its earliest free slot: what a simple scheduler does."""
    for r in order:
        mask = state.candidates(r)
        if mask:
            state.place(r, (mask & -mask).bit_length() - 1)


class Search:
    """Places the requests the LP favours on the day it favours, then inserts the rest by chains of moves."""

    def __init__(self, state: State, preferred_day: list[int], budget: int, depth: int) -> None:
        self.state = state
        self.m = state.m
        self.preferred = [self.m.day_mask[d] if d >= 0 else 0 for d in preferred_day]
        self.budget = budget
        self.depth = depth

    def _pick(self, r: int, mask: int) -> int:
        """A slot of ``mask``: on the preferred day if possible, then next to the pair's meetings, then earliest."""
        m, state = self.m, self.state
        day = mask & self.preferred[r]
        if day:
            mask = day
        near = state.blocked[m.a[r]] | state.blocked[m.b[r]]
        adjacent = mask & ((near << 1) | (near >> 1))
        if adjacent:
            mask = adjacent
        return (mask & -mask).bit_length() - 1

    def construct(self, order: list[int]) -> None:
        state = self.state
        for r in order:
            mask = state.candidates(r)
            if mask:
                state.place(r, self._pick(r, mask))

    def _spent(self) -> bool:
        return self.state.work >= self.budget

    def insert(self, r: int, depth: int, moving: set[int]) -> bool:
        """Place request r, moving at most ``depth`` other meetings one after another (an augmenting chain)."""
        state, m = self.state, self.m
        mask = state.candidates(r)
        if mask:
            state.place(r, self._pick(r, mask))
            return True
        if depth == 0:
            return False
        order = list(bits(m.common[r] & self.preferred[r])) + list(bits(m.common[r] & ~self.preferred[r]))
        for s in order:
            if self._spent():
                return False
            state.work += 1
            blocking = state.blockers(r, s)
            if len(blocking) > 1 or any(state.fixed[x] or x in moving for x in blocking):
                continue
            if blocking:
                displaced = [blocking.pop()]
            elif m.needs_table[r]:
                # Only the tables are full: try the table meetings whose holders have another free slot first.
                tabled = [x for x in state.table_meetings(s) if not state.fixed[x] and x not in moving]
                tabled.sort(key=lambda x: (state.candidates(x) & ~m.conflict_mask[s]) == 0)
                displaced = tabled
            else:
                continue
            for x in displaced:
                state.work += 1
                mark = len(state.journal)
                state.remove(x)
                if not state.candidates(r) >> s & 1:
                    state.rollback(mark)
                    continue
                state.place(r, s)
                moving.add(x)
                if self.insert(x, depth - 1, moving):
                    moving.discard(x)
                    return True
                moving.discard(x)
                state.rollback(mark)
                if self._spent():
                    return False
        return False

    def kempe(self, r: int) -> bool:
        """Place request r by swapping two slots along an alternating chain of meetings (grid slots only).

        With a free in slot x and b free in slot y, the meetings reached from b by alternately its
        x-meeting, that partner's y-meeting, and so on, swap x and y: b is then free in x (in a
        graph of two sides the chain never reaches a). Every moved meeting must be available in
        its new slot, and both slots must keep enough tables.
        """
        state, m = self.state, self.m
        if not m.grid:
            return False
        a, b = m.a[r], m.b[r]
        for first, second in ((a, b), (b, a)):
            free_first = m.common[r] & ~state.blocked[first]
            free_second = m.common[r] & ~state.blocked[second]
            for day in (self.preferred[r], ~self.preferred[r]):
                for x in bits(free_first & day & state.blocked[second]):
                    for y in bits(free_second & m.day_mask[m.slot_day[x]] & state.blocked[first]):
                        state.work += 1
                        if self._spent():
                            return False
                        if self._swap_and_place(r, first, second, x, y):
                            return True
        return False

    def _swap_and_place(self, r: int, first: int, second: int, x: int, y: int) -> bool:
        state, m = self.state, self.m
        chain, who, slot, other = [], second, x, y
        while True:
            meeting = state.at[who].get(slot)
            if meeting is None:
                break
            if state.fixed[meeting] or len(chain) > 64:
                return False
            chain.append(meeting)
            who = m.b[meeting] if m.a[meeting] == who else m.a[meeting]
            if who == first:
                return False
            slot, other = other, slot
        tables = {x: len(state.tabled[x]), y: len(state.tabled[y])}
        for meeting in chain:
            new = y if state.slot[meeting] == x else x
            if not m.common[meeting] >> new & 1:
                return False
            if m.needs_table[meeting]:
                tables[new] += 1
                tables[state.slot[meeting]] -= 1
        if m.needs_table[r]:
            tables[x] += 1
        n_tables = len(m.tables)
        if tables[x] > n_tables or tables[y] > n_tables:
            return False
        new_slots = [y if state.slot[meeting] == x else x for meeting in chain]
        for meeting in chain:
            state.remove(meeting)
        for meeting, new in zip(chain, new_slots, strict=True):
            state.place(meeting, new)
        state.place(r, x)
        return True

    def eject(self, r: int) -> bool:
        """Place request r in place of lighter meetings, re-placing them if possible, when the total weight grows.

        The slots are tried from the one whose meetings in the way weigh least, ``EJECT_TRIES`` of them.
        """
        state, m = self.state, self.m
        options = []
        for s in bits(m.common[r]):
            state.work += 1
            out = state.blockers(r, s)
            if any(state.fixed[x] for x in out):
                continue
            if m.needs_table[r] and state.full >> s & 1 and not any(m.needs_table[x] for x in out):
                tabled = [x for x in state.table_meetings(s) if not state.fixed[x]]
                if not tabled:
                    continue
                out.add(min(tabled, key=lambda x: (m.weight[x], x)))
            options.append((sum(m.weight[x] for x in out), s, sorted(out, key=lambda x: (-m.weight[x], x))))
        options.sort(key=lambda option: option[:2])
        for _, s, out in options[:EJECT_TRIES]:
            if self._spent():
                return False
            mark = len(state.journal)
            for x in out:
                state.remove(x)
            if not state.candidates(r) >> s & 1:
                state.rollback(mark)
                continue
            state.place(r, s)
            lost = 0
            for x in out:
                if not (self.insert(x, 0, {r, x}) or self.kempe(x) or self.insert(x, self.depth, {r, x})):
                    lost += m.weight[x]
            if m.weight[r] > lost:
                return True
            state.rollback(mark)
        return False

    def improve(self, order: list[int]) -> None:
        """Insert the unplaced requests, heaviest first, until a pass gains nothing or the budget is spent."""
        state, m = self.state, self.m
        # A request that failed is tried again only once the meetings of one of its two participants
        # changed: ``changed`` holds when each participant's last changed, ``tried`` when each request failed.
        clock = 0
        changed = [0] * len(m.participants)
        tried: dict[int, int] = {}
        progress = True
        while progress and not self._spent():
            progress = False
            for r in order:
                if state.slot[r] >= 0 or (r in tried and max(changed[m.a[r]], changed[m.b[r]]) <= tried[r]):
                    continue
                if self._spent():
                    break
                mark = len(state.journal)
                if self.insert(r, 0, {r}) or self.kempe(r) or self.insert(r, self.depth, {r}) or self.eject(r):
                    progress = True
                    clock += 1
                    for _, x, _, _ in state.journal[mark:]:
                        changed[m.a[x]] = changed[m.b[x]] = clock
                    del state.journal[mark:]  # kept: nothing will undo it
                else:
                    tried[r] = clock

    def tighten(self, order: list[int]) -> None:
        """Move meetings to other free slots where that leaves their two participants fewer idle slots."""
        state, m = self.state, self.m
        progress = True
        while progress and not self._spent():
            progress = False
            for r in order:
                s = state.slot[r]
                if s < 0 or state.fixed[r] or self._spent():
                    continue
                a, b = m.a[r], m.b[r]
                mask = state.candidates(r)
                if not mask:
                    continue
                d0 = m.slot_day[s]
                best, best_gain = -1, 0
                for s2 in bits(mask):
                    state.work += 1
                    days = (d0,) if m.slot_day[s2] == d0 else (d0, m.slot_day[s2])
                    gain = 0
                    for p in (a, b):
                        after = state.blocked_after_move(p, s, s2)
                        gain += sum(state.idle(p, d) - state.idle(p, d, after) for d in days)
                    if gain > best_gain:
                        best, best_gain = s2, gain
                if best >= 0:
                    state.remove(r)
                    state.place(r, best)
                    progress = True
