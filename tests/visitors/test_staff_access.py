"""Who reaches the visitors staff pages: the permission opens them (the roles hold it by migration), the site menu
and the dashboard lead each role to its pages, and the admin actions that change data need the change permission."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from expo import roles
from tests.conftest import add_to_role, staff_member, with_totp
from tests.factories import GateFactory, UserFactory, register_visitor
from visitors.models import Registration

GATE_PAGE = reverse("gate")
DESK_PAGES = [reverse("desk_register"), reverse("badge_batches"), reverse("visitor_numbers")]
REGISTRATIONS = reverse("admin:visitors_registration_changelist")


def _permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="visitors", codename=codename)


def test_the_migrations_give_the_roles_the_permissions_that_open_their_pages(db):
    # The rows the data migrations wrote: pytest-django runs these tests before any transactional one empties them.
    gate_staff = set(Group.objects.get(name=roles.GATE_STAFF).permissions.values_list("codename", flat=True))
    desk = set(Group.objects.get(name=roles.REGISTRATION_DESK).permissions.values_list("codename", flat=True))

    assert "scan_badges" in gate_staff
    assert "use_registration_desk" not in gate_staff
    assert {"use_registration_desk", "change_registration", "add_badge"} <= desk
    assert "scan_badges" not in desk


def test_the_permission_opens_the_gate_whatever_groups_a_person_is_in(client, expo):
    holder = with_totp(UserFactory())
    holder.user_permissions.add(_permission("scan_badges"))
    client.force_login(holder)
    assert client.get(GATE_PAGE).status_code == 200
    assert all(client.get(page).status_code == 404 for page in DESK_PAGES)

    # A group called "Gate staff" without the permission opens nothing.
    stripped = UserFactory()
    add_to_role(stripped, roles.GATE_STAFF)
    Group.objects.get(name=roles.GATE_STAFF).permissions.remove(_permission("scan_badges"))
    client.force_login(stripped)
    assert client.get(GATE_PAGE).status_code == 404


def test_an_inactive_member_of_staff_opens_nothing(client, expo, desk_staff):
    desk_staff.is_active = False
    desk_staff.save()
    client.force_login(desk_staff)

    # Signed out by the authentication layer: sent to sign in, as anyone anonymous.
    assert all(client.get(page).url.startswith(reverse("account_login")) for page in DESK_PAGES)


def test_gate_staff_sign_in_straight_to_the_gate_and_the_menu_names_it(client, expo, gate_staff):
    GateFactory(expo=expo)
    client.force_login(gate_staff)

    assert client.get(reverse("dashboard")).url == GATE_PAGE
    page = client.get(GATE_PAGE).content.decode()
    assert f'<a class="nav-link" href="{GATE_PAGE}">Gate check-in</a>' in page
    assert reverse("visitor_numbers") not in page


def test_the_desk_dashboard_lists_the_desk_pages_and_no_gate(client, expo, desk_staff):
    client.force_login(desk_staff)

    page = client.get(reverse("dashboard")).content.decode()

    assert all(f'href="{url}"' in page for url in DESK_PAGES)
    assert f'href="{GATE_PAGE}"' not in page


def test_visitors_and_outsiders_are_offered_no_staff_page(client, expo, someone):
    anonymous = client.get(reverse("home")).content.decode()
    client.force_login(someone)
    dashboard = client.get(reverse("dashboard"))

    assert dashboard.status_code == 200
    for page in (anonymous, dashboard.content.decode()):
        assert GATE_PAGE not in page
        assert not any(url in page for url in DESK_PAGES)


def test_desk_staff_in_the_admin_may_cancel_a_registration(client, expo):
    registration = register_visitor(expo)
    client.force_login(staff_member(roles.REGISTRATION_DESK))

    changelist = client.get(REGISTRATIONS)
    client.post(REGISTRATIONS, {"action": "cancel_selected", "_selected_action": [registration.pk]})

    assert changelist.status_code == 200
    assert 'value="cancel_selected"' in changelist.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_staff_who_may_only_view_registrations_cannot_cancel_them(client, expo):
    registration = register_visitor(expo)
    viewer = staff_member()
    viewer.user_permissions.add(_permission("view_registration"))
    client.force_login(viewer)

    changelist = client.get(REGISTRATIONS)
    client.post(REGISTRATIONS, {"action": "cancel_selected", "_selected_action": [registration.pk]})

    assert changelist.status_code == 200
    assert 'value="cancel_selected"' not in changelist.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_desk_staff_in_the_admin_find_the_desk_pages_in_its_header(client, expo):
    client.force_login(staff_member(roles.REGISTRATION_DESK))

    page = client.get(reverse("admin:index")).content.decode()

    assert all(f'<a href="{url}">' in page for url in DESK_PAGES)
    assert f'<a href="{GATE_PAGE}">' not in page


def test_scans_and_check_ins_are_read_in_the_admin_never_written(client, expo):
    client.force_login(staff_member(roles.REGISTRATION_DESK))

    for model in ("scan", "checkin"):
        assert client.get(reverse(f"admin:visitors_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:visitors_{model}_add")).status_code == 403
