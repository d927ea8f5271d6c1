"""The visitors admin: lists with their filters, and the actions that go through the services."""

import pytest
from django.urls import reverse

from tests.factories import BoothStaffFactory, ExhibitorFactory, ExpoFactory, register_visitor
from visitors.models import Badge, BadgeBatch, DayCapacity, Registration

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = ["daycapacity", "gate", "registration", "badge", "scan", "checkin", "badgebatch"]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open_with_filters(client, staff_with_mfa, expo, model):
    register_visitor(expo)
    ExpoFactory(is_current=False)  # a filter by edition shows once there are two
    client.force_login(staff_with_mfa)
    response = client.get(reverse(f"admin:visitors_{model}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].has_filters


def test_cancel_action_promotes_the_waitlist(client, staff_with_mfa, expo):
    DayCapacity.objects.create(expo=expo, date=expo.start_date, capacity=1)
    holder = register_visitor(expo)
    waiting = register_visitor(expo)
    client.force_login(staff_with_mfa)
    client.post(
        reverse("admin:visitors_registration_changelist"),
        {"action": "cancel_selected", "_selected_action": [holder.pk]},
    )
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert Registration.objects.get(pk=holder.pk).status == "cancelled"


def test_badge_actions_issue_booth_staff_badges_revoke_and_print(client, staff_with_mfa, expo):
    BoothStaffFactory(exhibitor=ExhibitorFactory(expo=expo), full_name="Kamran Butt")
    client.force_login(staff_with_mfa)
    url = reverse("admin:visitors_badge_changelist")
    visitor = register_visitor(expo)
    client.post(url, {"action": "issue_booth_staff", "_selected_action": [visitor.badge.pk]})
    staff_badge = Badge.objects.get(type="exhibitor")
    assert staff_badge.full_name == "Kamran Butt"
    response = client.post(url, {"action": "print_selected", "_selected_action": [staff_badge.pk, visitor.badge.pk]})
    batch = BadgeBatch.objects.get()
    assert response.url == reverse("badge_batch", args=[batch.pk])
    assert batch.total == 2
    asked = client.post(url, {"action": "revoke_selected", "_selected_action": [visitor.badge.pk]})
    assert 'name="reason"' in asked.content.decode()  # a revocation asks why first
    assert not Badge.objects.get(pk=visitor.badge.pk).revoked
    reason = {"confirm": "yes", "reason": "Reported stolen"}
    client.post(url, {"action": "revoke_selected", "_selected_action": [visitor.badge.pk]} | reason)
    assert Badge.objects.get(pk=visitor.badge.pk).revoked


def test_badge_edit_raises_its_version(client, staff_with_mfa, expo):
    badge = register_visitor(expo).badge
    client.force_login(staff_with_mfa)
    client.post(
        reverse("admin:visitors_badge_change", args=[badge.pk]),
        {"full_name": "Ali Raza Khan", "organisation": "Raza Traders"},
    )
    badge.refresh_from_db()
    assert (badge.full_name, badge.version, badge.pdf_version) == ("Ali Raza Khan", 2, 2)


def test_staff_add_a_jury_badge_valid_every_day(client, staff_with_mfa, expo):
    client.force_login(staff_with_mfa)
    response = client.post(
        reverse("admin:visitors_badge_add"),
        {"type": "jury", "full_name": "Dr Saima Hameed", "organisation": "LUMS"},
    )
    assert response.status_code == 302
    badge = Badge.objects.get()
    assert (badge.type, badge.full_name, badge.all_days, badge.expo) == ("jury", "Dr Saima Hameed", True, expo)
    assert badge.pdf_is_current


def test_staff_cannot_add_a_badge_without_a_name(client, staff_with_mfa, expo):
    client.force_login(staff_with_mfa)
    response = client.post(reverse("admin:visitors_badge_add"), {"type": "jury", "full_name": ""})
    assert response.status_code == 200
    assert "full_name" in response.context["adminform"].form.errors
    assert Badge.objects.count() == 0
