"""Runs that may move published meetings (preview says who, publish emails exactly them) and meetings swapped by
hand under the hard rules."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from expo import roles
from matchmaking import services
from matchmaking.forms import slot_label
from matchmaking.models import AvailabilityBlock, Meeting, MeetingSeat, SchedulerRun, Slot, Table
from tests.conftest import staff_member
from tests.factories import ExhibitorMembershipFactory, ExhibitorParticipantFactory, MeetingRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    return staff_member(roles.MATCHMAKING_DESK, full_name="Hina Desk")


@pytest.fixture
def grid(expo):
    return list(Slot.objects.filter(expo=expo).order_by("start")), list(
        Table.objects.filter(expo=expo).order_by("number")
    )


def exhibitor_with_member(expo, name: str, email: str):
    participant = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo, organisation=name)
    ExhibitorMembershipFactory(exhibitor=participant.exhibitor, user__email=email)
    return participant


def accepted(sender, receiver, **fields):
    return MeetingRequestFactory(sender=sender, receiver=receiver, status="accepted", priority="must", **fields)


def start_run(client, django_capture_on_commit_callbacks, **data) -> SchedulerRun:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mm_staff_run_start"), data)
    run = SchedulerRun.objects.latest("pk")
    run.refresh_from_db()
    return run


@pytest.fixture
def crowded(expo, buyer, desk, grid):
    """The buyer's published meeting with Hilal sits in the only slot Zahra can meet in."""
    slots, tables = grid
    hilal = exhibitor_with_member(expo, "Hilal Surgical", "sales@hilal.example.pk")
    zahra = exhibitor_with_member(expo, "Zahra Sports", "sales@zahra.example.pk")
    published = services.meeting_book(meeting_request=accepted(buyer, hilal), slot=slots[0], table=tables[0], by=desk)
    late = accepted(buyer, zahra)
    AvailabilityBlock.objects.bulk_create(AvailabilityBlock(participant=zahra, slot=slot) for slot in slots[1:])
    return published, late


# --- Runs that may move published meetings ---------------------------------------------------------------------------


def test_a_run_allowed_to_move_previews_who_moves_and_publish_emails_exactly_them(
    client, desk, expo, crowded, grid, django_capture_on_commit_callbacks
):
    published, late = crowded
    slots, tables = grid
    client.force_login(desk)

    run = start_run(client, django_capture_on_commit_callbacks, move_published="on")

    assert run.status == "preview", run.error
    assert run.parameters["move_published"] is True
    assert run.value == 6
    [moved] = run.result["moved"]
    assert (moved["request"], moved["from_slot"], moved["from_table"]) == (
        published.request_id,
        slots[0].pk,
        tables[0].pk,
    )
    assert moved["slot"] != slots[0].pk
    to_table = Table.objects.get(pk=moved["table"])
    page = client.get(reverse("mm_staff_run", args=[run.pk])).content.decode()
    before = f"{slot_label(slots[0])}, Table {tables[0].number}"
    after = f"{slot_label(Slot.objects.get(pk=moved['slot']))}, Table {to_table.number}"
    assert f"Nairobi Med Supplies · Hilal Surgical: {before} → {after}" in page
    assert Meeting.objects.get(pk=published.pk).slot_id == slots[0].pk  # a preview changes nothing
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mm_staff_run_decide", args=[run.pk, "publish"]), follow=True)

    assert "1 published meetings moved; both sides of each are emailed." in response.content.decode()
    published.refresh_from_db()
    assert (published.slot_id, published.table_id, published.state) == (moved["slot"], to_table.pk, "scheduled")
    assert set(MeetingSeat.objects.filter(meeting=published).values_list("slot_id", flat=True)) == {moved["slot"]}
    assert [v.slot_id for v in published.history.order_by("history_id")] == [slots[0].pk, moved["slot"]]
    new = Meeting.objects.get(request=late)
    assert (new.slot_id, new.run_id) == (slots[0].pk, run.pk)
    changed = sorted(m.to[0] for m in mail.outbox if "have changed" in m.subject)
    published_to = sorted(m.to[0] for m in mail.outbox if "have changed" not in m.subject)
    assert changed == ["sales@hilal.example.pk", "wanjiru@nairobi-med.example.ke"]
    assert published_to == ["sales@zahra.example.pk"]


def test_a_run_not_allowed_to_move_keeps_published_meetings_and_says_why_the_rest_waits(
    client, desk, expo, crowded, grid, django_capture_on_commit_callbacks
):
    published, late = crowded
    slots, _tables = grid
    client.force_login(desk)

    run = start_run(client, django_capture_on_commit_callbacks)

    assert (run.status, run.value, run.result["moved"]) == ("preview", 3, [])
    assert [item["request"] for item in run.result["unscheduled"]] == [late.pk]
    page = client.get(reverse("mm_staff_run", args=[run.pk])).content.decode()
    assert "Published meetings moved" not in page
    client.post(reverse("mm_staff_run_decide", args=[run.pk, "publish"]))
    published.refresh_from_db()
    assert published.slot_id == slots[0].pk
    assert not Meeting.objects.filter(request=late).exists()


def test_a_run_allowed_to_move_moves_nobody_when_that_places_no_more(
    client, desk, expo, buyer, grid, django_capture_on_commit_callbacks
):
    slots, tables = grid
    hilal = exhibitor_with_member(expo, "Hilal Surgical", "sales@hilal.example.pk")
    zahra = exhibitor_with_member(expo, "Zahra Sports", "sales@zahra.example.pk")
    published = services.meeting_book(meeting_request=accepted(buyer, hilal), slot=slots[2], table=tables[1], by=desk)
    accepted(buyer, zahra)
    client.force_login(desk)

    run = start_run(client, django_capture_on_commit_callbacks, move_published="on")

    assert (run.status, run.value, run.result["moved"]) == ("preview", 6, [])
    assert "Nobody is moved" in client.get(reverse("mm_staff_run", args=[run.pk])).content.decode()
    client.post(reverse("mm_staff_run_decide", args=[run.pk, "publish"]))
    published.refresh_from_db()
    assert (published.slot_id, published.table_id) == (slots[2].pk, tables[1].pk)


# --- Swaps by hand ---------------------------------------------------------------------------------------------------


def test_desk_swaps_two_meetings_and_all_four_sides_are_emailed(
    client, desk, expo, buyer, other_buyer, grid, django_capture_on_commit_callbacks
):
    slots, tables = grid
    hilal = exhibitor_with_member(expo, "Hilal Surgical", "sales@hilal.example.pk")
    zahra = exhibitor_with_member(expo, "Zahra Sports", "sales@zahra.example.pk")
    first = services.meeting_book(meeting_request=accepted(buyer, hilal), slot=slots[0], table=tables[0], by=desk)
    second = services.meeting_book(
        meeting_request=accepted(other_buyer, zahra), slot=slots[1], table=tables[1], by=desk
    )
    client.force_login(desk)
    assert (
        reverse("mm_staff_meeting_swap", args=[first.pk]) in client.get(reverse("mm_staff_meetings")).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mm_staff_meeting_swap", args=[first.pk]), {"other": second.pk})

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.slot_id, first.table_id) == (slots[1].pk, tables[1].pk)
    assert (second.slot_id, second.table_id) == (slots[0].pk, tables[0].pk)
    assert set(MeetingSeat.objects.filter(participant=buyer).values_list("slot_id", flat=True)) == {slots[1].pk}
    assert set(MeetingSeat.objects.filter(participant=other_buyer).values_list("slot_id", flat=True)) == {slots[0].pk}
    assert sorted(m.to[0] for m in mail.outbox if "have changed" in m.subject) == [
        "aziz@baku.example.az",
        "sales@hilal.example.pk",
        "sales@zahra.example.pk",
        "wanjiru@nairobi-med.example.ke",
    ]


def test_swapping_tables_in_one_slot_and_one_persons_two_meetings_holds_the_constraints(
    desk, expo, buyer, other_buyer, grid
):
    """Row by row these swaps would break the unique table-per-slot and person-per-slot rules half way."""
    slots, tables = grid
    hilal = exhibitor_with_member(expo, "Hilal Surgical", "sales@hilal.example.pk")
    zahra = exhibitor_with_member(expo, "Zahra Sports", "sales@zahra.example.pk")
    same_slot_a = services.meeting_book(meeting_request=accepted(buyer, hilal), slot=slots[0], table=tables[0], by=desk)
    same_slot_b = services.meeting_book(
        meeting_request=accepted(other_buyer, zahra), slot=slots[0], table=tables[1], by=desk
    )

    services.meeting_swap(first=same_slot_a, second=same_slot_b, by=desk)

    same_slot_a.refresh_from_db()
    same_slot_b.refresh_from_db()
    assert (same_slot_a.table_id, same_slot_b.table_id) == (tables[1].pk, tables[0].pk)
    third = exhibitor_with_member(expo, "Sialkot Tools", "sales@tools.example.pk")
    later = services.meeting_book(
        meeting_request=accepted(buyer, third, at_stall=True), slot=slots[1], table=None, by=desk
    )

    services.meeting_swap(first=same_slot_a, second=later, by=desk)

    same_slot_a.refresh_from_db()
    later.refresh_from_db()
    assert (same_slot_a.slot_id, same_slot_a.table_id) == (slots[1].pk, tables[1].pk)
    assert (later.slot_id, later.table_id) == (slots[0].pk, None)
    assert sorted(MeetingSeat.objects.filter(participant=buyer).values_list("meeting_id", "slot_id")) == sorted(
        [(same_slot_a.pk, slots[1].pk), (later.pk, slots[0].pk)]
    )


def test_a_swap_that_would_double_book_someone_is_refused_and_changes_nothing(
    client, desk, expo, buyer, other_buyer, grid
):
    slots, tables = grid
    hilal = exhibitor_with_member(expo, "Hilal Surgical", "sales@hilal.example.pk")
    zahra = exhibitor_with_member(expo, "Zahra Sports", "sales@zahra.example.pk")
    tools = exhibitor_with_member(expo, "Sialkot Tools", "sales@tools.example.pk")
    mine = services.meeting_book(meeting_request=accepted(buyer, hilal), slot=slots[0], table=tables[0], by=desk)
    services.meeting_book(meeting_request=accepted(buyer, tools, at_stall=True), slot=slots[1], table=None, by=desk)
    theirs = services.meeting_book(
        meeting_request=accepted(other_buyer, zahra), slot=slots[1], table=tables[1], by=desk
    )
    before = sorted(Meeting.objects.values_list("pk", "slot_id", "table_id", "state"))
    seats = sorted(MeetingSeat.objects.values_list("meeting_id", "participant_id", "slot_id"))
    client.force_login(desk)

    response = client.post(reverse("mm_staff_meeting_swap", args=[mine.pk]), {"other": theirs.pk})
    itself = client.post(reverse("mm_staff_meeting_swap", args=[mine.pk]), {"other": mine.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "This breaks the meeting rules:" in page
    assert f"Nairobi Med Supplies (P{buyer.pk}) has meetings" in page
    assert "Select a valid choice." in itself.content.decode()
    assert sorted(Meeting.objects.values_list("pk", "slot_id", "table_id", "state")) == before
    assert sorted(MeetingSeat.objects.values_list("meeting_id", "participant_id", "slot_id")) == seats
    with pytest.raises(services.MatchmakingError, match=r"Choose another meeting to swap with\."):
        services.meeting_swap(first=mine, second=mine, by=desk)


# --- Who may not -----------------------------------------------------------------------------------------------------


def test_swaps_and_moving_runs_are_refused_to_other_roles_participants_and_staff_without_mfa(
    client, desk, expo, buyer, other_buyer, grid, member
):
    slots, tables = grid
    hilal = exhibitor_with_member(expo, "Hilal Surgical", "sales@hilal.example.pk")
    zahra = exhibitor_with_member(expo, "Zahra Sports", "sales@zahra.example.pk")
    first = services.meeting_book(meeting_request=accepted(buyer, hilal), slot=slots[0], table=tables[0], by=desk)
    second = services.meeting_book(
        meeting_request=accepted(other_buyer, zahra), slot=slots[1], table=tables[1], by=desk
    )
    url = reverse("mm_staff_meeting_swap", args=[first.pk])
    for user in (staff_member(roles.FLOOR_MANAGERS), staff_member(roles.REGISTRATION_DESK), member):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"other": second.pk}).status_code == 404
        assert client.post(reverse("mm_staff_run_start"), {"move_published": "on"}).status_code == 404
    client.logout()
    assert client.post(url, {"other": second.pk}).status_code == 404
    no_mfa = staff_member(roles.MATCHMAKING_DESK)
    Authenticator.objects.filter(user=no_mfa).delete()
    client.force_login(no_mfa)
    response = client.post(url, {"other": second.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    first.refresh_from_db()
    assert (first.slot_id, first.table_id) == (slots[0].pk, tables[0].pk)
    assert not SchedulerRun.objects.exists()
