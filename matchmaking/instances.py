"""Seeded synthetic meeting-scheduling instances shaped like the Lahore expo, for the tests and bench/.

Pure Python, no Django. ``expo_instance(requests=4000)`` is the expo itself: three days of 16
half-hour slots (10:00–18:00, Asia/Karachi), 60 tables, 174 exhibitors present every day (one in
ten away for an hour or two), 800 buyers present one day (45 %), two (35 %) or all three (20 %),
some of their days only a morning or an afternoon. Buyers ask for 1–15 meetings; exhibitors are
asked in proportion to their popularity (a few are wanted by far more buyers than they have slots),
must-meets (weight 3) cluster on the popular ones, the rest would-like (2) or if-time (1); one in
ten meetings is held at the stall; one in five requests comes from the exhibitor's side. Other
sizes scale the participants and tables with the requests, so a 16,000-request instance is an expo
four times as large. ``locked`` meetings are fixed first, each in a slot both sides are free.
"""

import random
from datetime import date, datetime, timedelta, timezone

from matchmaking.scheduler import Instance, Locked, Participant, Request, Slot

KARACHI = timezone(timedelta(hours=5))
FIRST_DAY = date(2026, 1, 24)


def _slots(days: int, per_day: int) -> list[Slot]:
    slots = []
    for d in range(days):
        day = FIRST_DAY + timedelta(days=d)
        for k in range(per_day):
            start = datetime(day.year, day.month, day.day, 10, tzinfo=KARACHI) + timedelta(minutes=30 * k)
            slots.append(Slot(f"D{d + 1}-{k + 1:02d}", start, start + timedelta(minutes=30)))
    return slots


def expo_instance(
    requests: int = 4000, *, seed: int = 0, days: int = 3, slots_per_day: int = 16, locked: int = 0
) -> Instance:
    rng = random.Random(seed)
    scale = requests / 4000
    n_exhibitors = max(2, round(174 * scale))
    n_buyers = max(2, round(800 * scale))
    n_tables = max(1, round(60 * scale))
    slots = _slots(days, slots_per_day)
    by_day = [slots[d * slots_per_day : (d + 1) * slots_per_day] for d in range(days)]
    half = slots_per_day // 2

    participants = []
    exhibitors = [f"E{i + 1:04d}" for i in range(n_exhibitors)]
    for exhibitor in exhibitors:
        available = [s.id for s in slots]
        if rng.random() < 0.1:  # away from the stall for an hour or two (a panel, a ceremony)
            start = rng.randrange(len(slots) - 4)
            gone = {s.id for s in slots[start : start + rng.choice((2, 4))]}
            available = [s for s in available if s not in gone]
        participants.append(Participant(exhibitor, tuple(available)))
    buyers = [f"B{i + 1:04d}" for i in range(n_buyers)]
    for buyer in buyers:
        n_days = min(days, rng.choices((1, 2, 3), weights=(45, 35, 20))[0])
        available = []
        for d in sorted(rng.sample(range(days), n_days)):
            day = by_day[d]
            roll = rng.random()
            if roll < 0.1:
                day = day[:half]
            elif roll < 0.2:
                day = day[half:]
            available.extend(s.id for s in day)
        participants.append(Participant(buyer, tuple(available)))

    popularity = [1.0 / (rank + 3) ** 0.9 for rank in range(n_exhibitors)]
    rng.shuffle(popularity)
    popular = sorted(range(n_exhibitors), key=lambda e: -popularity[e])[: max(1, n_exhibitors // 10)]
    popular_set = set(popular)
    activity = [rng.choice((1, 1, 2, 2, 3, 4, 6, 8, 10, 15)) for _ in buyers]
    pairs: set[tuple[int, int]] = set()
    made = []
    while len(made) < requests:
        buyer = rng.choices(range(n_buyers), weights=activity)[0]
        exhibitor = rng.choices(range(n_exhibitors), weights=popularity)[0]
        if (buyer, exhibitor) in pairs:
            if len(pairs) > 0.5 * n_buyers * n_exhibitors:
                raise ValueError("too many requests for so few participants")
            continue
        pairs.add((buyer, exhibitor))
        must = 0.35 if exhibitor in popular_set else 0.12
        weight = rng.choices((3, 2, 1), weights=(must, 0.45, 0.55 - must))[0]
        a, b = buyers[buyer], exhibitors[exhibitor]
        if rng.random() < 0.2:
            a, b = b, a
        made.append(Request(f"R{len(made) + 1:05d}", a, b, weight, at_stall=rng.random() < 0.1))

    fixed = _fixed(rng, made, participants, slots, n_tables, locked)
    tables = tuple(f"T{t + 1:02d}" for t in range(n_tables))
    return Instance(tuple(slots), tables, tuple(participants), tuple(made), tuple(fixed))


def _fixed(rng, made, participants, slots, n_tables, count) -> list[Locked]:
    """``count`` requests fixed by hand, each in a random slot both sides are available and free."""
    available = {p.id: set(p.available) for p in participants}
    busy: dict[str, set] = {}
    tables_used: dict[str, int] = {}
    fixed = []
    for request in rng.sample(made, min(count, len(made))):
        options = [
            s.id
            for s in slots
            if s.id in available[request.a]
            and s.id in available[request.b]
            and s.id not in busy.get(request.a, ())
            and s.id not in busy.get(request.b, ())
            and (request.at_stall or tables_used.get(s.id, 0) < n_tables)
        ]
        if not options:
            continue
        slot = rng.choice(options)
        table = None
        if not request.at_stall:
            table = f"T{tables_used.get(slot, 0) + 1:02d}"
            tables_used[slot] = tables_used.get(slot, 0) + 1
        busy.setdefault(request.a, set()).add(slot)
        busy.setdefault(request.b, set()).add(slot)
        fixed.append(Locked(request.id, slot, table))
    return fixed
