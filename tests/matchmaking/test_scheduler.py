"""The meeting scheduler alone: plain data in, plain data out, no database."""

import dataclasses
import json
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaking.instances import expo_instance
from matchmaking.scheduler import (
    Instance,
    Locked,
    Meeting,
    Participant,
    Request,
    ScheduleInputError,
    Slot,
    check_hard_rules,
    schedule,
)
from matchmaking.scheduler.jsonio import instance_from_json, instance_to_json
from tests.matchmaking.conftest import KARACHI, exact_optimum, overlap, random_instance


def day_slots(day: int, count: int, prefix: str = "") -> list[Slot]:
    base = datetime(2026, 1, 23 + day, 10, tzinfo=KARACHI)
    return [
        Slot(f"{prefix}d{day}-{k}", base + timedelta(minutes=30 * k), base + timedelta(minutes=30 * (k + 1)))
        for k in range(count)
    ]


def ids(slots) -> tuple:
    return tuple(s.id for s in slots)


def can_still_meet(instance: Instance, meetings, request: Request) -> list[str]:
    """The slots where ``request`` could be added to ``meetings`` breaking no rule."""
    slots = {s.id: s for s in instance.slots}
    requests = {r.id: r for r in instance.requests}
    available = {p.id: set(p.available) for p in instance.participants}
    free = []
    for slot in instance.slots:
        if slot.id not in available[request.a] or slot.id not in available[request.b]:
            continue
        now = [m for m in meetings if overlap(slots[m.slot], slot)]
        if any({requests[m.request].a, requests[m.request].b} & {request.a, request.b} for m in now):
            continue
        if not request.at_stall and len({m.table for m in now if m.table is not None}) >= len(instance.tables):
            continue
        free.append(slot.id)
    return free


# ---------------------------------------------------------------------------------------------
# Hard rules, fixed meetings, value, bound and determinism on random instances.


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 10**9), overlapping=st.booleans())
def test_schedule_breaks_no_hard_rule_on_random_instances(seed, overlapping):
    instance = random_instance(seed, overlapping=overlapping)
    result = schedule(instance)

    assert check_hard_rules(instance, result.meetings) == []
    weights = {r.id: r.weight for r in instance.requests}
    assert result.value == sum(weights[m.request] for m in result.meetings)
    assert result.value <= result.bound
    assert result.greedy_value <= result.bound
    placed = [m.request for m in result.meetings]
    left = [u.request for u in result.unscheduled]
    assert sorted(placed + left) == sorted(weights)  # every request once, met or explained
    meetings = {m.request: m for m in result.meetings}
    for fixed in instance.locked:
        assert meetings[fixed.request] == Meeting(fixed.request, fixed.slot, fixed.table)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_schedule_is_deterministic(seed):
    instance = random_instance(seed)
    copy = instance_from_json(json.dumps(instance_to_json(instance)))

    assert schedule(instance) == schedule(instance) == schedule(copy)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_unscheduled_reasons_are_true(seed):
    instance = random_instance(seed)
    result = schedule(instance)
    requests = {r.id: r for r in instance.requests}
    available = {p.id: set(p.available) for p in instance.participants}
    slots = {s.id: s for s in instance.slots}

    for left in result.unscheduled:
        request = requests[left.request]
        # Whatever the reason says, the request truly does not fit beside the meetings made.
        assert can_still_meet(instance, result.meetings, request) == []
        common = available[request.a] & available[request.b]
        params = left.reason.params
        if left.reason.code == "no_common_time":
            assert common == set()
        elif left.reason.code == "participant_full":
            busy = {
                m.slot
                for m in result.meetings
                if params["who"] in (requests[m.request].a, requests[m.request].b)
                and any(overlap(slots[m.slot], slots[c]) for c in common)
            }
            assert params["meetings"] == len(busy) > 0
            assert all(any(overlap(slots[c], slots[b]) for b in busy) for c in common)
        elif left.reason.code == "no_table":
            assert not request.at_stall
        else:
            assert left.reason.code == "never_free_together"
            assert params["slots"] == len(common)
        assert left.reason.describe()  # every code has its sentence and every placeholder its value


def test_value_against_exact_optimum_on_small_instances():
    found = optimum = 0
    for seed in range(80):
        instance = random_instance(seed)
        result = schedule(instance)
        best = exact_optimum(instance)

        assert result.value <= best <= result.bound, seed
        assert result.value >= best - 1, seed
        found += result.value
        optimum += best
    assert found >= 0.99 * optimum


def test_bound_is_reached_when_a_day_fits_exactly():
    # Four exhibitors, four buyers, four slots: everyone meets everyone, a Latin square. The LP bound is
    # exact here, and the scheduler must find the colouring.
    slots = day_slots(1, 4)
    people = [Participant(f"E{i}", ids(slots)) for i in range(4)] + [Participant(f"B{i}", ids(slots)) for i in range(4)]
    requests = tuple(Request(f"r{i}{j}", f"E{i}", f"B{j}", 2, at_stall=True) for i in range(4) for j in range(4))
    result = schedule(Instance(tuple(slots), (), tuple(people), requests))

    assert result.value == result.bound == 32
    assert result.unscheduled == ()


# ---------------------------------------------------------------------------------------------
# Reasons, on instances built by hand.


def test_buyer_here_one_day_with_every_slot_taken_is_told_so():
    day1, day2 = day_slots(1, 4), day_slots(2, 4)
    slots = tuple(day1 + day2)
    people = (
        Participant("B1", ids(day1)),
        *(Participant(f"E{i}", ids(slots)) for i in range(1, 6)),
    )
    requests = (
        *(Request(f"must{i}", "B1", f"E{i}", 3, at_stall=True) for i in range(1, 5)),
        Request("iftime", "E5", "B1", 1, at_stall=True),
    )
    result = schedule(Instance(slots, (), people, requests))

    assert result.value == 12
    [left] = result.unscheduled
    assert left.request == "iftime"
    assert left.reason.code == "participant_full"
    assert left.reason.describe() == "B1 already has 4 meetings in the 4 slots when E5 is also here (2026-01-24)."


def test_pair_never_here_together_and_tables_all_taken_are_told_apart():
    slots = tuple(day_slots(1, 2))
    people = (
        Participant("A", (slots[0].id,)),
        Participant("B", (slots[1].id,)),
        Participant("C", ids(slots)),
        Participant("D", ids(slots)),
        Participant("E", (slots[0].id,)),
        Participant("F", (slots[1].id,)),
    )
    requests = (
        Request("apart", "A", "B", 3),
        Request("a-e", "A", "E", 3),
        Request("b-f", "F", "B", 3),
        Request("c-d", "C", "D", 1),
    )
    result = schedule(Instance(slots, ("T1",), people, requests))

    reasons = {u.request: u.reason for u in result.unscheduled}
    assert result.value == 6
    assert reasons["apart"].describe() == "A and B are never here at the same time."
    assert reasons["c-d"].code == "no_table"
    assert reasons["c-d"].describe() == "In each of the 2 slots when both are free, every table is taken."


def test_fixed_meetings_are_kept_and_counted_even_when_worth_less():
    slots = tuple(day_slots(1, 1))
    people = (Participant("A", ids(slots)), Participant("B", ids(slots)), Participant("C", ids(slots)))
    requests = (Request("light", "A", "B", 1), Request("heavy", "A", "C", 3))
    instance = Instance(slots, ("T1", "T2"), people, requests, (Locked("light", slots[0].id, "T2"),))
    result = schedule(instance)

    assert result.meetings == (Meeting("light", slots[0].id, "T2"),)
    assert result.value == 1
    assert result.bound == 1
    assert result.unscheduled[0].reason.code == "participant_full"


def test_check_hard_rules_names_each_broken_rule():
    slots = tuple(day_slots(1, 2))
    people = (Participant("A", ids(slots)), Participant("B", (slots[0].id,)), Participant("C", ids(slots)))
    requests = (Request("ab", "A", "B", 1), Request("ac", "A", "C", 1), Request("bc", "B", "C", 1, at_stall=True))
    instance = Instance(slots, ("T1",), people, requests, (Locked("ab", slots[0].id, "T1"),))
    first, second = slots[0].id, slots[1].id

    assert check_hard_rules(instance, [Meeting("ab", first, "T1")]) == []
    problems = check_hard_rules(
        instance,
        [Meeting("ab", second, "T1"), Meeting("ac", second, "T1"), Meeting("bc", first, "T1")],
    )
    assert problems == [
        f"Meeting(request='ab', slot='{second}', table='T1'): B is not available then",
        f"Meeting(request='bc', slot='{first}', table='T1'): a meeting at the stall has a table",
        "A has meetings ['ab', 'ac'] at the same time",
        "table T1 has meetings ['ab', 'ac'] at the same time",
        "fixed meeting ab was not kept as it was",
    ]


# ---------------------------------------------------------------------------------------------
# Bad input: a clear error naming the record.


def _small() -> Instance:
    slots = tuple(day_slots(1, 2))
    people = (Participant("A", ids(slots)), Participant("B", ids(slots)), Participant("C", (slots[0].id,)))
    requests = (Request("ab", "A", "B", 2), Request("ac", "A", "C", 3), Request("bc", "B", "C", 1, at_stall=True))
    return Instance(slots, ("T1",), people, requests)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda i: dataclasses.replace(i, tables=("T1", "T1")),
            "tables[1] (id T1): the id T1 is used twice.",
        ),
        (
            lambda i: dataclasses.replace(i, requests=(*i.requests, Request("ab", "A", "C", 1))),
            "requests[3] (id ab): the id ab is used twice.",
        ),
        (
            lambda i: dataclasses.replace(i, requests=(*i.requests, Request("ax", "A", "X", 1))),
            "requests[3] (id ax): unknown participant X.",
        ),
        (
            lambda i: dataclasses.replace(i, participants=(*i.participants, Participant("D", ("nope",)))),
            "participants[3] (id D): unknown slot nope.",
        ),
        (
            lambda i: dataclasses.replace(i, requests=(*i.requests, Request("aa", "A", "A", 1))),
            "requests[3] (id aa): a participant cannot meet themselves.",
        ),
        (
            lambda i: dataclasses.replace(i, requests=(*i.requests, Request("w", "A", "C", 0))),
            "requests[3] (id w): the weight must be a positive whole number, not 0.",
        ),
        (
            lambda i: dataclasses.replace(i, locked=(Locked("zz", i.slots[0].id, "T1"),)),
            "locked[0] (request zz): unknown request zz.",
        ),
        (
            lambda i: dataclasses.replace(i, locked=(Locked("ab", i.slots[0].id, "T9"),)),
            "locked[0] (request ab): unknown table T9.",
        ),
        (
            lambda i: dataclasses.replace(i, locked=(Locked("ac", i.slots[1].id, "T1"),)),
            "locked[0] (request ac): C is not available in slot d1-1.",
        ),
        (
            lambda i: dataclasses.replace(
                i, locked=(Locked("ab", i.slots[0].id, "T1"), Locked("ac", i.slots[0].id, None))
            ),
            "locked[1] (request ac): a meeting at a table needs its table.",
        ),
        (
            lambda i: dataclasses.replace(
                i, locked=(Locked("ac", i.slots[0].id, "T1"), Locked("bc", i.slots[0].id, None))
            ),
            "locked[1] (request bc): C already has meeting ac at that time.",
        ),
        (
            lambda i: dataclasses.replace(
                i,
                participants=(*i.participants, Participant("D", ids(i.slots))),
                requests=(*i.requests, Request("bd", "B", "D", 1)),
                locked=(Locked("ac", i.slots[0].id, "T1"), Locked("bd", i.slots[0].id, "T1")),
            ),
            "locked[1] (request bd): table T1 is already taken by meeting ac then.",
        ),
        (
            lambda i: dataclasses.replace(i, locked=(Locked("bc", i.slots[0].id, "T1"),)),
            "locked[0] (request bc): a meeting at the stall takes no table.",
        ),
        (
            lambda i: dataclasses.replace(i, locked=(Locked("ab", "d1-0", "T1"), Locked("ab", "d1-1", "T1"))),
            "locked[1] (request ab): request ab is fixed twice.",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_record(change, message):
    with pytest.raises(ScheduleInputError) as caught:
        schedule(change(_small()))

    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "The file is not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ('{"tables": []}', "the file: the field slots is missing."),
        (
            '{"slots": [{"id": "s1", "start": "yesterday", "end": "2026-01-24T10:30:00+05:00"}]}',
            'slots[0] (id s1): start must be an ISO date and time, not "yesterday".',
        ),
        (
            '{"slots": [{"id": "s1", "start": "2026-01-24T10:00:00", "end": "2026-01-24T10:30:00"}], "tables": [],'
            ' "participants": [], "requests": []}',
            "slots[0] (id s1): the start and end need a time zone offset.",
        ),
        (
            '{"slots": [], "tables": [], "participants": [{"id": "A", "available": []}],'
            ' "requests": [{"id": "r", "a": "A", "b": "A", "weight": 1, "at_stall": "yes"}]}',
            "requests[0] (id r): at_stall must be true or false.",
        ),
    ],
)
def test_bad_file_is_refused_naming_the_record(text, message):
    with pytest.raises(ScheduleInputError) as caught:
        schedule(instance_from_json(text))

    assert str(caught.value) == message


# ---------------------------------------------------------------------------------------------
# The expo-shaped instances the bench uses.


def test_expo_instance_is_shaped_like_the_expo_and_seeded():
    instance = expo_instance(4000, seed=3, locked=40)

    assert (len(instance.slots), len(instance.tables), len(instance.requests)) == (48, 60, 4000)
    exhibitors = [p for p in instance.participants if p.id.startswith("E")]
    buyers = [p for p in instance.participants if p.id.startswith("B")]
    assert (len(exhibitors), len(buyers)) == (174, 800)
    assert {len(b.available) for b in buyers} <= {8, 16, 24, 32, 40, 48}
    assert 0.07 < sum(r.at_stall for r in instance.requests) / 4000 < 0.13
    assert {r.weight for r in instance.requests} == {1, 2, 3}
    assert len(instance.locked) == 40
    assert expo_instance(4000, seed=3, locked=40) == instance
    assert expo_instance(4000, seed=4, locked=40) != instance


def test_expo_instance_scheduled_beats_the_greedy_within_its_bound():
    instance = expo_instance(400, seed=1, locked=5)
    result = schedule(instance)

    assert check_hard_rules(instance, result.meetings) == []
    assert result.greedy_value <= result.value <= result.bound
    assert result.value >= 0.99 * result.bound
