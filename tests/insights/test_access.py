"""Only holders of ``insights.view_insights`` (the Management role, superusers) open the dashboard, its exports and
its reports; other staff get a 404 like a missing page, and the anonymous are sent to sign in."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from expo import roles
from insights.models import EditionReport
from insights.selectors import SECTIONS
from tests.factories import UserFactory

PAGES = [reverse("insights_exhibitors")] + [
    reverse("insights_section", args=[section.key]) for section in SECTIONS.values()
]


def _report(expo) -> EditionReport:
    return EditionReport.objects.create(expo=expo, status=EditionReport.Status.QUEUED, steps=3)


def _private_urls(edition) -> list[str]:
    made = _report(edition["expo"])
    return [
        *PAGES,
        reverse("insights_export", args=["exhibitors", "exhibitors-by-cluster", "csv"]),
        reverse("insights_export", args=["exhibitors", "exhibitors-by-cluster", "xlsx"]),
        reverse("insights_report", args=[made.pk]),
    ]


def test_the_migration_gives_the_management_role_the_insights_permission(db):
    management = Group.objects.get(name=roles.MANAGEMENT)

    assert list(management.permissions.values_list("content_type__app_label", "codename")) == [
        ("insights", "view_insights")
    ]
    assert not Group.objects.exclude(name=roles.MANAGEMENT).filter(permissions__codename="view_insights").exists()


def test_a_manager_opens_every_section_and_export(client, edition, manager):
    client.force_login(manager)

    for url in _private_urls(edition):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("insights_exhibitors")).content.decode()
    assert "Surgical instruments, Sialkot" in page


def test_a_superuser_opens_the_dashboard(client, edition, staff_with_mfa):
    client.force_login(staff_with_mfa)

    assert client.get(reverse("insights_section", args=["gaps"])).status_code == 200


def test_other_staff_get_a_404_and_see_no_figure(client, edition, other_staff):
    client.force_login(other_staff)

    for url in _private_urls(edition):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Surgical instruments" not in response.content
    start = client.post(reverse("insights_report_start"), {"edition": "2031"})
    assert start.status_code == 404
    assert not EditionReport.objects.filter(created_by=other_staff).exists()


def test_anonymous_people_are_sent_to_sign_in(client, edition):
    for url in _private_urls(edition):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login"))
    assert client.post(reverse("insights_report_start")).url.startswith(reverse("account_login"))


def test_a_manager_without_an_authenticator_is_sent_to_set_one_up(client, edition, manager, settings):
    settings.EXPO_STAFF_MFA_REQUIRED = True
    unprotected = UserFactory()
    unprotected.groups.add(Group.objects.get(name=roles.MANAGEMENT))
    client.force_login(unprotected)

    response = client.get(reverse("insights_exhibitors"))

    assert response.status_code in (302, 403)
    assert b"Surgical instruments" not in response.content


def test_the_menu_offers_insights_to_a_manager_and_not_to_other_staff(client, edition, manager, other_staff):
    client.force_login(manager)
    assert client.get(reverse("dashboard")).url == reverse("insights_exhibitors")
    assert f'href="{reverse("insights_exhibitors")}"' in client.get(reverse("home")).content.decode()

    client.force_login(other_staff)
    assert f'href="{reverse("insights_exhibitors")}"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("query", ["?edition=1999", "?edition=abc&cluster=x"])
def test_an_edition_that_does_not_exist_is_a_404_and_junk_filters_are_dropped(client, edition, manager, query):
    client.force_login(manager)

    response = client.get(reverse("insights_exhibitors") + query)

    if "1999" in query:
        assert response.status_code == 404
    else:
        # Junk is dropped: the current edition, unfiltered.
        assert response.status_code == 200
        assert "Textiles, Karachi" in response.content.decode()


def test_a_manager_of_another_role_too_keeps_access(client, edition, manager):
    manager.groups.add(Group.objects.get(name=roles.REGISTRATION_DESK))
    client.force_login(manager)

    assert client.get(reverse("insights_section", args=["visitors"])).status_code == 200
