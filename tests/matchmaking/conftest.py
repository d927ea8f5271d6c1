"""Small random scheduling instances and an exact solver to hold the scheduler against."""

import random
from datetime import datetime, timedelta, timezone

from ortools.sat.python import cp_model

from matchmaking.scheduler import Instance, Locked, Participant, Request, Slot

KARACHI = timezone(timedelta(hours=5))


def random_instance(seed: int, *, overlapping: bool | None = None) -> Instance:
    """Up to two days of up to five slots (overlapping ones when ``overlapping``), a few tables,
    participants with gaps in their availability, requests of every weight, and a few meetings
    fixed where the rules allow them."""
    rng = random.Random(seed)
    if overlapping is None:
        overlapping = rng.random() < 0.3
    slots = []
    for day in range(rng.randint(1, 2)):
        base = datetime(2026, 1, 24 + day, 10, tzinfo=KARACHI)
        for k in range(rng.randint(1, 5)):
            if overlapping:
                start = base + timedelta(minutes=30 * rng.randrange(6))
                end = start + timedelta(minutes=rng.choice((30, 60, 90)))
            else:
                start = base + timedelta(minutes=30 * k)
                end = start + timedelta(minutes=30)
            slots.append(Slot(f"s{len(slots)}", start, end))
    tables = tuple(f"T{t}" for t in range(rng.randint(0, 3)))
    participants = tuple(
        Participant(f"p{i}", tuple(s.id for s in slots if rng.random() < 0.75)) for i in range(rng.randint(2, 6))
    )
    requests = []
    for n in range(rng.randint(0, 14)):
        a, b = rng.sample(participants, 2)
        requests.append(Request(f"r{n}", a.id, b.id, rng.randint(1, 3), at_stall=rng.random() < 0.3))
    return Instance(
        tuple(slots), tables, participants, tuple(requests), tuple(_fixable(rng, slots, tables, participants, requests))
    )


def overlap(x: Slot, y: Slot) -> bool:
    return x.start < y.end and y.start < x.end


def _fixable(rng, slots, tables, participants, requests) -> list[Locked]:
    available = {p.id: set(p.available) for p in participants}
    fixed: list[tuple[Request, Slot, str | None]] = []
    for request in rng.sample(requests, min(len(requests), rng.randint(0, 3))):
        for slot in rng.sample(slots, len(slots)):
            if slot.id not in available[request.a] or slot.id not in available[request.b]:
                continue
            clashing = [(r, s, t) for r, s, t in fixed if overlap(s, slot)]
            if any({r.a, r.b} & {request.a, request.b} for r, _, _ in clashing):
                continue
            table = None
            if not request.at_stall:
                free = [t for t in tables if all(t != other for _, _, other in clashing)]
                if not free:
                    continue
                table = rng.choice(free)
            fixed.append((request, slot, table))
            break
    return [Locked(r.id, s.id, t) for r, s, t in fixed]


def exact_optimum(instance: Instance) -> int:
    """The best total weight, by CP-SAT on the model with a variable per request, slot and table."""
    model = cp_model.CpModel()
    slots = {s.id: s for s in instance.slots}
    available = {p.id: set(p.available) for p in instance.participants}
    fixed = {m.request: m for m in instance.locked}
    x = {}  # (request, slot, table or None) -> variable
    for request in instance.requests:
        for slot in instance.slots:
            if slot.id not in available[request.a] or slot.id not in available[request.b]:
                continue
            for table in (None,) if request.at_stall else instance.tables:
                var = model.NewBoolVar("")
                x[request.id, slot.id, table] = var
                if request.id in fixed:
                    lock = fixed[request.id]
                    model.Add(var == int((lock.slot, lock.table) == (slot.id, table)))
    requests = {r.id: r for r in instance.requests}
    for request in instance.requests:
        model.Add(sum(v for (r, _, _), v in x.items() if r == request.id) <= 1)
    # Intervals overlap pairwise exactly when they share the start of one of them.
    for moment in {s.start for s in instance.slots}:
        now = [(r, t, v) for (r, s, t), v in x.items() if slots[s].start <= moment < slots[s].end]
        for participant in instance.participants:
            model.Add(sum(v for r, _, v in now if participant.id in (requests[r].a, requests[r].b)) <= 1)
        for table in instance.tables:
            model.Add(sum(v for _, t, v in now if t == table) <= 1)
    model.Maximize(sum(requests[r].weight * v for (r, _, _), v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    assert solver.Solve(model) == cp_model.OPTIMAL
    return round(solver.ObjectiveValue())


# --- The Django side: an expo with slots and tables, exhibitors with members, confirmed buyers ---------------

import pytest  # noqa: E402 - the fixtures below are for the Django tests, kept apart from the pure ones above

from matchmaking import services  # noqa: E402
from matchmaking.models import Slot as SlotRow  # noqa: E402 - the pure scheduler's Slot is imported above
from matchmaking.models import Table  # noqa: E402
from pavilions.models import StallAllocation  # noqa: E402
from tests.factories import (  # noqa: E402
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    MeetingRequestFactory,
    SlotFactory,
    StallFactory,
    TableFactory,
    VisitorParticipantFactory,
    confirmed_buyer,
)


@pytest.fixture
def expo(db):
    expo = ExpoFactory(name="SME Cluster Showcase 2042", year=2042)
    SlotFactory.create_batch(4, expo=expo)
    TableFactory.create_batch(2, expo=expo)
    return expo


@pytest.fixture
def exhibitor(expo):
    return ExhibitorFactory(
        nomination__expo=expo,
        name="Hilal Surgical",
        slug="hilal-surgical",
        public_email="sales@hilal.example.pk",
        public_phone="+92 52 1234567",
    )


@pytest.fixture
def member(exhibitor):
    return ExhibitorMembershipFactory(exhibitor=exhibitor, user__email="owner@hilal.example.pk").user


@pytest.fixture
def exhibitor_participant(exhibitor):
    return ExhibitorParticipantFactory(exhibitor=exhibitor)


@pytest.fixture
def other_exhibitor(expo):
    return ExhibitorFactory(nomination__expo=expo, name="Zahra Sports", slug="zahra-sports")


@pytest.fixture
def outsider(other_exhibitor):
    """A member of another exhibitor at the same expo."""
    return ExhibitorMembershipFactory(exhibitor=other_exhibitor).user


@pytest.fixture
def buyer_registration(expo):
    return confirmed_buyer(
        expo, full_name="Wanjiru Kamau", email="wanjiru@nairobi-med.example.ke", organisation="Nairobi Med Supplies"
    )


@pytest.fixture
def buyer(buyer_registration):
    return VisitorParticipantFactory(
        expo=buyer_registration.expo, registration=buyer_registration, organisation="Nairobi Med Supplies"
    )


@pytest.fixture
def other_buyer(expo):
    registration = confirmed_buyer(
        expo, full_name="Aziz Aliyev", email="aziz@baku.example.az", organisation="Baku Trade"
    )
    return VisitorParticipantFactory(expo=expo, registration=registration, organisation="Baku Trade")


@pytest.fixture
def slots(expo):
    return list(SlotRow.objects.filter(expo=expo).order_by("start"))


@pytest.fixture
def booked(expo, buyer, exhibitor_participant, slots):
    """The buyer meets Hilal Surgical at table 1 in the first slot, and Sialkot Steel at its stall in the third."""
    at_table = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant, status="accepted")
    stall_exhibitor = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo, organisation="Sialkot Steel")
    StallAllocation.objects.create(
        stall=StallFactory(code="H1-B-007", pavilion__hall__expo=expo), exhibitor=stall_exhibitor.exhibitor
    )
    at_stall = MeetingRequestFactory(sender=buyer, receiver=stall_exhibitor, status="accepted", at_stall=True)
    table = Table.objects.filter(expo=expo).order_by("number").first()
    return [
        services.meeting_book(meeting_request=at_table, slot=slots[0], table=table, by=None),
        services.meeting_book(meeting_request=at_stall, slot=slots[2], table=None, by=None),
    ]
