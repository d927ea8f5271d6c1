"""No private field of an enterprise, its nomination or its booth staff is ever rendered on a public page."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from exhibitors import services
from exhibitors.models import Exhibitor, TurnoverBand
from tests.factories import (
    BoothStaffFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    NominationFactory,
)

pytestmark = pytest.mark.django_db

OWNER_NAME = "Rukhsana Bibi Qureshi"
OWNER_PHONE = "+92 321 7654321"
OWNER_CNIC = "35202-9876543-2"
NTN = "7654321-0"
CONTACT_EMAIL = "private.contact@hilal.example.pk"
CONTACT_PHONE = "+92 333 1112223"
STAFF_IDS = ["61101-2223334-5", "PK9988776"]
TURNOVER = TurnoverBand.FROM_30_TO_75


@pytest.fixture
def exhibitor(db):
    ExpoFactory()
    exhibitor = ExhibitorFactory(
        name="Hilal Surgical",
        slug="hilal-surgical",
        description="Stainless steel surgical instruments.",
        public_email="sales@hilal.example.pk",
        nomination__owner_name=OWNER_NAME,
        nomination__owner_phone=OWNER_PHONE,
        nomination__owner_cnic=OWNER_CNIC,
        nomination__ntn=NTN,
        nomination__turnover_band=TURNOVER,
        nomination__contact_email=CONTACT_EMAIL,
        nomination__contact_phone=CONTACT_PHONE,
        nomination__justification="Confidential justification by the chamber.",
        nomination__enterprise__ntn=NTN.replace("-", ""),
    )
    ExhibitorProductFactory(exhibitor=exhibitor, name="Dissecting forceps")
    for number, id_number in enumerate(STAFF_IDS):
        BoothStaffFactory(exhibitor=exhibitor, full_name=f"Booth Person {number}", id_number=id_number)
    return exhibitor


def _private_strings() -> list[str]:
    strings = [
        OWNER_NAME,
        OWNER_PHONE,
        OWNER_PHONE.replace(" ", ""),
        OWNER_CNIC,
        OWNER_CNIC.replace("-", ""),
        NTN,
        NTN.replace("-", ""),
        CONTACT_EMAIL,
        CONTACT_PHONE,
        CONTACT_PHONE.replace(" ", ""),
        "Confidential justification",
        "Booth Person",
        *STAFF_IDS,
        *(id_number[-4:] for id_number in STAFF_IDS),
    ]
    for language in ("en", "ur"):
        with translation.override(language):
            strings.append(str(TURNOVER.label))
    return strings


def _public_pages(client: Client) -> dict[str, str]:
    urls = {
        "directory": reverse("directory"),
        "search": reverse("directory") + "?q=forceps",
        "fragment": reverse("directory") + "?q=hilal",
        "detail": reverse("directory_detail", args=["hilal-surgical"]),
    }
    pages = {}
    for name, url in urls.items():
        headers = {"HX-Request": "true", "HX-Target": "directory-results"} if name == "fragment" else {}
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        pages[name] = response.content.decode()
    return pages


@pytest.mark.parametrize("language", ["en", "ur"])
def test_no_private_field_appears_on_any_public_page(client, exhibitor, language):
    nomination = exhibitor.nomination
    assert (nomination.owner_phone, nomination.owner_cnic, nomination.ntn, nomination.turnover_band) == (
        OWNER_PHONE,
        OWNER_CNIC,
        NTN,
        TURNOVER,
    )
    assert exhibitor.enterprise.ntn == "76543210"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    pages = _public_pages(client)

    assert "Hilal Surgical" in pages["detail"]
    assert "sales@hilal.example.pk" in pages["detail"]
    for name, page in pages.items():
        for private in _private_strings():
            assert private not in page, f"{private!r} on the {name} page in {language}"


@pytest.mark.parametrize("language", ["en", "ur"])
def test_pages_served_from_the_cache_leak_nothing_either(client, exhibitor, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _public_pages(client)

    pages = _public_pages(client)

    for name, page in pages.items():
        for private in _private_strings():
            assert private not in page, f"{private!r} on the cached {name} page in {language}"


def test_the_nomination_contact_email_shows_only_when_chosen_as_the_public_email(client, exhibitor):
    Exhibitor.objects.filter(pk=exhibitor.pk).update(public_email="")
    hidden = client.get(reverse("directory_detail", args=["hilal-surgical"])).content.decode()
    Exhibitor.objects.filter(pk=exhibitor.pk).update(public_email=CONTACT_EMAIL)
    services.directory_changed()
    chosen = client.get(reverse("directory_detail", args=["hilal-surgical"])).content.decode()

    assert CONTACT_EMAIL not in hidden
    assert f'href="mailto:{CONTACT_EMAIL}"' in chosen


def test_booth_staff_id_numbers_are_masked_even_for_the_exhibitors_own_members(client, exhibitor):
    client.force_login(ExhibitorMembershipFactory(exhibitor=exhibitor).user)

    page = client.get(reverse("exhibitor_staff", args=[exhibitor.pk])).content.decode()

    assert "Booth Person 0" in page
    for id_number in STAFF_IDS:
        assert id_number not in page
        assert id_number[-4:] in page


def test_approval_does_not_publish_the_contact_email_until_the_exhibitor_opts_in(
    client, staff_with_mfa, django_capture_on_commit_callbacks
):
    ExpoFactory()
    nomination = NominationFactory(legal_name="Zahra Sports", contact_email=CONTACT_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(
            nomination=nomination, decision="approved", reason="", user=staff_with_mfa, site_url="http://testserver/"
        )
    exhibitor = Exhibitor.objects.get(nomination=nomination)
    public_url = reverse("directory_detail", args=[exhibitor.slug])
    approved_page = client.get(public_url).content.decode()
    member = Client()
    member.force_login(ExhibitorMembershipFactory(exhibitor=exhibitor).user)
    profile_url = reverse("exhibitor_profile", args=[exhibitor.pk])
    form_page = member.get(profile_url).content.decode()
    profile = {"name": "Zahra Sports", "description": "Match footballs.", "public_email": ""}

    with django_capture_on_commit_callbacks(execute=True):
        member.post(profile_url, profile)
    saved_page = client.get(public_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        member.post(profile_url, {**profile, "public_email": "sales@zahra.example.pk"})
    chosen_page = client.get(public_url).content.decode()

    assert "Zahra Sports" in approved_page  # listed from the nomination's description, before any save
    assert CONTACT_EMAIL not in approved_page
    assert CONTACT_EMAIL not in form_page
    assert CONTACT_EMAIL not in saved_page
    assert Exhibitor.objects.get(pk=exhibitor.pk).public_email == "sales@zahra.example.pk"
    assert 'href="mailto:sales@zahra.example.pk"' in chosen_page
    assert CONTACT_EMAIL not in chosen_page
