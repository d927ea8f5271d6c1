"""Meeting reminders: the evening before and shortly before, each side once, however often and wherever beat runs."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.urls import resolve, reverse

from expo import roles
from expo.models import OutboundEmail
from matchmaking import reminders, services, tasks
from matchmaking.models import MatchmakingSettings, MeetingReminder, Slot, Table
from tests.conftest import staff_member
from tests.factories import (
    ExhibitorMembershipFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    MeetingRequestFactory,
    SlotFactory,
    TableFactory,
    VisitorParticipantFactory,
)

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of January 2042 in Lahore (the ``expo`` fixture's slots are on its first day, the 24th)."""
    return datetime.datetime(2042, 1, day, hour, minute, tzinfo=KARACHI)


def before(slot: Slot, minutes: int) -> datetime.datetime:
    return slot.start - datetime.timedelta(minutes=minutes)


def hhmm(slot: Slot) -> str:
    return f"{slot.start.astimezone(KARACHI):%H:%M}"


def send_at(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return tasks.send_reminders()


def reminder_emails():
    return OutboundEmail.objects.filter(template="matchmaking_reminder").order_by("pk")


@pytest.fixture
def slots(expo):
    return list(Slot.objects.filter(expo=expo).order_by("start"))


@pytest.fixture
def meeting(expo, buyer, exhibitor_participant, member, slots):
    """The buyer meets Hilal Surgical at table 1 in the first slot, on the 24th."""
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant, status="accepted")
    table = Table.objects.filter(expo=expo).order_by("number").first()
    return services.meeting_book(meeting_request=request, slot=slots[0], table=table, by=None)


def test_each_side_is_reminded_once_the_evening_before_from_the_evening_hour(meeting, buyer, member):
    assert send_at(at(23, 17, 59)) == 0
    assert not reminder_emails().exists()

    assert send_at(at(23, 18, 0)) == 2
    assert send_at(at(23, 18, 1)) == 0
    assert send_at(at(23, 23, 59)) == 0

    emails = list(reminder_emails())
    assert sorted(email.to for email in emails) == sorted([buyer.registration.email, member.email])
    to_buyer = next(email for email in emails if email.to == buyer.registration.email)
    assert to_buyer.subject == f"Tomorrow at {hhmm(meeting.slot)}: your B2B meeting with Hilal Surgical"
    assert f"{meeting.table}, B2B lounge, Lahore Expo Centre" in to_buyer.body_text
    assert f"{hhmm(meeting.slot)}–{meeting.slot.end.astimezone(KARACHI):%H:%M}" in to_buyer.body_text
    assert "sales@hilal.example.pk" in to_buyer.body_text
    to_member = next(email for email in emails if email.to == member.email)
    assert to_member.subject == f"Tomorrow at {hhmm(meeting.slot)}: your B2B meeting with Nairobi Med Supplies"
    assert "wanjiru@nairobi-med.example.ke" in to_member.body_text
    assert set(MeetingReminder.objects.values_list("kind", flat=True)) == {"evening"}


def test_each_side_is_reminded_once_thirty_minutes_before(meeting):
    slot = meeting.slot
    assert send_at(before(slot, 31)) == 0  # the evening reminder's day is over, and it is too early for the last one

    assert send_at(before(slot, 30)) == 2
    assert send_at(before(slot, 15)) == 0
    assert send_at(before(slot, 0)) == 0  # the meeting has started

    assert [email.subject[:15] for email in reminder_emails()] == [f"Today at {hhmm(slot)}:"] * 2
    assert set(MeetingReminder.objects.values_list("kind", flat=True)) == {"soon"}


def test_the_whole_sequence_sends_two_reminders_to_each_side(meeting):
    slot = meeting.slot
    for moment in (
        at(23, 12),
        at(23, 18),
        at(23, 19),
        at(24, 8),
        before(slot, 29),
        before(slot, 10),
        before(slot, -60),
    ):
        send_at(moment)

    assert reminder_emails().count() == 4
    assert sorted(MeetingReminder.objects.values_list("kind", flat=True)) == ["evening", "evening", "soon", "soon"]


def test_the_evening_hour_and_the_last_reminder_are_each_expos_settings(expo, meeting):
    MatchmakingSettings.objects.update_or_create(
        expo=expo, defaults={"reminder_evening_hour": 20, "reminder_minutes_before": 60}
    )

    assert send_at(at(23, 19, 59)) == 0
    assert send_at(at(23, 20, 0)) == 2
    assert send_at(before(meeting.slot, 61)) == 0
    assert send_at(before(meeting.slot, 60)) == 2
    assert reminder_emails().count() == 4


def test_a_cancelled_meeting_gets_no_reminder(meeting):
    services.meeting_cancel(meeting=meeting, by=None)

    assert send_at(at(23, 18, 30)) == 0
    assert send_at(before(meeting.slot, 20)) == 0
    assert not reminder_emails().exists()


def test_a_moved_meeting_is_reminded_of_its_new_time(meeting, slots):
    assert send_at(at(23, 18)) == 2
    services.meeting_move(meeting=meeting, slot=slots[3], table=meeting.table, by=None)

    assert send_at(at(23, 18, 5)) == 2
    assert send_at(at(23, 18, 10)) == 0

    subjects = [email.subject[:18] for email in reminder_emails()]
    assert subjects == [f"Tomorrow at {hhmm(slots[0])}:"] * 2 + [f"Tomorrow at {hhmm(slots[3])}:"] * 2
    # Shortly before: the old time passes silently, the new one is reminded.
    assert send_at(before(slots[0], 25)) == 0
    assert send_at(before(slots[3], 25)) == 2


def test_a_meeting_booked_on_the_day_gets_only_the_last_reminder(expo, buyer, exhibitor_participant, member, slots):
    request = MeetingRequestFactory(sender=buyer, receiver=exhibitor_participant, status="accepted", at_stall=True)
    services.meeting_book(meeting_request=request, slot=slots[1], table=None, by=None)

    assert send_at(before(slots[1], 31)) == 0
    assert send_at(before(slots[1], 30)) == 2

    body = reminder_emails().first().body_text
    assert "At the stall —, Lahore Expo Centre" in body


def test_a_delegation_of_exhibitor_members_each_get_the_reminder(meeting, exhibitor_participant, member):
    colleague = ExhibitorMembershipFactory(exhibitor=exhibitor_participant.exhibitor).user

    send_at(at(23, 18))

    assert sorted(reminder_emails().values_list("to", flat=True)) == sorted(
        [meeting.request.sender.registration.email, member.email, colleague.email]
    )
    assert MeetingReminder.objects.count() == 2


def test_visitor_reminder_carries_the_agenda_link_sealed(meeting, buyer):
    send_at(at(23, 18))

    email = reminder_emails().get(to=buyer.registration.email)
    assert "/agenda/" not in email.body_text  # the secret link is stored sealed, put in when the email is sent
    assert email.sealed_secrets


def test_member_reminders_link_to_the_agenda_on_the_exhibitor_dashboard(
    client, settings, meeting, exhibitor_participant, member
):
    settings.EXPO_SITE_URL = "https://expo.example.pk/"
    send_at(at(23, 18))
    send_at(before(meeting.slot, 30))

    emails = list(reminder_emails().filter(to=member.email))
    agenda = reverse("mm_exhibitor_agenda", args=[exhibitor_participant.exhibitor_id])
    assert len(emails) == 2
    for email in emails:
        assert f"https://expo.example.pk{agenda}" in email.body_text
        assert f'href="https://expo.example.pk{agenda}"' in email.body_html
    # The link opens the B2B meetings tab's agenda for a member, once signed in.
    assert resolve(agenda).url_name == "mm_exhibitor_agenda"
    client.force_login(member)
    page = client.get(agenda)
    assert page.status_code == 200
    assert meeting.request.sender.organisation in page.content.decode()


def test_reminder_due_is_none_after_the_start_and_before_the_evening():
    start = at(24, 10)
    due = {
        moment: reminders.reminder_due(start=start, now=moment, zone=KARACHI, evening_hour=18, minutes_before=30)
        for moment in (at(23, 9), at(23, 17, 59), at(23, 18), at(24, 0), at(24, 9, 30), at(24, 10))
    }
    assert list(due.values()) == [None, None, "evening", None, "soon", None]


def test_an_evening_hour_past_the_day_is_refused_in_the_admin(client, expo):
    desk = staff_member(roles.MATCHMAKING_DESK)
    client.force_login(desk)
    rules, _created = MatchmakingSettings.objects.get_or_create(expo=expo)
    form = {
        "expo": expo.pk,
        "slot_minutes": 30,
        "request_cap": 20,
        "weight_must": 3,
        "weight_would": 2,
        "weight_if_time": 1,
        "requests_open": "on",
        "reminder_evening_hour": 24,
        "reminder_minutes_before": 2,
    }

    response = client.post(reverse("admin:matchmaking_matchmakingsettings_change", args=[rules.pk]), form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "reminder_evening_hour" in errors
    assert "reminder_minutes_before" in errors
    rules.refresh_from_db()
    assert (rules.reminder_evening_hour, rules.reminder_minutes_before) == (18, 30)


@pytest.mark.django_db(transaction=True)
def test_reminders_sent_from_four_workers_at_once_go_out_once(postgres_only):
    """Four connections run the task at the same moment over twenty meetings: every reminder is claimed once."""
    expo = ExpoFactory(year=2042)
    slots = SlotFactory.create_batch(4, expo=expo)
    tables = TableFactory.create_batch(5, expo=expo)
    buyers = VisitorParticipantFactory.create_batch(5, expo=expo)
    for index, buyer in enumerate(buyers):
        for slot in slots:
            exhibitor = ExhibitorParticipantFactory(exhibitor__nomination__expo=expo)
            ExhibitorMembershipFactory(exhibitor=exhibitor.exhibitor)
            request = MeetingRequestFactory(sender=buyer, receiver=exhibitor, status="accepted")
            services.meeting_book(meeting_request=request, slot=slot, table=tables[index], by=None)
    barrier = threading.Barrier(4)
    sent: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            sent.append(tasks.send_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    with time_machine.travel(at(23, 18, 2), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert len(sent) == 4
    assert sum(sent) == 40
    assert MeetingReminder.objects.count() == 40
    recipients = list(reminder_emails().values_list("to", flat=True))
    assert len(recipients) == 40
    assert all(recipients.count(buyer.registration.email) == 4 for buyer in buyers)
    assert len(set(recipients)) == 5 + 20
    assert send_at(at(23, 18, 3)) == 0
