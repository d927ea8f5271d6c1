"""Moving an exhibitor by hand: the allocator's hard rules apply, a stall is never given twice, even in a race."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import close_old_connections
from django.urls import reverse

from pavilions import allocator, services
from pavilions.models import Pavilion, Stall, StallAllocation
from pavilions.selectors import allocator_inputs
from tests.factories import (
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    NominationFactory,
    PavilionFactory,
    StallFactory,
)

MOVE = "admin:pavilions_stallallocation_move"


def exhibitor_of(cluster, *, name, stall_size="9", women=False, wants_women=False, expo):
    nomination = NominationFactory(expo=expo, cluster=cluster, legal_name=name, women_led=women, status="approved")
    return ExhibitorFactory(nomination=nomination, stall_size=stall_size, wants_women_pavilion=wants_women)


@pytest.fixture
def stalls(pavilion):
    """H1-B-001 … 004 in a row, 3 × 3 m each, then H1-B-005 across an aisle."""
    row = [StallFactory(pavilion=pavilion, code=f"H1-B-{n:03d}", x=3 + 3 * (n - 1), y=3) for n in range(1, 5)]
    return {stall.code: stall for stall in [*row, StallFactory(pavilion=pavilion, code="H1-B-005", x=3, y=9)]}


@pytest.fixture
def surgeon(expo, surgical):
    return exhibitor_of(surgical, name="Sialkot Surgical Works", expo=expo)


def move(client, exhibitor, codes: str):
    return client.post(reverse(MOVE), {"exhibitor": exhibitor.pk, "stalls": codes})


def form_error(response) -> list[str]:
    return response.context["form"].errors.get("stalls", [])


@pytest.mark.django_db
def test_a_floor_manager_moves_an_exhibitor_the_move_is_locked_and_its_members_told(
    client, floor_manager, surgeon, stalls, django_capture_on_commit_callbacks
):
    StallAllocation.objects.create(stall=stalls["H1-B-001"], exhibitor=surgeon)
    ExhibitorMembershipFactory(exhibitor=surgeon, user__email="owner@sialkotsurgical.example.pk")
    client.force_login(floor_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = move(client, surgeon, "h1-b-003")

    assert response.status_code == 302
    allocation = StallAllocation.objects.get(exhibitor=surgeon)
    assert (allocation.stall.code, allocation.locked, allocation.allocated_by) == ("H1-B-003", True, floor_manager)
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["owner@sialkotsurgical.example.pk"], f"Your stall at {surgeon.expo.name}: H1-B-003")
    ]
    assert "http://testserver/floor-plan/H1/?q=H1-B-003" in mail.outbox[0].body


@pytest.mark.django_db
def test_adjacent_stalls_merge_for_a_larger_request(client, floor_manager, expo, surgical, stalls):
    big = exhibitor_of(surgical, name="Big Surgical", stall_size="18", expo=expo)
    client.force_login(floor_manager)

    too_small = move(client, big, "H1-B-001")
    apart = move(client, big, "H1-B-001, H1-B-003")
    merged = move(client, big, "H1-B-001, H1-B-002")

    assert form_error(too_small)
    assert "18" in form_error(too_small)[0]
    assert form_error(apart)
    assert "adjacent" in form_error(apart)[0]
    assert merged.status_code == 302
    assert sorted(StallAllocation.objects.filter(exhibitor=big).values_list("stall__code", flat=True)) == [
        "H1-B-001",
        "H1-B-002",
    ]


@pytest.mark.django_db
def test_a_hand_move_and_the_allocator_agree_on_a_stall_drawn_a_centimetre_short(
    client, floor_manager, expo, surgeon, pavilion
):
    """2.99 × 3 m is 8.97 m²: the allocator takes it for 9 m² (drawn to the centimetre), and so does a hand move."""
    short = StallFactory(pavilion=pavilion, code="H1-B-001", x=3, y=3, width=Decimal("2.99"))
    inputs = allocator_inputs(expo=expo)
    run = allocator.allocate(
        exhibitors=inputs.exhibitors, stalls=inputs.stalls, pavilions=inputs.pavilions, time_limit=0
    )
    client.force_login(floor_manager)

    response = move(client, surgeon, "H1-B-001")

    assert [(p.exhibitor_id, p.stall_ids) for p in run.placements] == [(surgeon.pk, (short.pk,))]
    assert response.status_code == 302, form_error(response)
    assert StallAllocation.objects.get().stall == short
    locked = allocator_inputs(expo=expo)
    assert locked.exhibitors[0].locked_stall_ids == (short.pk,)
    kept = allocator.allocate(
        exhibitors=locked.exhibitors, stalls=locked.stalls, pavilions=locked.pavilions, time_limit=0
    )
    assert allocator.check_hard_rules(kept, locked.exhibitors, locked.stalls, locked.pavilions) == []


@pytest.mark.django_db
def test_a_pavilion_that_does_not_host_the_cluster_is_refused(client, floor_manager, expo, hall, stalls):
    furniture = ClusterFactory(name="Furniture, Chiniot")
    carver = exhibitor_of(furniture, name="Chiniot Carvers", expo=expo)
    client.force_login(floor_manager)

    response = move(client, carver, "H1-B-001")

    assert form_error(response)
    assert "cluster" in form_error(response)[0].lower()
    assert not StallAllocation.objects.exists()


@pytest.mark.django_db
def test_the_women_pavilion_takes_women_led_exhibitors_who_chose_it(client, floor_manager, expo, hall, surgical):
    women = PavilionFactory(hall=hall, code="W", kind=Pavilion.Kind.WOMEN, x=30, y=2)
    stall = StallFactory(pavilion=women, code="H1-W-001", x=31, y=3)
    chose = exhibitor_of(surgical, name="Amna Instruments", women=True, wants_women=True, expo=expo)
    did_not = exhibitor_of(surgical, name="Other Instruments", women=True, expo=expo)
    client.force_login(floor_manager)

    refused = move(client, did_not, stall.code)
    accepted = move(client, chose, stall.code)

    assert form_error(refused)
    assert accepted.status_code == 302
    assert StallAllocation.objects.get().exhibitor == chose


@pytest.mark.django_db
def test_a_stall_held_by_another_exhibitor_or_blocked_is_refused_by_name(
    client, floor_manager, expo, surgical, surgeon, stalls
):
    other = exhibitor_of(surgical, name="Rival Surgical", expo=expo)
    StallAllocation.objects.create(stall=stalls["H1-B-001"], exhibitor=other)
    Stall.objects.filter(code="H1-B-002").update(status=Stall.Status.BLOCKED)
    client.force_login(floor_manager)

    taken = move(client, surgeon, "H1-B-001")
    blocked = move(client, surgeon, "H1-B-002")
    unknown = move(client, surgeon, "H1-Z-999")

    assert form_error(taken) == ["Stall H1-B-001 is already allocated to Rival Surgical."]
    assert form_error(blocked) == ["Stall H1-B-002 is blocked."]
    assert form_error(unknown) == ["No stall H1-Z-999 in this expo."]
    assert list(StallAllocation.objects.values_list("exhibitor__name", flat=True)) == ["Rival Surgical"]


@pytest.mark.django_db
def test_only_floor_managers_move_exhibitors(client, reviewer, member, surgeon, stalls):
    client.force_login(reviewer)
    assert move(client, surgeon, "H1-B-001").status_code == 403
    client.force_login(member)
    assert move(client, surgeon, "H1-B-001").status_code == 302  # to the admin login
    assert not StallAllocation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_giving_one_stall_at_once_one_wins_the_other_is_told(postgres_only, expo, surgical, stalls):
    """Two threads, two database connections, one stall: the row lock and the unique stall decide."""
    first = exhibitor_of(surgical, name="First Surgical", expo=expo)
    second = exhibitor_of(surgical, name="Second Surgical", expo=expo)
    stall = stalls["H1-B-001"]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def allocate(exhibitor):
        close_old_connections()
        try:
            barrier.wait()
            services.stall_allocate(exhibitor=exhibitor, stalls=[stall], by=None)
            outcomes[exhibitor.name] = "placed"
        except services.AllocationError as error:
            outcomes[exhibitor.name] = str(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=allocate, args=(exhibitor,)) for exhibitor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winner = StallAllocation.objects.get(stall=stall).exhibitor.name
    loser = ({"First Surgical", "Second Surgical"} - {winner}).pop()
    assert outcomes[winner] == "placed"
    assert outcomes[loser] == f"Stall H1-B-001 is already allocated to {winner}."
    assert StallAllocation.objects.count() == 1
