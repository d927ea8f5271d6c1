"""Every page that needs a staff permission needs staff MFA too, in the admin and outside it: gate and desk staff
(not admin users) and admin users alike. A browser is sent to set up an authenticator, a script gets a 403 JSON
answer; someone without the permission still gets a 404; the local mode lets them in and says so."""

import json

import pytest
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Permission
from django.urls import reverse

from expo import roles
from tests.conftest import add_to_role, staff_member, with_totp
from tests.factories import (
    PASSWORD,
    ExpoFactory,
    GateFactory,
    NominationFactory,
    StaffFactory,
    TradeBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MFA_SETUP = reverse("mfa_activate_totp")
DESK_PAGES = [
    reverse("desk_register"),
    reverse("visitor_numbers"),
    reverse("visitor_numbers_export", args=["csv"]),
    reverse("badge_batches"),
    reverse("badge_batch", args=[1]),
    reverse("badge_batch_pdf", args=[1]),
]
GATE_PAGE = reverse("gate")
SCAN = {"payload": "not a badge", "scan_id": "8b0f6a52-55b5-4b8c-9d1c-2b1f5c7e1a01", "gate": 1, "scanned_at": ""}


@pytest.fixture
def expo(db):
    return ExpoFactory()


def _role_user(role: str, *, mfa: bool):
    user = UserFactory()
    add_to_role(user, role, mfa=mfa)
    return user


def _gate_api_calls(client, gate_pk: int) -> dict:
    """The gate's script calls, as gate.js makes them."""
    scan = {**SCAN, "gate": gate_pk}
    return {
        "day list": client.get(reverse("gate_day_list"), HTTP_ACCEPT="application/json"),
        "scan": client.post(reverse("gate_scan"), json.dumps(scan), content_type="application/json"),
        "sync": client.post(reverse("gate_sync"), json.dumps({"scans": [scan]}), content_type="application/json"),
    }


@pytest.mark.parametrize("path", DESK_PAGES)
def test_desk_pages_send_desk_staff_without_mfa_to_set_it_up(client, expo, path):
    client.force_login(_role_user(roles.REGISTRATION_DESK, mfa=False))

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{MFA_SETUP}?next={path.replace('/', '%2F')}"


def test_desk_pages_open_for_desk_staff_with_mfa(client, expo):
    client.force_login(_role_user(roles.REGISTRATION_DESK, mfa=True))

    statuses = {path: client.get(path).status_code for path in DESK_PAGES}

    # The batch pages name a batch that does not exist: past the MFA check, they answer 404.
    assert statuses == {path: 404 if "/print/1/" in path else 200 for path in DESK_PAGES}


def test_gate_page_sends_gate_staff_without_mfa_to_set_it_up(client, expo):
    client.force_login(_role_user(roles.GATE_STAFF, mfa=False))

    response = client.get(GATE_PAGE)

    assert (response.status_code, response.url) == (302, f"{MFA_SETUP}?next=%2Fgate%2F")


def test_gate_api_answers_gate_staff_without_mfa_with_a_403_json(client, expo):
    gate = GateFactory(expo=expo)
    client.force_login(_role_user(roles.GATE_STAFF, mfa=False))

    responses = _gate_api_calls(client, gate.pk)

    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(responses, 403)
    for response in responses.values():
        assert response["Content-Type"] == "application/json"
        assert response.json()["mfa_setup_url"] == MFA_SETUP
        assert "authenticator" in response.json()["error"]


def test_gate_page_and_api_work_for_gate_staff_with_mfa(client, expo):
    gate = GateFactory(expo=expo)
    client.force_login(_role_user(roles.GATE_STAFF, mfa=True))

    responses = _gate_api_calls(client, gate.pk)

    assert client.get(GATE_PAGE).status_code == 200
    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(responses, 200)
    assert responses["scan"].json()["ok"] is False


def test_a_person_without_the_permission_still_gets_a_404_and_no_hint(client, expo):
    client.force_login(UserFactory())

    assert client.get(GATE_PAGE).status_code == 404
    assert client.get(reverse("gate_day_list"), HTTP_ACCEPT="application/json").status_code == 404
    assert {client.get(path).status_code for path in DESK_PAGES} == {404}


def test_a_progress_poll_without_mfa_sends_htmx_to_the_setup_page(client, expo):
    client.force_login(_role_user(roles.REGISTRATION_DESK, mfa=False))

    response = client.get(reverse("badge_batch", args=[1]), HTTP_HX_REQUEST="true")

    assert (response.status_code, response["HX-Redirect"]) == (403, MFA_SETUP)


def test_the_permission_held_directly_needs_mfa_too(client, expo):
    holder = UserFactory()
    holder.user_permissions.add(Permission.objects.get(content_type__app_label="visitors", codename="scan_badges"))
    client.force_login(holder)

    assert client.get(GATE_PAGE).url.startswith(MFA_SETUP)


def test_nomination_files_send_reviewers_without_mfa_to_set_it_up(client, expo):
    nomination = NominationFactory()
    reviewer = StaffFactory()
    add_to_role(reviewer, roles.NOMINATION_REVIEWERS, mfa=False)
    client.force_login(reviewer)
    path = reverse("nomination_file", args=[nomination.pk, "logo", 0])

    assert client.get(path).url.startswith(MFA_SETUP)
    with_totp(reviewer)
    # Past the check: this nomination has no logo.
    assert client.get(path).status_code == 404


def test_staff_upload_of_a_spreadsheet_needs_mfa(client, expo):
    trade_body = TradeBodyFactory()
    uploader = StaffFactory()
    add_nomination = Permission.objects.get(content_type__app_label="exhibitors", codename="add_nomination")
    uploader.user_permissions.add(add_nomination)
    client.force_login(uploader)
    path = reverse("nomination_import", args=[trade_body.pk])

    assert client.get(path).url.startswith(MFA_SETUP)
    with_totp(uploader)
    assert client.get(path).status_code == 200


def test_admin_still_needs_mfa_and_opens_with_it(client):
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get("/admin/").url == f"{MFA_SETUP}?next=%2Fadmin%2F"

    client.force_login(staff_member(is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_local_mode_lets_gate_and_desk_staff_in_and_says_so(client, settings, expo):
    settings.EXPO_STAFF_MFA_REQUIRED = False
    gate_staff, desk_staff = _role_user(roles.GATE_STAFF, mfa=False), _role_user(roles.REGISTRATION_DESK, mfa=False)

    client.force_login(gate_staff)
    gate_page = client.get(GATE_PAGE)
    day_list = client.get(reverse("gate_day_list"), HTTP_ACCEPT="application/json")
    client.force_login(desk_staff)
    desk_page = client.get(reverse("desk_register"))

    assert (gate_page.status_code, day_list.status_code, desk_page.status_code) == (200, 200, 200)
    assert 'data-testid="mfa-off-banner"' in gate_page.content.decode()
    assert 'data-testid="mfa-off-banner"' in desk_page.content.decode()


def test_the_banner_is_absent_for_gate_staff_when_mfa_is_required(client, expo):
    client.force_login(_role_user(roles.GATE_STAFF, mfa=True))

    assert 'data-testid="mfa-off-banner"' not in client.get(GATE_PAGE).content.decode()


def test_gate_staff_sent_to_set_up_mfa_do_so_and_reach_the_gate(client, expo):
    client.force_login(_role_user(roles.GATE_STAFF, mfa=False))

    setup_url = client.get(GATE_PAGE).url
    # Setting up an authenticator asks for the password again, as for every member of staff.
    assert client.get(setup_url).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(setup_url).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    client.post(setup_url, {"code": code})

    assert client.get(GATE_PAGE).status_code == 200
