"""The demo matchmaking of Expo 2026 loads with the demo command, twice without duplicates: slots around lunch and
the ceremonies, the lounge tables, confirmed buyers with profiles, requests in every state and published agendas
that their participants open."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from matchmaking import followup, selectors
from matchmaking.models import (
    FollowUpEmail,
    Lead,
    Meeting,
    MeetingBreak,
    MeetingRequest,
    MeetingWindow,
    Participant,
    SchedulerRun,
    Slot,
    Table,
)
from tests.conftest import demo_load
from visitors import links
from visitors.models import CheckIn, Registration

pytestmark = pytest.mark.django_db


def _counts():
    return (
        MeetingWindow.objects.count(),
        Slot.objects.count(),
        Table.objects.count(),
        Participant.objects.count(),
        MeetingRequest.objects.count(),
        Meeting.objects.count(),
        SchedulerRun.objects.count(),
    )


def test_demo_matchmaking_loads_twice_without_duplicates_around_lunch_and_the_ceremonies():
    demo_load()
    counts = _counts()
    demo_load()

    assert _counts() == counts
    assert Table.objects.count() == 20
    assert sorted(Table.objects.values_list("number", flat=True)) == list(range(1, 21))
    assert SchedulerRun.objects.get().status == "published"
    # The slots leave lunch and the ceremonies free.
    local = [(timezone.localtime(slot.start), timezone.localtime(slot.end), slot.kind) for slot in Slot.objects.all()]
    meetings = [(start, end) for start, end, kind in local if kind == "meeting"]
    first_day = min(start.date() for start, _end in meetings)
    assert all(end - start == datetime.timedelta(minutes=30) for start, end in meetings)
    assert not [start for start, _end in meetings if datetime.time(13) <= start.time() < datetime.time(14)]
    # The opening ceremony runs 10:00–11:30 on the first day; the awards ceremony from 16:00 on the last.
    assert min(start for start, _end in meetings if start.date() == first_day).time() == datetime.time(11, 30)
    last_day = max(start.date() for start, _end in meetings)
    assert max(end for _start, end in meetings if end.date() == last_day).time() == datetime.time(16)
    per_day = [
        sum(1 for start, _end in meetings if start.date() == day) for day in sorted({s.date() for s, _ in meetings})
    ]
    assert per_day == [9, 12, 10]
    assert (MeetingWindow.objects.count(), MeetingBreak.objects.count()) == (3, 1)
    # Nothing overlaps: the next slot starts when one ends, or later.
    ordered = sorted(local)
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(ordered))


def test_demo_buyers_have_profiles_requests_in_every_state_and_agendas(client):
    demo_load()

    kenya = Participant.objects.get(registration__email="wanjiku.otieno@example.ke")
    assert (kenya.registration.category, kenya.registration.category_status) == ("buyer", "confirmed")
    assert "surgical instruments" in kenya.product_keywords
    assert kenya.country == "KE"
    assert list(kenya.sectors.values_list("slug", flat=True)) == ["surgical-instruments"]
    delegations = Participant.objects.filter(registration__category="foreign_delegate").order_by("country")
    assert [(p.country, bool(p.delegation_members)) for p in delegations] == [("AZ", True), ("MY", True)]
    assert set(Participant.objects.filter(kind="visitor").values_list("registration__category", flat=True)) == {
        "buyer",
        "foreign_delegate",
        "bank",
        "investor",
    }
    assert all(
        selectors.registration_can_take_part(registration)
        for registration in Registration.objects.filter(participant__isnull=False)
    )
    # Every listed demo exhibitor takes part.
    assert (
        Participant.objects.filter(kind="exhibitor").count()
        == Participant.objects.filter(kind="exhibitor", exhibitor__listed=True).count()
    )
    assert Participant.objects.filter(kind="exhibitor").count() >= 12
    states = set(MeetingRequest.objects.values_list("status", flat=True))
    assert states == {"pending", "accepted", "declined"}
    assert MeetingRequest.objects.filter(status="declined").exclude(decline_reason="").count() == 2
    assert MeetingRequest.objects.filter(sender__kind="exhibitor", receiver__kind="exhibitor").exists()
    # The bank is at the finance panel at noon on its only day.
    bank = Participant.objects.get(registration__category="bank")
    blocked = [timezone.localtime(block.slot.start).time() for block in bank.blocks.order_by("slot__start")]
    assert blocked == [datetime.time(12), datetime.time(12, 30)]
    # The published agendas hold every accepted request, and open from the manage link.
    accepted = MeetingRequest.objects.filter(status="accepted")
    meetings = Meeting.objects.filter(state__in=Meeting.STANDING)
    assert sorted(m.request_id for m in meetings) == sorted(accepted.values_list("pk", flat=True))
    assert all(m.slot.kind == "meeting" for m in meetings)
    assert all((m.table is None) == m.request.at_stall for m in meetings)
    run = SchedulerRun.objects.get()
    assert run.value == run.bound
    kenya = Registration.objects.get(email="wanjiku.otieno@example.ke")
    page = client.get(f"/matchmaking/{links.manage_token(kenya)}/agenda/").content.decode()
    assert "Hilal Surgical" in page
    assert "B2B lounge" in page
    assert "Kasur Tanners" not in page  # declined: not on the agenda
    # The first meetings are held and one missed; a stall scanned visitors' badges, some sharing their contact.
    assert Meeting.objects.filter(state="held").count() == 3
    assert Meeting.objects.filter(state="no_show").count() == 1
    leads = Lead.objects.filter(exhibitor__name="Hilal Surgical", source="stall_scan")
    assert leads.count() == 3
    assert {lead.registration.share_contact_with_exhibitors for lead in leads} == {True, False}


def test_demo_stall_leads_were_captured_on_the_expo_days_and_follow_up_sends_one_step_at_a_time():
    demo_load()
    expo = Lead.objects.first().expo
    zone = ZoneInfo(expo.time_zone)
    leads = list(Lead.objects.filter(source="stall_scan").prefetch_related("events"))

    for lead in leads:
        captured = timezone.localtime(lead.created_at, zone)
        assert captured.date() in expo.days
        assert datetime.time(10) <= captured.time() <= datetime.time(17)
        assert [event.at for event in lead.events.all()] == [lead.created_at]
        # Scanned at a stall: let in at a gate that day, before.
        checkin = CheckIn.objects.get(badge__registration=lead.registration, day=captured.date())
        assert checkin.scanned_at < lead.created_at

    def after_expo(days: int) -> datetime.datetime:
        return datetime.datetime.combine(expo.end_date + datetime.timedelta(days=days), datetime.time(10), zone)

    followup.follow_ups_send(now=after_expo(8))
    assert set(FollowUpEmail.objects.values_list("step__days_after", flat=True)) == {7}
    assert FollowUpEmail.objects.count() == 2 * len(leads)
    # A run long after (the demo loaded months on) sends the step then due, not every step it missed.
    followup.follow_ups_send(now=after_expo(200))
    followup.follow_ups_send(now=after_expo(200))
    assert sorted(FollowUpEmail.objects.values_list("step__days_after", flat=True)) == sorted(
        [7] * 2 * len(leads) + [180] * 2 * len(leads)
    )
