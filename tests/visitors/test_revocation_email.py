"""A badge's holder is told when staff revoke it and when they lift the revocation: by email through the outbox, in
the registration's language, with the reason staff gave and where to ask. Turned away at the gate without a word,
they would learn it only there."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from expo.models import OutboundEmail
from tests.conftest import staff_member
from tests.factories import BoothStaffFactory, ExhibitorFactory, register_visitor
from visitors import services
from visitors.models import Badge

pytestmark = pytest.mark.django_db(transaction=True)

BADGES = reverse("admin:visitors_badge_changelist")
TEMPLATE = "visitor_badge_revocation"


def _staff_action(client, action: str, badge: Badge, reason: str):
    return client.post(BADGES, {"action": action, "_selected_action": [badge.pk], "confirm": "yes", "reason": reason})


def _told(to: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(template=TEMPLATE, to=to).order_by("pk"))


def test_revoking_a_badge_emails_its_holder_once_with_the_reason_and_the_desk(client, expo, desk_admin):
    registration = register_visitor(expo, email="ali@example.pk", full_name="Ali Raza")
    badge = registration.badge
    client.force_login(desk_admin)

    _staff_action(client, "revoke_selected", badge, "Resold the badge to someone else")
    _staff_action(client, "revoke_selected", badge, "Asked twice")  # already revoked: nothing new happens

    (email,) = _told("ali@example.pk")
    assert email.subject == f"Your badge for {expo.name} has been withdrawn"
    assert email.body_text.startswith("Dear Ali Raza,\n")
    assert f"have withdrawn your badge {badge.number}: it no longer opens the gate." in email.body_text
    assert "Resold the badge to someone else" in email.body_text
    assert "Asked twice" not in email.body_text
    assert f"registration desk at {expo.venue}, {expo.city}" in email.body_text
    assert "Resold the badge to someone else" in email.body_html
    assert email.attachment == ""  # a withdrawn badge is not sent


def test_lifting_the_revocation_emails_the_holder_that_the_badge_opens_the_gate_again(client, expo, desk_admin):
    registration = register_visitor(expo, email="ali@example.pk")
    badge = services.badge_revoke(badge=registration.badge, reason="Reported lost", by=None)
    client.force_login(desk_admin)

    _staff_action(client, "restore_selected", badge, "Found at the desk")

    _revoked, lifted = _told("ali@example.pk")
    assert lifted.subject == f"Your badge for {expo.name} is no longer withdrawn"
    assert "It opens the gate again." in lifted.body_text
    assert "Found at the desk" in lifted.body_text
    assert "Reported lost" not in lifted.body_text
    # The link to the registration (and its badge) is sealed in the outbox and put in only as it is sent.
    assert "/register/manage/" not in lifted.body_text
    (sent,) = [message for message in mail.outbox if message.subject == lifted.subject]
    assert "http://testserver/register/manage/" in sent.body


def test_lifting_the_revocation_of_a_cancelled_registration_says_the_badge_stays_shut(expo):
    registration = register_visitor(expo, email="ali@example.pk")
    services.badge_revoke(badge=registration.badge, reason="Lost", by=None)
    services.registration_cancel(registration=registration)

    services.badge_revocation_lift(badge=registration.badge, reason="Mistake", by=None)

    lifted = _told("ali@example.pk")[-1]
    assert "It still does not open the gate, because your registration is cancelled." in lifted.body_text
    assert lifted.sealed_secrets == ""  # no link to a cancelled registration


def test_the_email_is_in_the_language_the_holder_registered_in(expo):
    registration = register_visitor(expo, email="sana@example.pk", full_name="Sana", language="ur")

    services.badge_revoke(badge=registration.badge, reason="Duplicate", by=None)

    (email,) = _told("sana@example.pk")
    assert email.body_text.startswith("محترم Sana،")
    assert "Duplicate" in email.body_text


def test_booth_staff_are_emailed_only_when_the_exhibitor_gave_their_address(expo):
    exhibitor = ExhibitorFactory(expo=expo)
    with_email = BoothStaffFactory(exhibitor=exhibitor, full_name="Usman", email="usman@example.pk")
    BoothStaffFactory(exhibitor=exhibitor, full_name="Zara", email="")
    services.badges_for_booth_staff(expo=expo)

    for badge in Badge.objects.filter(booth_staff__exhibitor=exhibitor):
        services.badge_revoke(badge=badge, reason="Left the company", by=None)

    (email,) = OutboundEmail.objects.filter(template=TEMPLATE)
    assert email.to == with_email.email
    assert email.body_text.startswith("Dear Usman,\n")
    assert "Left the company" in email.body_text


def test_a_badge_issued_by_hand_is_revoked_without_an_email(expo):
    badge = services.badge_issue(expo=expo, type="staff", full_name="Organiser")

    services.badge_revoke(badge=badge, reason="Not needed", by=None)

    assert not OutboundEmail.objects.filter(template=TEMPLATE).exists()


def test_staff_who_may_only_view_badges_cause_no_email(client, expo):
    registration = register_visitor(expo, email="ali@example.pk")
    viewer = staff_member()
    viewer.user_permissions.add(Permission.objects.get(content_type__app_label="visitors", codename="view_badge"))
    client.force_login(viewer)

    _staff_action(client, "revoke_selected", registration.badge, "Trying")

    assert not Badge.objects.get(pk=registration.badge.pk).revoked
    assert _told("ali@example.pk") == []
