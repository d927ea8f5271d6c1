"""The matchmaking desk's admin: the desk manages matchmaking, other staff roles see none of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from expo import roles
from matchmaking.models import Slot
from tests.conftest import staff_member
from tests.factories import MeetingRequestFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = ["participant", "slot", "table", "meetingrequest", "meeting", "schedulerrun", "matchmakingsettings"]


@pytest.fixture
def desk(db):
    return staff_member(roles.MATCHMAKING_DESK, full_name="Hina Desk")


@pytest.fixture
def floor_manager(db):
    return staff_member(roles.FLOOR_MANAGERS, full_name="Sana Iqbal")


def test_matchmaking_desk_opens_every_matchmaking_list(client, desk, buyer):
    MeetingRequestFactory(sender=buyer)
    client.force_login(desk)

    for model in CHANGELISTS:
        assert client.get(reverse(f"admin:matchmaking_{model}_changelist")).status_code == 200, model
    page = client.get(reverse("admin:matchmaking_participant_change", args=[buyer.pk])).content.decode()
    assert "Nairobi Med Supplies" in page


def test_other_staff_roles_are_refused_matchmaking_admin(client, floor_manager, buyer):
    client.force_login(floor_manager)

    for model in CHANGELISTS:
        assert client.get(reverse(f"admin:matchmaking_{model}_changelist")).status_code == 403, model
    assert client.get(reverse("admin:matchmaking_participant_change", args=[buyer.pk])).status_code == 403


def test_requests_are_read_only_in_the_admin(client, desk, buyer):
    request = MeetingRequestFactory(sender=buyer)
    client.force_login(desk)

    response = client.post(
        reverse("admin:matchmaking_meetingrequest_change", args=[request.pk]), {"status": "accepted"}
    )

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"


def test_slot_overlapping_another_is_refused_in_the_admin(client, desk, expo):
    first = Slot.objects.filter(expo=expo).order_by("start").first()
    client.force_login(desk)
    start = timezone.localtime(first.start) + datetime.timedelta(minutes=15)
    end = start + datetime.timedelta(minutes=30)

    response = client.post(
        reverse("admin:matchmaking_slot_add"),
        {
            "expo": expo.pk,
            "start_0": f"{start:%Y-%m-%d}",
            "start_1": f"{start:%H:%M:%S}",
            "end_0": f"{end:%Y-%m-%d}",
            "end_1": f"{end:%H:%M:%S}",
            "kind": "meeting",
            "label": "",
        },
    )

    assert response.status_code == 200
    assert "This slot overlaps another slot of the expo." in response.content.decode()
    assert Slot.objects.filter(expo=expo).count() == 4
