"""Meeting slots generated from the windows, the slot length and the breaks; regenerating moves nobody silently;
a request outside both sides' availability is refused."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from expo import roles
from matchmaking import selectors, services, slots
from matchmaking.models import (
    AvailabilityBlock,
    MatchmakingSettings,
    Meeting,
    MeetingBreak,
    MeetingRequest,
    MeetingWindow,
    Slot,
    Table,
)
from tests.conftest import staff_member
from tests.factories import (
    ExhibitorMembershipFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    MeetingRequestFactory,
    RoomFactory,
    SessionFactory,
    VisitorParticipantFactory,
    confirmed_buyer,
)
from visitors import links

pytestmark = pytest.mark.django_db

KARACHI = datetime.timezone(datetime.timedelta(hours=5))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=KARACHI)


def starts(expo) -> list[str]:
    return [
        f"{timezone.localtime(slot.start, KARACHI):%d %H:%M}-{timezone.localtime(slot.end, KARACHI):%H:%M}"
        for slot in Slot.objects.filter(expo=expo, kind="meeting").order_by("start")
    ]


@pytest.fixture
def desk(db):
    return staff_member(roles.MATCHMAKING_DESK, full_name="Hina Desk")


@pytest.fixture
def show(db):
    """An expo with meeting windows on its first two days (10:00–13:00, and 15:00–16:00 on the first), lunch
    every day at 12:00–12:30 and the Zuhr prayers on the second day at 11:15–11:30."""
    expo = ExpoFactory()
    day1, day2 = expo.start_date, expo.start_date + datetime.timedelta(days=1)
    for day, start, end in ((day1, 10, 13), (day1, 15, 16), (day2, 10, 13)):
        MeetingWindow.objects.create(expo=expo, day=day, starts_at=datetime.time(start), ends_at=datetime.time(end))
    MeetingBreak.objects.create(expo=expo, label="Lunch", starts_at=datetime.time(12), ends_at=datetime.time(12, 30))
    MeetingBreak.objects.create(
        expo=expo, label="Zuhr", day=day2, starts_at=datetime.time(11, 15), ends_at=datetime.time(11, 30)
    )
    return expo


def generate(client, minutes="30"):
    return client.post(reverse("mm_staff_slots"), {"slot_minutes": minutes})


# --- The path: the desk generates the slots from its page --------------------------------------------------


def test_desk_generates_slots_around_lunch_prayers_and_the_opening_ceremony(client, desk, show):
    day1 = show.start_date
    room = RoomFactory(hall__expo=show)
    SessionFactory(
        expo=show,
        room=room,
        kind="ceremony",
        title="Opening ceremony",
        starts_at=at(day1, 10),
        ends_at=at(day1, 10, 45),
    )
    SessionFactory(expo=show, room=room, kind="talk", title="A talk meetings go on during", starts_at=at(day1, 15))
    client.force_login(desk)

    page = client.get(reverse("mm_staff_slots")).content.decode()
    response = generate(client, "30")

    assert "Opening ceremony" in page
    assert "Lunch" in page
    assert "Zuhr" in page
    assert response.status_code == 302
    assert starts(show) == [
        # Day 1: the ceremony until 10:45, then slots up to lunch; after lunch to 13:00; 15:00–16:00.
        "24 10:45-11:15",
        "24 11:15-11:45",
        "24 12:30-13:00",
        "24 15:00-15:30",
        "24 15:30-16:00",
        # Day 2: prayers at 11:15 and lunch at 12:00.
        "25 10:00-10:30",
        "25 10:30-11:00",
        "25 11:30-12:00",
        "25 12:30-13:00",
    ]
    assert MatchmakingSettings.objects.get(expo=show).slot_minutes == 30
    after = client.get(reverse("mm_staff_slots")).content.decode()
    assert "5 slots" in after
    assert "4 slots" in after


def test_regenerating_keeps_the_slots_that_stay_with_their_blocks_and_a_meeting(client, desk, show):
    client.force_login(desk)
    generate(client, "30")
    buyer = VisitorParticipantFactory(expo=show)
    first = Slot.objects.filter(expo=show).order_by("start").first()
    AvailabilityBlock.objects.create(participant=buyer, slot=first)
    request = MeetingRequestFactory(
        sender=buyer, receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=show), status="accepted"
    )
    slot = Slot.objects.filter(expo=show).order_by("start")[1]
    meeting = services.meeting_book(
        meeting_request=request, slot=slot, table=Table.objects.create(expo=show, number=1), by=desk
    )
    MeetingBreak.objects.create(
        expo=show, label="Asr", day=show.start_date, starts_at=datetime.time(15), ends_at=datetime.time(15, 30)
    )

    response = generate(client, "30")

    assert response.status_code == 302
    assert Slot.objects.filter(pk=first.pk).exists()
    assert AvailabilityBlock.objects.filter(participant=buyer, slot=first).exists()
    meeting.refresh_from_db()
    assert (meeting.slot_id, meeting.state) == (slot.pk, "scheduled")
    assert "24 15:00-15:30" not in starts(show)
    assert len(starts(show)) == 10  # 11 before, the 15:00 slot of day 1 gone


def test_a_new_break_over_a_meeting_is_refused_and_names_the_meeting(client, desk, show):
    client.force_login(desk)
    generate(client, "30")
    before = starts(show)
    buyer = VisitorParticipantFactory(expo=show, organisation="Nairobi Med Supplies")
    exhibitor = ExhibitorParticipantFactory(exhibitor__nomination__expo=show, organisation="Hilal Surgical")
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor, status="accepted", at_stall=True)
    slot = Slot.objects.get(expo=show, start=at(show.start_date, 15))
    meeting = services.meeting_book(meeting_request=request, slot=slot, table=None, by=desk)
    MeetingBreak.objects.create(
        expo=show, label="Asr prayers", day=show.start_date, starts_at=datetime.time(15), ends_at=datetime.time(15, 20)
    )

    response = generate(client, "30")

    page = response.content.decode()
    assert response.status_code == 200
    assert "The new slots leave no room for 1 scheduled meetings" in page
    assert "Nothing was changed." in page
    assert "Nairobi Med Supplies · Hilal Surgical: it falls in the break “Asr prayers”" in page
    assert reverse("mm_staff_meeting_move", args=[meeting.pk]) in page
    assert starts(show) == before
    meeting.refresh_from_db()
    assert meeting.slot_id == slot.pk


def test_a_new_slot_length_that_would_move_a_meeting_is_refused_whole(show, desk):
    slots.slots_generate(expo=show, slot_minutes=30)
    before = list(Slot.objects.filter(expo=show).values_list("pk", "start", "end"))
    request = MeetingRequestFactory(
        sender=VisitorParticipantFactory(expo=show),
        receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=show),
        status="accepted",
        at_stall=True,
    )
    services.meeting_book(
        meeting_request=request,
        slot=Slot.objects.get(expo=show, start=at(show.start_date, 11)),
        table=None,
        by=desk,
    )

    with pytest.raises(slots.SlotConflictError) as refused:
        slots.slots_generate(expo=show, slot_minutes=20)

    assert [c.reason for c in refused.value.conflicts] == [
        "its slot is not in the new grid (the slot length or the windows changed)"
    ]
    assert list(Slot.objects.filter(expo=show).values_list("pk", "start", "end")) == before
    assert MatchmakingSettings.objects.get(expo=show).slot_minutes == 30


def test_a_slot_only_cancelled_meetings_name_is_retired_not_offered(show, desk):
    slots.slots_generate(expo=show, slot_minutes=30)
    buyer = VisitorParticipantFactory(expo=show)
    request = MeetingRequestFactory(
        sender=buyer,
        receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=show),
        status="accepted",
        at_stall=True,
    )
    slot = Slot.objects.get(expo=show, start=at(show.start_date, 15, 30))
    meeting = services.meeting_book(meeting_request=request, slot=slot, table=None, by=desk)
    services.meeting_cancel(meeting=meeting, by=desk)
    MeetingWindow.objects.filter(expo=show, starts_at=datetime.time(15)).update(ends_at=datetime.time(15, 30))

    changes = slots.slots_generate(expo=show, slot_minutes=30)

    slot.refresh_from_db()
    assert (changes.retired, slot.kind) == (1, "retired")
    assert slot.pk not in {s.pk for s in selectors.meeting_slots(show)}
    assert Meeting.objects.get(pk=meeting.pk).slot_id == slot.pk


# --- Bad input ------------------------------------------------------------------------------------------------------


def test_a_slot_length_other_than_15_20_or_30_is_refused_and_nothing_is_made(client, desk, show):
    client.force_login(desk)

    response = generate(client, "25")

    assert response.status_code == 200
    assert "Select a valid choice. 25 is not one of the available choices." in response.content.decode()
    assert not Slot.objects.filter(expo=show).exists()
    with pytest.raises(services.MatchmakingError, match=r"Choose a slot length of 15, 20 or 30 minutes\."):
        slots.slots_generate(expo=show, slot_minutes=25)
    assert not Slot.objects.filter(expo=show).exists()


def test_generating_without_windows_or_with_a_run_waiting_is_refused(client, desk, show):
    client.force_login(desk)
    MeetingWindow.objects.filter(expo=show).delete()

    no_windows = generate(client).content.decode()

    assert "Add the meeting days and their hours (meeting windows) first." in no_windows
    MeetingWindow.objects.create(expo=show, day=show.start_date, starts_at=datetime.time(10), ends_at=datetime.time(11))
    show.scheduler_runs.create(status="preview")
    waiting = generate(client).content.decode()
    assert "A scheduler run is in progress or waiting to be published" in waiting
    assert not Slot.objects.filter(expo=show).exists()


def test_admin_refuses_a_window_ending_before_it_starts_and_a_break_outside_the_days(client, desk, show):
    client.force_login(desk)

    window = client.post(
        reverse("admin:matchmaking_meetingwindow_add"),
        {"expo": show.pk, "day": show.start_date, "starts_at": "14:00", "ends_at": "13:00"},
    )
    outside = client.post(
        reverse("admin:matchmaking_meetingbreak_add"),
        {
            "expo": show.pk,
            "label": "Lunch",
            "day": show.end_date + datetime.timedelta(days=1),
            "starts_at": "13:00",
            "ends_at": "14:00",
        },
    )
    overlapping = client.post(
        reverse("admin:matchmaking_meetingwindow_add"),
        {"expo": show.pk, "day": show.start_date, "starts_at": "12:00", "ends_at": "14:00"},
    )

    assert window.status_code == 200
    assert "The end must be after the start, on the same day." in window.content.decode()
    assert "Choose a day of the expo" in outside.content.decode()
    assert "This window overlaps another window of the same day." in overlapping.content.decode()
    assert MeetingWindow.objects.filter(expo=show).count() == 3
    assert MeetingBreak.objects.filter(expo=show).count() == 2


# --- Who may not ----------------------------------------------------------------------------------------------------


def test_slot_page_refuses_other_staff_participants_and_staff_without_mfa(client, show):
    exhibitor_member = ExhibitorMembershipFactory(exhibitor__nomination__expo=show).user
    for user in (staff_member(roles.FLOOR_MANAGERS), staff_member(roles.REGISTRATION_DESK), exhibitor_member):
        client.force_login(user)
        assert client.get(reverse("mm_staff_slots")).status_code == 404
        assert generate(client).status_code == 404
    client.logout()
    assert generate(client).status_code == 404
    no_mfa = staff_member(roles.MATCHMAKING_DESK)
    Authenticator.objects.filter(user=no_mfa).delete()
    client.force_login(no_mfa)
    response = generate(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert not Slot.objects.filter(expo=show).exists()


# --- Availability ---------------------------------------------------------------------------------------------------


@pytest.fixture
def two_days(show):
    slots.slots_generate(expo=show, slot_minutes=30)
    return show


def test_a_buyer_is_available_on_the_days_they_registered_for_and_an_exhibitor_in_every_slot(two_days):
    registration = confirmed_buyer(two_days, dates=[two_days.start_date + datetime.timedelta(days=1)])
    buyer = VisitorParticipantFactory(expo=two_days, registration=registration)
    exhibitor = ExhibitorParticipantFactory(exhibitor__nomination__expo=two_days)

    day2 = {
        s.pk
        for s in Slot.objects.filter(expo=two_days, start__date__gte=two_days.start_date + datetime.timedelta(days=1))
    }
    assert selectors.available_slot_ids(participant=buyer) == day2
    assert selectors.available_slot_ids(participant=exhibitor) == set(
        Slot.objects.filter(expo=two_days).values_list("pk", flat=True)
    )


def test_a_request_outside_both_sides_availability_is_refused_naming_why(client, two_days):
    day2 = two_days.start_date + datetime.timedelta(days=1)
    registration = confirmed_buyer(two_days, dates=[day2], organisation="Nairobi Med Supplies")
    buyer = VisitorParticipantFactory(expo=two_days, registration=registration)
    exhibitor = ExhibitorParticipantFactory(exhibitor__nomination__expo=two_days, organisation="Hilal Surgical")
    # The exhibitor is busy all of day 2.
    AvailabilityBlock.objects.bulk_create(
        AvailabilityBlock(participant=exhibitor, slot=slot)
        for slot in Slot.objects.filter(expo=two_days, start__date=day2)
    )
    url = reverse("mm_visitor_ask", args=[links.manage_token(registration)])

    response = client.post(f"{url}?exhibitor={exhibitor.exhibitor.pk}", {"priority": "must", "message": "Scissors"})

    page = response.content.decode()
    assert response.status_code == 200
    mine, theirs = formats.date_format(day2, "D j M"), formats.date_format(two_days.start_date, "D j M")
    expected = f"Outside availability: you can meet on {mine} and Hilal Surgical on {theirs}, never in the same slot."
    assert expected in page
    assert not MeetingRequest.objects.exists()
    # Once the exhibitor opens one slot of day 2, the request goes through.
    AvailabilityBlock.objects.filter(participant=exhibitor).order_by("slot__start").first().delete()
    sent = client.post(f"{url}?exhibitor={exhibitor.exhibitor.pk}", {"priority": "must", "message": "Scissors"})
    assert sent.status_code == 302
    assert MeetingRequest.objects.filter(sender=buyer, receiver=exhibitor).count() == 1


def test_accepting_after_closing_every_shared_slot_is_refused(two_days):
    exhibitor = ExhibitorParticipantFactory(exhibitor__nomination__expo=two_days, organisation="Hilal Surgical")
    buyer = VisitorParticipantFactory(expo=two_days)
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor)
    AvailabilityBlock.objects.bulk_create(
        AvailabilityBlock(participant=exhibitor, slot=slot) for slot in Slot.objects.filter(expo=two_days)
    )

    with pytest.raises(services.MatchmakingError, match=r"Outside availability: you have no meeting slot open\."):
        services.request_accept(meeting_request=request, by_participant=exhibitor, site_url="http://testserver/")

    request.refresh_from_db()
    assert request.status == "pending"


def test_slot_page_query_count_does_not_grow_with_windows_breaks_and_slots(client, desk, show):
    client.force_login(desk)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mm_staff_slots"))
    third = show.start_date + datetime.timedelta(days=2)
    MeetingWindow.objects.create(expo=show, day=third, starts_at=datetime.time(9), ends_at=datetime.time(17))
    MeetingBreak.objects.create(expo=show, label="Asr", starts_at=datetime.time(16), ends_at=datetime.time(16, 15))
    slots.slots_generate(expo=show, slot_minutes=15)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("mm_staff_slots")).content.decode()

    assert "Asr" in page
    assert len(few.captured_queries) == len(many.captured_queries)


def test_desk_generates_slots_from_the_admin_and_sees_the_meetings_in_the_way(client, desk, show):
    rules = MatchmakingSettings.objects.create(expo=show, slot_minutes=20)
    client.force_login(desk)
    changelist = reverse("admin:matchmaking_matchmakingsettings_changelist")

    response = client.post(changelist, {"action": "generate_slots", "_selected_action": [rules.pk]}, follow=True)

    assert f"{show}: 15 new slots, 0 kept, 0 removed, 0 retired." in response.content.decode()
    assert starts(show)[:3] == ["24 10:00-10:20", "24 10:20-10:40", "24 10:40-11:00"]
    request = MeetingRequestFactory(
        sender=VisitorParticipantFactory(expo=show),
        receiver=ExhibitorParticipantFactory(exhibitor__nomination__expo=show),
        status="accepted",
        at_stall=True,
    )
    services.meeting_book(
        meeting_request=request, slot=Slot.objects.get(expo=show, start=at(show.start_date, 10)), table=None, by=desk
    )
    MatchmakingSettings.objects.filter(pk=rules.pk).update(slot_minutes=30)

    refused = client.post(changelist, {"action": "generate_slots", "_selected_action": [rules.pk]}, follow=True)

    assert "The new slots leave no room for 1 scheduled meetings" in refused.content.decode()
    assert len(starts(show)) == 15
    floor = staff_member(roles.FLOOR_MANAGERS)
    client.force_login(floor)
    assert client.post(changelist, {"action": "generate_slots", "_selected_action": [rules.pk]}).status_code == 403
