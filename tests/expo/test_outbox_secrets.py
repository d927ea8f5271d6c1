"""The outbox never keeps a secret link readable: invitation, password reset and visitor manage links stand as
markers in the stored email, go out whole, and are erased once sent. Sending again needs the change permission."""

import importlib
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from expo import services
from expo.models import OutboundEmail
from tests.conftest import staff_member
from tests.factories import ExpoFactory, StaffFactory, TradeBodyFactory, UserFactory, register_visitor

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:expo_outboundemail_changelist")


def _stored_text(email: OutboundEmail) -> str:
    email.refresh_from_db()
    return " ".join([email.subject, email.body_text, email.body_html, email.sealed_secrets])


def _invite(django_capture_on_commit_callbacks, *, execute: bool = True):
    with django_capture_on_commit_callbacks(execute=execute):
        services.invitation_create(
            organisation=TradeBodyFactory(name="Lahore Chamber"),
            email="naila@example.pk",
            invited_by=StaffFactory(),
            site_url="http://testserver/",
        )
    return OutboundEmail.objects.get(to="naila@example.pk")


def test_an_invitation_is_stored_without_its_link_and_sent_with_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.invitation_create(
            organisation=TradeBodyFactory(name="Lahore Chamber"),
            email="naila@example.pk",
            invited_by=StaffFactory(),
            site_url="http://testserver/",
        )
    queued = OutboundEmail.objects.get(to="naila@example.pk")
    assert "/invitations/" not in _stored_text(queued)
    assert "[hidden accept_url " in queued.body_text
    assert queued.sealed_secrets != ""

    for callback in callbacks:
        callback()

    sent = mail.outbox[-1]
    token = re.search(r"http://testserver/invitations/([^/\s]+)/", sent.body).group(1)
    assert f'href="http://testserver/invitations/{token}/"' in sent.alternatives[0][0]
    assert "[hidden" not in sent.body + sent.alternatives[0][0]
    # Once sent, the link is nowhere in the database, not even sealed.
    assert token not in _stored_text(queued)
    assert (queued.status, queued.sealed_secrets) == (OutboundEmail.Status.SENT, "")


def test_a_password_reset_is_stored_without_its_link(client, django_capture_on_commit_callbacks):
    UserFactory(email="amna@example.pk")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "amna@example.pk"})

    stored = OutboundEmail.objects.get(to="amna@example.pk")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    assert "/accounts/password/reset/key/" not in _stored_text(stored)
    assert client.get(link).status_code == 302  # the sent link works: on to the new password form


def test_a_visitor_registration_is_stored_without_its_manage_link(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_visitor(ExpoFactory(), email="ali@example.pk")

    stored = OutboundEmail.objects.get(to="ali@example.pk")
    assert "/register/manage/" not in _stored_text(stored)
    assert "/register/manage/" in mail.outbox[-1].body
    assert registration.full_name in stored.body_text


def test_a_secret_is_escaped_in_the_html_body(django_capture_on_commit_callbacks):
    context = {"organisation": TradeBodyFactory(name="Lahore Chamber"), "expires_at": None}
    with django_capture_on_commit_callbacks(execute=True):
        services.email_queue(
            to="naila@example.pk",
            template="invitation",
            context=context,
            secret_context={"accept_url": 'http://testserver/invitations/a"b&c/'},
        )

    html = mail.outbox[0].alternatives[0][0]
    assert 'href="http://testserver/invitations/a&quot;b&amp;c/"' in html
    assert 'http://testserver/invitations/a"b&c/' in mail.outbox[0].body


def test_an_email_sealed_under_another_key_fails_with_a_reason_and_sends_nothing(
    settings, django_capture_on_commit_callbacks
):
    queued = _invite(django_capture_on_commit_callbacks, execute=False)
    settings.SECRET_KEY = "another key entirely, as after a rotation"

    services.email_deliver(email_id=queued.pk, final_attempt=False)

    queued.refresh_from_db()
    assert queued.status == OutboundEmail.Status.FAILED
    assert "SECRET_KEY" in queued.last_error
    assert mail.outbox == []


def test_the_admin_shows_no_link_and_no_sealed_value(client, django_capture_on_commit_callbacks):
    queued = _invite(django_capture_on_commit_callbacks, execute=False)
    client.force_login(staff_member(is_superuser=True))

    page = client.get(reverse("admin:expo_outboundemail_change", args=[queued.pk])).content.decode()

    assert "[hidden accept_url " in page
    assert "/invitations/" not in page
    assert queued.sealed_secrets not in page


def _failed_email(django_capture_on_commit_callbacks) -> OutboundEmail:
    email = _invite(django_capture_on_commit_callbacks, execute=False)
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.FAILED)
    return email


def _send_again(client, email: OutboundEmail):
    return client.post(CHANGELIST, {"action": "send_again", "_selected_action": [email.pk]})


def test_staff_who_may_only_view_the_outbox_cannot_send_again(client, django_capture_on_commit_callbacks):
    failed = _failed_email(django_capture_on_commit_callbacks)
    viewer = staff_member()
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    client.force_login(viewer)

    assert 'value="send_again"' not in client.get(CHANGELIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _send_again(client, failed)

    failed.refresh_from_db()
    assert (failed.status, mail.outbox) == (OutboundEmail.Status.FAILED, [])


def test_staff_who_may_change_the_outbox_send_again(client, django_capture_on_commit_callbacks):
    failed = _failed_email(django_capture_on_commit_callbacks)
    sender = staff_member()
    sender.user_permissions.add(*Permission.objects.filter(codename__in=["view_outboundemail", "change_outboundemail"]))
    client.force_login(sender)

    with django_capture_on_commit_callbacks(execute=True):
        _send_again(client, failed)

    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SENT
    assert re.search(r"http://testserver/invitations/[^/\s]+/", mail.outbox[-1].body)


def test_emails_stored_before_the_change_have_their_links_hidden():
    from django.apps import apps

    migration = importlib.import_module("expo.migrations.0006_hide_stored_secret_links")
    old = OutboundEmail.objects.create(
        to="naila@example.pk",
        template="invitation",
        subject="Join Lahore Chamber",
        body_text="Choose your password:\nhttp://testserver/invitations/LiveToken123/\nThanks.",
        body_html='<a href="http://testserver/register/manage/abc:def/">Manage</a> <a href="/directory/">Directory</a>',
    )

    migration.hide_secret_links(apps, None)

    old.refresh_from_db()
    assert old.body_text == "Choose your password:\n[hidden link]\nThanks."
    assert old.body_html == '<a href="[hidden link]">Manage</a> <a href="/directory/">Directory</a>'
