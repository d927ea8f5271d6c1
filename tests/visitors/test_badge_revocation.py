"""A staff revocation is not the holder's cancellation: it survives the holder cancelling and registering again,
and only staff lift it, with a reason kept in the badge's history."""

import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from expo.models import OutboundEmail
from tests.conftest import staff_member
from tests.factories import GateFactory, register_visitor
from visitors import badges, links, services
from visitors.models import Badge, BadgeRevocation, Registration

pytestmark = pytest.mark.django_db(transaction=True)

BADGES = reverse("admin:visitors_badge_changelist")


def _form(expo, **overrides):
    data = {
        "category": "trade_visitor",
        "full_name": "Ali Raza",
        "email": "ali@example.pk",
        "phone": "+92 300 1234567",
        "organisation": "Raza Traders",
        "country": "PK",
        "city": "Lahore",
        "days": [expo.start_date.isoformat()],
        "consent": "on",
        "website": "",
    }
    return data | overrides


def _last_link(to: str, kind: str) -> str:
    """The path of the ``kind`` link in the last email sent to ``to`` (as sent: the outbox stores it hidden)."""
    body = [message for message in mail.outbox if message.to == [to]][-1].body
    return re.search(rf"http://testserver(/register/{kind}/[^/\s]+/)", body).group(1)


def _scan(expo, badge) -> str:
    badge.refresh_from_db()
    gate = GateFactory(expo=expo)
    return services.scan_record(gate=gate, payload=badges.badge_payload(badge), scan_id=uuid.uuid4())["outcome"]


def test_a_staff_revocation_survives_the_holder_cancelling_and_registering_again(client, running_expo, desk_admin):
    expo = running_expo
    client.post(reverse("register"), _form(expo))
    registration = Registration.objects.get()
    badge = registration.badge
    desk = desk_admin
    client.force_login(desk)
    asked = client.post(BADGES, {"action": "revoke_selected", "_selected_action": [badge.pk]})
    client.post(
        BADGES,
        {"action": "revoke_selected", "_selected_action": [badge.pk], "confirm": "yes", "reason": "Resold the badge"},
    )
    client.logout()

    # The holder cancels through the manage link, then registers again with the same email and confirms.
    token = links.manage_token(registration)
    client.post(reverse("registration_cancel", args=[token]))
    client.post(reverse("register"), _form(expo, full_name="Ali Raza Again"))
    assert Badge.objects.get(pk=badge.pk).revoked
    client.post(_last_link("ali@example.pk", "confirm"))

    registration.refresh_from_db()
    badge.refresh_from_db()
    assert registration.status == "confirmed"  # registered again ...
    assert (badge.revoked, badge.staff_revoked) == (True, True)  # ... but the badge stays revoked
    assert _scan(expo, badge) == "revoked"
    manage = client.get(reverse("registration_manage", args=[token])).content.decode()
    assert 'data-testid="badge-withdrawn"' in manage
    assert 'data-testid="download-badge"' not in manage
    assert client.get(reverse("registration_badge", args=[token])).status_code == 404
    last = OutboundEmail.objects.filter(to="ali@example.pk").order_by("pk").last()
    assert "withdrawn your badge" in last.body_text
    assert last.attachment == ""
    assert 'name="reason"' in asked.content.decode()
    [revocation] = BadgeRevocation.objects.all()
    assert (revocation.revoked, revocation.reason, revocation.by) == (True, "Resold the badge", desk)


def test_only_staff_lift_a_revocation_and_only_with_a_reason(client, expo, desk_admin):
    registration = register_visitor(expo)
    badge = services.badge_revoke(badge=registration.badge, reason="Lost", by=None)
    desk = desk_admin
    client.force_login(desk)

    without_reason = client.post(
        BADGES, {"action": "restore_selected", "_selected_action": [badge.pk], "confirm": "yes", "reason": "  "}
    )
    assert "This field is required." in without_reason.content.decode()
    assert Badge.objects.get(pk=badge.pk).revoked

    client.post(
        BADGES,
        {"action": "restore_selected", "_selected_action": [badge.pk], "confirm": "yes", "reason": "Found at the desk"},
    )

    badge.refresh_from_db()
    assert (badge.revoked, badge.staff_revoked) == (False, False)
    history = list(BadgeRevocation.objects.order_by("pk").values_list("revoked", "reason", "by"))
    assert history == [(True, "Lost", None), (False, "Found at the desk", desk.pk)]
    page = client.get(reverse("admin:visitors_badge_change", args=[badge.pk])).content.decode()
    assert "Found at the desk" in page
    assert "Lost" in page


def test_the_service_refuses_a_revocation_without_a_reason(expo):
    badge = register_visitor(expo).badge
    with pytest.raises(services.RegistrationError, match="Give the reason"):
        services.badge_revoke(badge=badge, reason=" ", by=None)
    assert not Badge.objects.get(pk=badge.pk).revoked
    assert BadgeRevocation.objects.count() == 0


def test_lifting_the_revocation_of_a_cancelled_registration_leaves_its_badge_shut(expo):
    registration = register_visitor(expo)
    services.badge_revoke(badge=registration.badge, reason="Lost", by=None)
    services.registration_cancel(registration=registration)

    badge = services.badge_revocation_lift(badge=registration.badge, reason="Mistake", by=None)

    assert (badge.revoked, badge.staff_revoked) == (True, False)


def test_the_holder_cannot_lift_a_revocation_through_the_public_pages(client, expo):
    registration = register_visitor(expo)
    services.badge_revoke(badge=registration.badge, reason="Lost", by=None)
    token = links.manage_token(registration)

    client.post(reverse("registration_manage", args=[token]), {"days": [day.isoformat() for day in expo.days]})
    changed_days = client.post(reverse("registration_manage", args=[token]), {"days": [expo.end_date.isoformat()]})

    assert changed_days.status_code == 302
    assert Badge.objects.get(pk=registration.badge.pk).revoked


def test_staff_who_may_only_view_badges_can_neither_revoke_nor_lift(client, expo):
    from django.contrib.auth.models import Permission

    badge = register_visitor(expo).badge
    viewer = staff_member()
    viewer.user_permissions.add(Permission.objects.get(content_type__app_label="visitors", codename="view_badge"))
    client.force_login(viewer)

    page = client.get(BADGES).content.decode()
    client.post(BADGES, {"action": "revoke_selected", "_selected_action": [badge.pk], "confirm": "yes", "reason": "x"})

    assert 'value="revoke_selected"' not in page
    assert not Badge.objects.get(pk=badge.pk).revoked
    assert BadgeRevocation.objects.count() == 0
