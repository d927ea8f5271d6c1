"""Taking part in matchmaking: who may (confirmed categories only), the profile, availability; who may not see it."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from matchmaking import selectors
from matchmaking.models import AvailabilityBlock, Meeting, MeetingSeat, Participant, Slot
from tests.factories import (
    ExhibitorParticipantFactory,
    MeetingRequestFactory,
    SlotFactory,
    TableFactory,
    confirmed_buyer,
    register_visitor,
)
from visitors import links
from visitors.models import Registration

pytestmark = pytest.mark.django_db


def visitor_url(registration, name="home", *args):
    return reverse(f"mm_visitor_{name}", args=[links.manage_token(registration), *args])


def profile_data(**overrides) -> dict:
    data = {
        "organisation": "Nairobi Med Supplies",
        "country": "KE",
        "product_keywords": "surgical scissors, forceps",
        "hs_codes": "9018.90",
        "volume": "USD 200,000 a year",
        "target_markets": "Kenya, Uganda",
        "languages": "English, Swahili",
        "delegation_members": "Otieno Mwangi\nAchieng Oduya",
    }
    data.update(overrides)
    return data


# --- Who may take part ----------------------------------------------------------------------------


def test_confirmed_buyer_opts_in_from_the_manage_link_with_a_profile(client, buyer_registration):
    response = client.get(visitor_url(buyer_registration))
    assert response.status_code == 200
    assert b'data-testid="mm-join"' in response.content
    assert response["Cache-Control"].count("no-store") == 1

    response = client.post(visitor_url(buyer_registration, "profile"), profile_data())

    assert response.status_code == 302
    participant = Participant.objects.get(registration=buyer_registration)
    assert participant.kind == Participant.Kind.VISITOR
    assert participant.expo == buyer_registration.expo
    assert (participant.organisation, participant.country, participant.hs_codes) == (
        "Nairobi Med Supplies",
        "KE",
        "9018.90",
    )
    assert participant.delegation_members == "Otieno Mwangi\nAchieng Oduya"
    page = client.get(visitor_url(buyer_registration)).content.decode()
    assert 'data-testid="mm-overview"' in page


@pytest.mark.parametrize("category_status", ["requested", "refused"])
def test_buyer_whose_category_the_desk_has_not_confirmed_gets_404(client, expo, category_status):
    registration = register_visitor(expo, category="buyer", designation="Buyer")
    Registration.objects.filter(pk=registration.pk).update(category_status=category_status)

    assert client.get(visitor_url(registration)).status_code == 404
    assert client.post(visitor_url(registration, "profile"), profile_data()).status_code == 404
    assert not Participant.objects.exists()


def test_confirmed_category_without_matchmaking_gets_404(client, expo):
    trade_visitor = register_visitor(expo, category="trade_visitor")
    media = confirmed_buyer(expo, category="media")

    assert client.get(visitor_url(trade_visitor)).status_code == 404
    assert client.get(visitor_url(media)).status_code == 404


def test_cancelled_registration_can_no_longer_take_part(client, buyer):
    Registration.objects.filter(pk=buyer.registration_id).update(status=Registration.Status.CANCELLED)

    assert client.get(visitor_url(buyer.registration)).status_code == 404


def test_altered_manage_link_is_404(client, buyer_registration):
    token = links.manage_token(buyer_registration)

    response = client.get(reverse("mm_visitor_home", args=[token[:-2] + "xx"]))

    assert response.status_code == 404


def test_profile_with_missing_organisation_and_bad_country_is_refused_and_saves_nothing(client, buyer_registration):
    response = client.post(visitor_url(buyer_registration, "profile"), profile_data(organisation="", country="XX"))

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"organisation", "country"}
    assert b'data-testid="form-errors"' in response.content
    assert not Participant.objects.exists()


def test_exhibitor_member_takes_part_from_the_dashboard_tab(client, member, exhibitor):
    client.force_login(member)
    dashboard = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk])).content.decode()
    assert reverse("mm_exhibitor_home", args=[exhibitor.pk]) in dashboard

    response = client.post(
        reverse("mm_exhibitor_profile", args=[exhibitor.pk]),
        profile_data(organisation="Hilal Surgical", country="PK", delegation_members="ignored"),
    )

    assert response.status_code == 302
    participant = Participant.objects.get(exhibitor=exhibitor)
    assert (participant.kind, participant.organisation, participant.delegation_members) == (
        "exhibitor",
        "Hilal Surgical",
        "",
    )


def test_exhibitor_pages_refuse_a_member_of_another_exhibitor_and_anonymous(client, outsider, exhibitor_participant):
    exhibitor = exhibitor_participant.exhibitor
    client.force_login(outsider)
    for name in ("home", "profile", "availability", "browse", "requests"):
        assert client.get(reverse(f"mm_exhibitor_{name}", args=[exhibitor.pk])).status_code == 404
    assert client.post(reverse("mm_exhibitor_leave", args=[exhibitor.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("mm_exhibitor_home", args=[exhibitor.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Participant.objects.get(pk=exhibitor_participant.pk).active


def test_leaving_stops_new_requests_and_hides_from_browsing(client, member, exhibitor_participant, buyer):
    client.force_login(member)
    client.post(reverse("mm_exhibitor_leave", args=[exhibitor_participant.exhibitor.pk]))

    exhibitor_participant.refresh_from_db()
    assert not exhibitor_participant.active
    page = client.get(visitor_url(buyer.registration, "browse")).content.decode()
    assert "Hilal Surgical" not in page


# --- Availability -------------------------------------------------------------------------------------


def test_buyer_availability_defaults_to_the_days_registered_for(expo, buyer):
    later_day = SlotFactory(
        expo=expo,
        start=Slot.objects.filter(expo=expo).first().start.replace(day=expo.start_date.day + 1),
        end=Slot.objects.filter(expo=expo).first().end.replace(day=expo.start_date.day + 1),
    )
    lunch = SlotFactory(expo=expo, kind=Slot.Kind.BREAK, label="Lunch")
    first_day = set(
        Slot.objects.filter(expo=expo, kind="meeting").exclude(pk=later_day.pk).values_list("pk", flat=True)
    )

    assert selectors.available_slot_ids(participant=buyer) == first_day
    assert later_day.pk not in first_day
    assert lunch.pk not in first_day


def test_exhibitor_availability_defaults_to_every_meeting_slot(expo, exhibitor_participant):
    meeting_slots = set(Slot.objects.filter(expo=expo, kind="meeting").values_list("pk", flat=True))

    assert selectors.available_slot_ids(participant=exhibitor_participant) == meeting_slots
    assert len(meeting_slots) == 4


def test_unticking_slots_blocks_them(client, expo, buyer):
    slots = list(Slot.objects.filter(expo=expo).order_by("start"))
    keep = [slots[0].pk, slots[2].pk]

    response = client.post(visitor_url(buyer.registration, "availability"), {"slots": keep})

    assert response.status_code == 302
    assert set(AvailabilityBlock.objects.filter(participant=buyer).values_list("slot_id", flat=True)) == {
        slots[1].pk,
        slots[3].pk,
    }
    assert selectors.available_slot_ids(participant=buyer) == set(keep)


def test_availability_with_a_slot_not_offered_is_refused_and_changes_nothing(client, expo, buyer):
    other_day = SlotFactory(
        expo=expo,
        start=Slot.objects.filter(expo=expo).first().start.replace(day=expo.start_date.day + 2),
        end=Slot.objects.filter(expo=expo).first().end.replace(day=expo.start_date.day + 2),
    )

    response = client.post(visitor_url(buyer.registration, "availability"), {"slots": [other_day.pk]})

    assert response.status_code == 200
    assert "slots" in response.context["form"].errors
    assert not AvailabilityBlock.objects.exists()


# --- The database rules of meetings ---------------------------------------------------------------------


def _meeting(request, slot, table=None, **kwargs):
    meeting = Meeting.objects.create(
        expo=request.expo, request=request, slot=slot, table=table, at_stall=table is None, **kwargs
    )
    for participant in (request.sender, request.receiver):
        MeetingSeat.objects.create(meeting=meeting, participant=participant, slot=slot)
    return meeting


def test_database_refuses_a_second_meeting_for_a_person_in_the_same_slot(expo, buyer):
    slot = Slot.objects.filter(expo=expo).first()
    first = MeetingRequestFactory(sender=buyer, status="accepted")
    second = MeetingRequestFactory(sender=buyer, status="accepted")
    _meeting(first, slot, TableFactory(expo=expo))

    with pytest.raises(IntegrityError), transaction.atomic():
        _meeting(second, slot, TableFactory(expo=expo))
    assert Meeting.objects.count() == 1


def test_database_refuses_two_meetings_at_one_table_in_one_slot(expo, buyer, other_buyer):
    slot = Slot.objects.filter(expo=expo).first()
    table = TableFactory(expo=expo)
    _meeting(MeetingRequestFactory(sender=buyer, status="accepted"), slot, table)

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            expo=expo, request=MeetingRequestFactory(sender=other_buyer, status="accepted"), slot=slot, table=table
        )


def test_database_refuses_a_stall_meeting_with_a_table_and_a_request_to_oneself(expo, buyer):
    slot = Slot.objects.filter(expo=expo).first()
    request = MeetingRequestFactory(sender=buyer, status="accepted")

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(expo=expo, request=request, slot=slot, table=TableFactory(expo=expo), at_stall=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingRequestFactory(sender=buyer, receiver=buyer)


def test_meeting_changes_are_kept_in_its_history(expo, buyer):
    slots = list(Slot.objects.filter(expo=expo))
    meeting = _meeting(MeetingRequestFactory(sender=buyer, status="accepted"), slots[0], TableFactory(expo=expo))
    meeting.slot = slots[1]
    meeting.save()

    assert [version.slot_id for version in meeting.history.order_by("history_id")] == [slots[0].pk, slots[1].pk]


def test_exhibitor_participant_factory_is_for_the_exhibitors_expo(exhibitor):
    participant = ExhibitorParticipantFactory(exhibitor=exhibitor)

    assert participant.expo == exhibitor.expo
