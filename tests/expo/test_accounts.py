import io
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from expo.models import OutboundEmail, User
from tests.factories import PASSWORD, ExpoFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")


def _login(client, email, password):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def test_login_by_email_signs_in_and_goes_to_dashboard(client):
    user = UserFactory(email="amna@sialkotchamber.pk")

    response = _login(client, "Amna@SialkotChamber.pk", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_wrong_password_is_refused_with_a_clear_message(client):
    UserFactory(email="amna@sialkotchamber.pk")

    response = _login(client, "amna@sialkotchamber.pk", "not the password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_login_repeated_failures_are_rate_limited_even_with_the_right_password(client):
    UserFactory(email="amna@sialkotchamber.pk")
    for _attempt in range(5):
        _login(client, "amna@sialkotchamber.pk", "wrong guess")

    response = _login(client, "amna@sialkotchamber.pk", PASSWORD)

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_signup_is_closed_accounts_come_from_invitations(client):
    response = client.post(
        reverse("account_signup"), {"email": "new@example.pk", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="new@example.pk").exists()


@pytest.mark.parametrize("path", ["/admin/", "/admin/expo/tradebody/", "/admin/expo/outboundemail/"])
def test_staff_without_mfa_is_sent_to_mfa_setup_before_any_admin_page(client, path):
    client.force_login(StaffFactory(is_superuser=True))

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_staff_who_set_up_mfa_and_passed_it_reaches_the_admin(client, staff_with_mfa):
    response = _login(client, staff_with_mfa.email, PASSWORD)
    assert response.url == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(staff_with_mfa.totp_secret, next(yield_hotp_counters_from_time())))

    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302

    assert client.get("/admin/").status_code == 200


def test_staff_login_without_the_mfa_code_does_not_reach_the_admin(client, staff_with_mfa):
    _login(client, staff_with_mfa.email, PASSWORD)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/expo/expo/")

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Fadmin%2Fexpo%2Fexpo%2F"


def test_admin_login_passes_next_on_encoded_so_that_no_second_next_slips_in(client):
    response = client.get("/admin/login/", {"next": "/admin/&next=https://elsewhere.example/"})

    query = parse_qs(urlsplit(response.url).query)
    assert query == {"next": ["/admin/&next=https://elsewhere.example/"]}


def test_a_user_staff_create_in_the_admin_signs_in_without_confirming_their_email(client, staff_with_mfa):
    client.force_login(staff_with_mfa)
    client.post(
        reverse("admin:expo_user_add"),
        {"email": "Bilal@SMEDA.org.pk", "full_name": "Bilal Ahmed", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.logout()

    response = _login(client, "bilal@smeda.org.pk", PASSWORD)

    assert response.url == reverse("dashboard")
    assert EmailAddress.objects.get(user__email="bilal@smeda.org.pk").verified
    assert not OutboundEmail.objects.filter(to="bilal@smeda.org.pk").exists()


def test_a_confirmation_email_names_the_expo_and_does_not_say_they_registered(
    client, django_capture_on_commit_callbacks
):
    ExpoFactory(name="Made in Pakistan SME Cluster Showcase 2026")
    user = UserFactory(email="hina@example.pk")
    EmailAddress.objects.filter(user=user).update(verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        _login(client, "hina@example.pk", PASSWORD)

    body = mail.outbox[-1].body
    assert "Hello from Made in Pakistan SME Cluster Showcase 2026!" in body
    assert "register" not in body
    assert "/accounts/confirm-email/" in body


def test_local_mode_lets_staff_in_without_mfa_and_says_so(client, settings):
    settings.EXPO_STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(is_superuser=True))

    admin_page = client.get("/admin/")
    home_page = client.get("/")

    assert admin_page.status_code == 200
    assert 'data-testid="mfa-off-banner"' in admin_page.content.decode()
    assert 'data-testid="mfa-off-banner"' in home_page.content.decode()


def test_mfa_banner_is_absent_when_mfa_is_required(client, staff_with_mfa):
    client.force_login(staff_with_mfa)

    assert 'data-testid="mfa-off-banner"' not in client.get("/").content.decode()


def test_sign_in_page_offers_no_sign_up(client):
    page = client.get(LOGIN_URL).content.decode()

    assert reverse("account_signup") not in page
    assert "Visitors do not need an account" in page


def test_password_reset_goes_through_the_outbox_and_sets_a_new_password(client, django_capture_on_commit_callbacks):
    from django.core import mail

    from expo.models import OutboundEmail

    UserFactory(email="amna@sialkotchamber.pk")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "amna@sialkotchamber.pk"})

    logged = OutboundEmail.objects.get(to="amna@sialkotchamber.pk")
    assert logged.status == OutboundEmail.Status.SENT
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/key/" in line)
    form_url = client.get(link.strip().removeprefix("http://testserver")).url
    new_password = "a new and long enough password"
    client.post(form_url, {"password1": new_password, "password2": new_password})

    assert _login(client, "amna@sialkotchamber.pk", new_password).url == reverse("dashboard")


def test_a_superuser_made_with_createsuperuser_signs_in_without_confirming_their_email(client):
    call_command("createsuperuser", email="Root@SMEDA.org.pk", interactive=False, stdout=io.StringIO())
    user = User.objects.get(email="root@smeda.org.pk")
    user.set_password(PASSWORD)
    user.save()

    assert EmailAddress.objects.get(user=user).verified
    assert _login(client, "root@smeda.org.pk", PASSWORD).url == reverse("dashboard")
    assert not OutboundEmail.objects.filter(to="root@smeda.org.pk").exists()
