"""The desk's scheduler runs (preview, publish, discard, runs after publication) and meetings moved by hand."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expo import roles
from expo.models import OutboundEmail
from matchmaking import services
from matchmaking.models import AvailabilityBlock, Meeting, MeetingRequest, MeetingSeat, SchedulerRun, Slot, Table
from tests.conftest import staff_member
from tests.factories import (
    ExhibitorMembershipFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    MeetingRequestFactory,
    SlotFactory,
    VisitorParticipantFactory,
)
from visitors import links

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["mm_staff_runs", "mm_staff_meetings"]


@pytest.fixture
def desk(db):
    return staff_member(roles.MATCHMAKING_DESK, full_name="Hina Desk")


@pytest.fixture
def accepted(expo, buyer):
    """Three accepted requests of the buyer, one of them held at the stall."""
    return [
        MeetingRequestFactory(
            sender=buyer,
            receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo),
            status="accepted",
            priority=priority,
            at_stall=priority == "if_time",
        )
        for priority in ("must", "would", "if_time")
    ]


def start_run(client, django_capture_on_commit_callbacks) -> SchedulerRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mm_staff_run_start"))
    run = SchedulerRun.objects.latest("pk")
    assert response["Location"] == reverse("mm_staff_run", args=[run.pk])
    return run


def test_desk_runs_previews_and_publishes_the_schedule(
    client, desk, expo, buyer, accepted, django_capture_on_commit_callbacks
):
    client.force_login(desk)

    run = start_run(client, django_capture_on_commit_callbacks)

    run.refresh_from_db()
    assert run.status == "preview"
    assert (run.value, run.bound) == (6, 6)  # 3 + 2 + 1: the buyer has four free slots
    assert not Meeting.objects.exists()
    page = client.get(reverse("mm_staff_run", args=[run.pk])).content.decode()
    assert "6 / 6 (100.00 %)" in page
    assert "3 of 3 accepted requests (3 new)" in page
    progress = client.get(reverse("mm_staff_run_progress", args=[run.pk]))
    assert progress["HX-Refresh"] == "true"

    client.post(reverse("mm_staff_run_decide", args=[run.pk, "publish"]))

    run.refresh_from_db()
    assert run.status == "published"
    meetings = list(Meeting.objects.select_related("request").order_by("slot__start"))
    assert {m.request_id for m in meetings} == {r.pk for r in accepted}
    assert len({m.slot_id for m in meetings}) == 3
    stall = [m for m in meetings if m.request.at_stall]
    assert len(stall) == 1
    assert stall[0].table is None
    assert all(m.table is not None for m in meetings if not m.request.at_stall)
    assert MeetingSeat.objects.filter(participant=buyer).count() == 3


def test_discarding_a_run_changes_nothing(client, desk, expo, accepted, django_capture_on_commit_callbacks):
    client.force_login(desk)
    run = start_run(client, django_capture_on_commit_callbacks)

    client.post(reverse("mm_staff_run_decide", args=[run.pk, "discard"]))

    run.refresh_from_db()
    assert run.status == "discarded"
    assert not Meeting.objects.exists()
    client.post(reverse("mm_staff_run_decide", args=[run.pk, "publish"]))
    assert not Meeting.objects.exists()


def test_a_run_after_publication_keeps_published_meetings_and_places_new_requests(
    client, desk, expo, buyer, accepted, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    first = start_run(client, django_capture_on_commit_callbacks)
    client.post(reverse("mm_staff_run_decide", args=[first.pk, "publish"]))
    before = set(Meeting.objects.values_list("pk", "request_id", "slot_id", "table_id"))
    late = MeetingRequestFactory(
        sender=buyer, receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo), status="accepted"
    )

    second = start_run(client, django_capture_on_commit_callbacks)
    client.post(reverse("mm_staff_run_decide", args=[second.pk, "publish"]))

    second.refresh_from_db()
    assert second.status == "published"
    assert before <= set(Meeting.objects.values_list("pk", "request_id", "slot_id", "table_id"))
    assert Meeting.objects.filter(request=late, run=second).count() == 1
    assert Meeting.objects.count() == 4


def test_publishing_is_refused_when_meetings_changed_since_the_run(
    client, desk, expo, accepted, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    run = start_run(client, django_capture_on_commit_callbacks)
    services.meeting_book(
        meeting_request=accepted[0], slot=Slot.objects.filter(expo=expo).first(), table=Table.objects.first(), by=desk
    )

    response = client.post(reverse("mm_staff_run_decide", args=[run.pk, "publish"]), follow=True)

    assert "Meetings have changed since this run started." in response.content.decode()
    run.refresh_from_db()
    assert run.status == "preview"
    assert Meeting.objects.count() == 1


def test_preview_says_why_a_request_was_left_out(
    client, desk, expo, buyer, accepted, django_capture_on_commit_callbacks
):
    slots = list(Slot.objects.filter(expo=expo).order_by("start"))
    AvailabilityBlock.objects.bulk_create(AvailabilityBlock(participant=buyer, slot=slot) for slot in slots[1:])
    client.force_login(desk)

    run = start_run(client, django_capture_on_commit_callbacks)

    run.refresh_from_db()
    assert (run.value, run.bound) == (3, 3)
    page = client.get(reverse("mm_staff_run", args=[run.pk])).content.decode()
    unscheduled = run.result["unscheduled"]
    assert [item["code"] for item in unscheduled] == ["participant_full", "participant_full"]
    assert f"Nairobi Med Supplies (P{buyer.pk}) already has 1 meetings in the 1 slots" in page


def test_failed_run_names_the_published_meeting_that_breaks_a_rule(
    client, desk, expo, buyer, accepted, django_capture_on_commit_callbacks
):
    slot = Slot.objects.filter(expo=expo).order_by("start").first()
    services.meeting_book(meeting_request=accepted[0], slot=slot, table=Table.objects.first(), by=desk)
    AvailabilityBlock.objects.create(participant=buyer, slot=slot)
    client.force_login(desk)

    run = start_run(client, django_capture_on_commit_callbacks)

    run.refresh_from_db()
    assert run.status == "failed"
    assert f"is not available in slot {slot.pk}" in run.error
    assert f"locked[0] (request {accepted[0].pk})" in run.error


def test_matchmaking_staff_pages_refuse_other_roles_and_ask_the_desk_for_mfa(client, desk, accepted):
    run = SchedulerRun.objects.create(expo=accepted[0].expo, status="preview", result={"meetings": [], "snapshot": []})
    urls = [reverse(name) for name in STAFF_PAGES] + [
        reverse("mm_staff_run", args=[run.pk]),
        reverse("mm_staff_run_progress", args=[run.pk]),
    ]
    for user in (staff_member(roles.FLOOR_MANAGERS), staff_member(roles.REGISTRATION_DESK)):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("mm_staff_run_start")).status_code == 404
        assert client.post(reverse("mm_staff_run_decide", args=[run.pk, "discard"])).status_code == 404
    client.logout()
    assert client.get(urls[0]).status_code == 404
    no_mfa = staff_member(roles.MATCHMAKING_DESK)
    no_mfa.totp_secret = None
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=no_mfa).delete()
    client.force_login(no_mfa)
    response = client.get(urls[0])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    run.refresh_from_db()
    assert run.status == "preview"
    assert not SchedulerRun.objects.exclude(pk=run.pk).exists()


def test_runs_page_query_count_does_not_grow_with_runs(client, desk, expo):
    client.force_login(desk)
    SchedulerRun.objects.create(expo=expo, status="discarded")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mm_staff_runs"))
    for _ in range(5):
        SchedulerRun.objects.create(expo=expo, status="discarded")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("mm_staff_runs"))

    assert len(few.captured_queries) == len(many.captured_queries)


# --- Meetings by hand -------------------------------------------------------------------------------------------


def test_desk_moves_a_meeting_and_its_history_keeps_where_it_was(client, desk, expo, accepted):
    slots = list(Slot.objects.filter(expo=expo).order_by("start"))
    table = Table.objects.filter(expo=expo).first()
    meeting = services.meeting_book(meeting_request=accepted[0], slot=slots[0], table=table, by=desk)
    client.force_login(desk)

    response = client.post(
        reverse("mm_staff_meeting_move", args=[meeting.pk]), {"slot": slots[2].pk, "table": table.pk}
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.slot == slots[2]
    assert set(MeetingSeat.objects.filter(meeting=meeting).values_list("slot_id", flat=True)) == {slots[2].pk}
    assert [v.slot_id for v in meeting.history.order_by("history_id")] == [slots[0].pk, slots[2].pk]


def test_hand_move_that_breaks_a_rule_is_refused_and_changes_nothing(client, desk, expo, buyer, accepted):
    slots = list(Slot.objects.filter(expo=expo).order_by("start"))
    tables = list(Table.objects.filter(expo=expo).order_by("number"))
    first = services.meeting_book(meeting_request=accepted[0], slot=slots[0], table=tables[0], by=desk)
    second = services.meeting_book(meeting_request=accepted[1], slot=slots[1], table=tables[1], by=desk)
    AvailabilityBlock.objects.create(participant=buyer, slot=slots[3])
    client.force_login(desk)
    url = reverse("mm_staff_meeting_move", args=[second.pk])

    buyer_busy = client.post(url, {"slot": slots[0].pk, "table": tables[1].pk})
    table_taken = client.post(url, {"slot": slots[0].pk, "table": tables[0].pk})
    unavailable = client.post(url, {"slot": slots[3].pk, "table": tables[1].pk})
    stall_without_table = client.post(url, {"slot": slots[2].pk, "table": ""})

    assert "This breaks the meeting rules:" in buyer_busy.content.decode()
    assert f"Table {tables[0].number} is taken in that slot." in table_taken.content.decode()
    assert "is not available then" in unavailable.content.decode()
    assert "A meeting in the lounge needs a table." in stall_without_table.content.decode()
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.slot, second.table, first.slot) == (slots[1], tables[1], slots[0])


def test_cancelling_a_meeting_frees_its_seats_and_keeps_the_request_accepted(client, desk, expo, accepted):
    slot = Slot.objects.filter(expo=expo).first()
    meeting = services.meeting_book(meeting_request=accepted[0], slot=slot, table=Table.objects.first(), by=desk)
    client.force_login(desk)

    client.post(reverse("mm_staff_meeting_cancel", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert meeting.state == "cancelled"
    assert not MeetingSeat.objects.exists()
    assert MeetingRequest.objects.get(pk=accepted[0].pk).status == "accepted"
    # The slot is free again for the same request.
    services.meeting_book(meeting_request=accepted[0], slot=slot, table=Table.objects.first(), by=desk)
    assert Meeting.objects.filter(state="scheduled").count() == 1


def test_other_staff_roles_cannot_move_or_cancel(client, desk, expo, accepted):
    slot = Slot.objects.filter(expo=expo).first()
    meeting = services.meeting_book(meeting_request=accepted[0], slot=slot, table=Table.objects.first(), by=desk)
    client.force_login(staff_member(roles.FLOOR_MANAGERS))

    assert client.post(reverse("mm_staff_meeting_cancel", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("mm_staff_meeting_move", args=[meeting.pk]), {"slot": slot.pk}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.state == "scheduled"


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_hand_bookings_of_one_persons_slot_one_succeeds(postgres_only):
    """200 threads, 200 connections, 200 requests of one buyer, all into the same slot: exactly one is booked."""
    expo = ExpoFactory()
    slot = SlotFactory(expo=expo)
    buyer = VisitorParticipantFactory(expo=expo)
    requests = [
        MeetingRequestFactory(
            sender=buyer,
            receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=expo),
            status="accepted",
            at_stall=True,
        )
        for _ in range(200)
    ]
    barrier = threading.Barrier(len(requests))
    outcomes: list = [None] * len(requests)

    def book(index: int) -> None:
        try:
            barrier.wait()
            services.meeting_book(meeting_request=requests[index], slot=slot, table=None, by=None)
            outcomes[index] = "booked"
        except services.MatchmakingError as error:
            outcomes[index] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert outcomes.count("booked") == 1
    assert all(outcome.startswith("This breaks the meeting rules:") for outcome in outcomes if outcome != "booked")
    assert Meeting.objects.filter(state="scheduled").count() == 1
    assert MeetingSeat.objects.filter(participant=buyer).count() == 1


def test_desk_books_an_accepted_request_by_hand_and_a_clash_is_refused(client, desk, expo, accepted):
    slots = list(Slot.objects.filter(expo=expo).order_by("start"))
    table = Table.objects.filter(expo=expo).order_by("number").first()
    client.force_login(desk)
    page = client.get(reverse("mm_staff_meetings")).content.decode()
    assert reverse("mm_staff_meeting_book", args=[accepted[0].pk]) in page

    booked = client.post(
        reverse("mm_staff_meeting_book", args=[accepted[0].pk]), {"slot": slots[0].pk, "table": table.pk}
    )
    clash = client.post(
        reverse("mm_staff_meeting_book", args=[accepted[1].pk]),
        {"slot": slots[0].pk, "table": Table.objects.exclude(pk=table.pk).first().pk},
    )

    assert booked.status_code == 302
    assert clash.status_code == 200
    assert "This breaks the meeting rules:" in clash.content.decode()
    assert list(Meeting.objects.values_list("request_id", "slot_id", "table_id")) == [
        (accepted[0].pk, slots[0].pk, table.pk)
    ]
    # Booked: it leaves the list of requests waiting for a meeting.
    assert client.get(reverse("mm_staff_meeting_book", args=[accepted[0].pk])).status_code == 404


def test_meetings_page_query_count_does_not_grow_with_meetings(client, desk, expo, accepted):
    slots = list(Slot.objects.filter(expo=expo).order_by("start"))
    client.force_login(desk)
    services.meeting_book(meeting_request=accepted[0], slot=slots[0], table=Table.objects.first(), by=desk)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mm_staff_meetings"))
    services.meeting_book(meeting_request=accepted[1], slot=slots[1], table=Table.objects.first(), by=desk)
    services.meeting_book(meeting_request=accepted[2], slot=slots[2], table=None, by=desk)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("mm_staff_meetings")).content.decode()

    assert page.count(">Move</a>") == 3
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_run_is_computed_by_a_real_worker_while_the_page_polls_its_progress(
    client, desk, expo, accepted, celery_worker
):
    client.force_login(desk)

    response = client.post(reverse("mm_staff_run_start"))

    run = SchedulerRun.objects.get()
    assert response["Location"] == reverse("mm_staff_run", args=[run.pk])
    deadline = time.monotonic() + 60
    while run.status in {"queued", "running"} and time.monotonic() < deadline:
        progress = client.get(reverse("mm_staff_run_progress", args=[run.pk]))
        assert 'id="run-progress-bar"' in progress.content.decode()
        time.sleep(0.3)
        run.refresh_from_db()
    assert run.status == "preview", run.error
    assert (run.value, run.bound) == (6, 6)
    assert client.get(reverse("mm_staff_run_progress", args=[run.pk]))["HX-Refresh"] == "true"
    assert not Meeting.objects.exists()


def test_publishing_and_moving_email_both_sides_their_agenda(
    client, desk, expo, buyer, accepted, django_capture_on_commit_callbacks
):
    member = ExhibitorMembershipFactory(exhibitor=accepted[0].receiver.exhibitor, user__email="sales@first.example.pk")
    client.force_login(desk)
    run = start_run(client, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mm_staff_run_decide", args=[run.pk, "publish"]))

    agenda_emails = [m for m in mail.outbox if "Your B2B meetings at" in m.subject]
    assert sorted(address for m in agenda_emails for address in m.to) == [
        "sales@first.example.pk",
        "wanjiru@nairobi-med.example.ke",
    ]
    buyer_link = reverse("mm_visitor_agenda", args=[links.manage_token(buyer.registration)])
    assert buyer_link in next(m.body for m in agenda_emails if m.to == ["wanjiru@nairobi-med.example.ke"])
    stored = OutboundEmail.objects.get(template="matchmaking_agenda", to="wanjiru@nairobi-med.example.ke")
    assert buyer_link not in stored.body_text
    mail.outbox.clear()
    meeting = Meeting.objects.get(request=accepted[0])
    free = Slot.objects.filter(expo=expo).exclude(meetings__state="scheduled").first()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mm_staff_meeting_move", args=[meeting.pk]), {"slot": free.pk, "table": meeting.table_id})

    assert sorted(m.to[0] for m in mail.outbox) == [member.user.email, "wanjiru@nairobi-med.example.ke"]
    assert all("have changed" in m.subject for m in mail.outbox)
