import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from expo import services
from expo.models import Invitation, OutboundEmail, TradeBodyMembership, User
from tests.factories import PASSWORD, StaffFactory, TradeBodyFactory

pytestmark = pytest.mark.django_db


def _invite(trade_body, email="naila@sialkotchamber.pk", **kwargs):
    """Invite through the service; return the invitation and the link token from the email."""
    with_commit = kwargs.pop("django_capture_on_commit_callbacks")
    with with_commit(execute=True):
        invitation = services.invitation_create(
            organisation=trade_body, email=email, invited_by=StaffFactory(), site_url="http://testserver/"
        )
    token = re.search(r"/invitations/([^/]+)/", mail.outbox[-1].body).group(1)
    return invitation, token


@pytest.fixture
def invite(trade_body, django_capture_on_commit_callbacks):
    def make(email="naila@sialkotchamber.pk", trade_body=trade_body):
        return _invite(trade_body, email, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    return make


def test_invitation_email_has_a_one_time_link_and_is_logged(invite, trade_body):
    invitation, token = invite()

    message = mail.outbox[-1]
    assert message.to == ["naila@sialkotchamber.pk"]
    assert trade_body.name in message.subject
    assert f"http://testserver/invitations/{token}/" in message.body
    assert message.alternatives[0][1] == "text/html"
    logged = OutboundEmail.objects.get(to="naila@sialkotchamber.pk")
    assert (logged.status, logged.attempts, logged.template) == ("sent", 1, "invitation")
    # Only a hash of the token is stored.
    assert token not in invitation.token_hash


def test_accepting_sets_a_password_and_lands_on_the_trade_body_dashboard(client, invite, trade_body):
    _invitation, token = invite()
    url = reverse("invitation_accept", args=[token])

    assert "naila@sialkotchamber.pk" in client.get(url).content.decode()
    response = client.post(url, {"full_name": "Naila Qureshi", "password1": PASSWORD, "password2": PASSWORD})

    assert response.url == reverse("trade_body_dashboard", args=[trade_body.pk])
    user = User.objects.get(email="naila@sialkotchamber.pk")
    assert user.check_password(PASSWORD)
    assert user.emailaddress_set.get().verified
    assert TradeBodyMembership.objects.filter(user=user, trade_body=trade_body).exists()
    dashboard = client.get(response.url)
    assert dashboard.status_code == 200
    assert 'data-testid="nominations-empty"' in dashboard.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": "Naila", "password1": PASSWORD, "password2": "something else"}, "password2", "differ"),
        ({"full_name": "Naila", "password1": "short", "password2": "short"}, "password1", "too short"),
        ({"full_name": "Naila", "password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"full_name": "", "password1": PASSWORD, "password2": PASSWORD}, "full_name", "required"),
    ],
)
def test_accepting_with_bad_input_shows_the_error_by_the_field_and_creates_nothing(
    client, invite, data, field, message
):
    _invitation, token = invite()

    response = client.post(reverse("invitation_accept", args=[token]), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(email="naila@sialkotchamber.pk").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_used_link_gets_a_clear_page_not_an_error(client, invite):
    _invitation, token = invite()
    url = reverse("invitation_accept", args=[token])
    client.post(url, {"full_name": "Naila", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()

    response = client.get(url)
    second_post = client.post(url, {"full_name": "Intruder", "password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert second_post.status_code == 410
    assert User.objects.filter(email="naila@sialkotchamber.pk").count() == 1


def test_an_expired_link_gets_a_clear_page(client, invite):
    invitation, token = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.post(
        reverse("invitation_accept", args=[token]), {"full_name": "N", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="naila@sialkotchamber.pk").exists()


def test_an_unknown_or_altered_token_is_not_found(client, invite):
    _invitation, token = invite()

    response = client.get(reverse("invitation_accept", args=[token[:-2] + "xx"]))

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_new_invitation_makes_the_earlier_link_stop_working(client, invite):
    _first, first_token = invite()
    _second, second_token = invite()

    assert client.get(reverse("invitation_accept", args=[first_token])).status_code == 410
    assert client.get(reverse("invitation_accept", args=[second_token])).status_code == 200


def test_inviting_a_current_member_is_refused(invite, member, trade_body):
    with pytest.raises(services.ExpoError, match="already a member"):
        invite(email=member.email.upper())


def test_a_signed_in_user_with_the_invited_email_joins_another_trade_body(client, invite, member, trade_body):
    other = TradeBodyFactory(name="Women Chamber of Commerce and Industry Lahore")
    _invitation, token = invite(email=member.email, trade_body=other)
    client.force_login(member)

    response = client.post(reverse("invitation_accept", args=[token]))

    assert response.url == reverse("trade_body_dashboard", args=[other.pk])
    assert set(member.trade_bodies.all()) == {other, trade_body}


def test_a_signed_in_user_cannot_take_an_invitation_sent_to_someone_else(client, invite, outsider, trade_body):
    _invitation, token = invite()
    client.force_login(outsider)

    client.post(reverse("invitation_accept", args=[token]))

    assert not outsider.trade_bodies.filter(pk=trade_body.pk).exists()
    assert Invitation.objects.get().accepted_at is None


# --- From the admin -------------------------------------------------------------


def test_staff_invite_from_the_trade_body_admin_page(
    client, staff_with_mfa, trade_body, django_capture_on_commit_callbacks
):
    client.force_login(staff_with_mfa)
    url = reverse("admin:expo_tradebody_invite", args=[trade_body.pk])
    assert url in client.get(reverse("admin:expo_tradebody_change", args=[trade_body.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Naila@SialkotChamber.pk"})

    assert response.status_code == 302
    assert Invitation.objects.get().email == "naila@sialkotchamber.pk"
    assert mail.outbox[-1].to == ["naila@sialkotchamber.pk"]


def test_staff_invite_with_a_bad_email_shows_the_error_and_sends_nothing(client, staff_with_mfa, trade_body):
    client.force_login(staff_with_mfa)

    response = client.post(reverse("admin:expo_tradebody_invite", args=[trade_body.pk]), {"email": "not-an-email"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_staff_without_the_invitation_permission_cannot_invite(client, trade_body):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    response = client.post(reverse("admin:expo_tradebody_invite", args=[trade_body.pk]), {"email": "x@example.pk"})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_trade_body_user_cannot_invite(client, member, trade_body):
    client.force_login(member)

    response = client.post(
        reverse("admin:expo_tradebody_invite", args=[trade_body.pk]), {"email": "x@example.pk"}, follow=True
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert User.objects.filter(email="x@example.pk").count() == 0
