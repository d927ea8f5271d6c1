"""A date is written one way per language everywhere: the admin, the public pages, the emails and the gate."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from expo import roles, services
from tests.conftest import add_to_role
from tests.factories import ExpoFactory, StaffFactory, TradeBodyFactory, UserFactory

pytestmark = pytest.mark.django_db

URDU_JANUARY = "جنوری"


def test_the_admin_writes_dates_as_the_public_pages_do(client, staff_with_mfa):
    ExpoFactory(year=2041)
    client.force_login(staff_with_mfa)

    admin_page = client.get(reverse("admin:expo_expo_changelist")).content.decode()
    client.logout()
    public_page = client.get("/").content.decode()

    assert "24 January 2041" in admin_page
    assert "Jan. 24, 2041" not in admin_page
    assert "26 January 2041" in public_page


def test_urdu_pages_write_the_day_the_urdu_month_and_the_year(client):
    ExpoFactory(year=2041)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"

    page = client.get("/").content.decode()

    assert f"26 {URDU_JANUARY} 2041" in page


def test_the_gate_day_list_names_the_day_as_the_pages_do(client):
    today = timezone.localdate()
    ExpoFactory(year=today.year, start_date=today, end_date=today)
    gate_staff = UserFactory()
    add_to_role(gate_staff, roles.GATE_STAFF)
    client.force_login(gate_staff)

    english = client.get(reverse("gate_day_list"), HTTP_ACCEPT="application/json").json()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    urdu = client.get(reverse("gate_day_list"), HTTP_ACCEPT="application/json").json()

    assert english["day"] == today.isoformat()
    assert english["day_label"] == f"{today.day} {today.strftime('%B')} {today.year}"
    with translation.override("ur"):
        assert urdu["day_label"] == f"{today.day} {translation.gettext(today.strftime('%B'))} {today.year}"
    assert urdu["day_label"] != english["day_label"]


def test_an_invitation_email_writes_its_expiry_the_same_way(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        invitation = services.invitation_create(
            organisation=TradeBodyFactory(), email="naila@example.pk", invited_by=StaffFactory(), site_url="http://x/"
        )

    expires = timezone.localtime(invitation.expires_at)
    assert f"{expires.day} {expires.strftime('%B')} {expires.year}, {expires.strftime('%H:%M')}" in mail.outbox[0].body


def test_a_typed_date_is_read_day_first():
    with translation.override("en"):
        assert forms.DateField().clean("01/12/2026") == datetime.date(2026, 12, 1)
        assert forms.DateField().clean("2026-12-01") == datetime.date(2026, 12, 1)
