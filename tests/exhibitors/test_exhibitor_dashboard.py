"""An exhibitor's own pages: dashboard, public profile, products, booth staff; bad input; who may open them."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from exhibitors import services
from exhibitors.models import BoothStaff, Exhibitor, ExhibitorProduct, ExportExperience, StallSize
from tests.factories import (
    BoothStaffFactory,
    CertificationFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorProductFactory,
    ExpoFactory,
)

pytestmark = pytest.mark.django_db


def png(width: int = 120, height: int = 80) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str = "photo.png", content: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, png() if content is None else content, content_type=content_type)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def expo():
    return ExpoFactory(name="SME Cluster Showcase 2041", year=2041)


@pytest.fixture
def exhibitor(expo):
    return ExhibitorFactory(
        name="Hilal Surgical",
        slug="hilal-surgical",
        stall_size=StallSize.SHELL_9,
        description="",
    )


@pytest.fixture
def owner(exhibitor):
    """The member of ``exhibitor`` who edits it."""
    return ExhibitorMembershipFactory(exhibitor=exhibitor).user


@pytest.fixture
def colleague(exhibitor):
    """A second member of the same exhibitor: sees and edits everything the owner does."""
    return ExhibitorMembershipFactory(exhibitor=exhibitor).user


@pytest.fixture
def other_exhibitor(expo):
    other = ExhibitorFactory(name="Zahra Sports", slug="zahra-sports")
    ExhibitorProductFactory(exhibitor=other, name="Secret football prototype")
    BoothStaffFactory(exhibitor=other, full_name="Kamran Other", id_number="35202-7654321-9")
    return other


@pytest.fixture
def outsider(other_exhibitor):
    """A member of another exhibitor, which holds data that must not leak."""
    return ExhibitorMembershipFactory(exhibitor=other_exhibitor).user


def profile_data(**overrides) -> dict:
    data = {
        "name": "Hilal Surgical Instruments",
        "description": "Stainless steel surgical instruments, CE marked.",
        "description_ur": "سٹینلیس سٹیل کے جراحی آلات",
        "export_experience": ExportExperience.REGULAR,
        "export_markets": "Germany, Saudi Arabia",
        "website": "https://hilal.example.pk",
        "public_email": "sales@hilal.example.pk",
        "public_phone": "+92 52 1234567",
        "whatsapp": "+92 300 1234567",
    }
    data.update(overrides)
    return data


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_shows_status_stall_placeholder_listing_and_staff_count(client, owner, exhibitor):
    BoothStaffFactory(exhibitor=exhibitor)
    client.force_login(owner)

    response = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Approved to exhibit at SME Cluster Showcase 2041." in page
    assert "9 m² (3 × 3 m)" in page
    assert "Your stall will be shown here once it is allocated." in page
    assert "Your profile is not listed yet" in page
    assert "1 of 3 booth staff registered" in page


def test_dashboard_checklist_of_an_empty_profile_is_zero_of_five(client, owner, exhibitor):
    client.force_login(owner)

    response = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk]))

    completeness = response.context["completeness"]
    assert [(item.key, item.done) for item in completeness.items] == [
        ("logo", False),
        ("description", False),
        ("description_ur", False),
        ("product_photo", False),
        ("contact", False),
    ]
    assert "0 of 5 done (0%)" in response.content.decode()
    assert '<progress id="completeness-bar" class="w-100 mb-3" value="0" max="5">' in response.content.decode()


def test_dashboard_checklist_of_a_complete_profile_is_five_of_five_with_a_public_link(
    client, owner, exhibitor, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exhibitor_profile", args=[exhibitor.pk]), {**profile_data(), "logo": upload()})
        client.post(reverse("exhibitor_product_add", args=[exhibitor.pk]), {"name": "Forceps", "photo": upload()})

    response = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk]))
    page = response.content.decode()

    assert response.context["completeness"].done == 5
    assert "5 of 5 done (100%)" in page
    assert "Your profile is listed in the public directory." in page
    assert f'href="{reverse("directory_detail", args=["hilal-surgical"])}"' in page


def test_dashboard_query_count_does_not_grow_with_products_and_staff(client, owner, exhibitor):
    client.force_login(owner)
    url = reverse("exhibitor_dashboard", args=[exhibitor.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ExhibitorProductFactory.create_batch(12, exhibitor=exhibitor)
    BoothStaffFactory.create_batch(3, exhibitor=exhibitor)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(few.captured_queries) == len(many.captured_queries)


# --- Profile ---------------------------------------------------------------------------------


def test_profile_edit_with_a_logo_saves_every_field_and_lists_the_exhibitor(
    client, owner, exhibitor, django_capture_on_commit_callbacks
):
    iso = CertificationFactory(name="ISO 13485")
    CertificationFactory(name="Halal")
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exhibitor_profile", args=[exhibitor.pk]),
            {**profile_data(), "logo": upload("logo.png"), "certifications": [iso.pk]},
        )

    assert response.status_code == 302
    assert response.url == reverse("exhibitor_dashboard", args=[exhibitor.pk])
    exhibitor.refresh_from_db()
    assert exhibitor.name == "Hilal Surgical Instruments"
    assert exhibitor.description == "Stainless steel surgical instruments, CE marked."
    assert exhibitor.description_ur == "سٹینلیس سٹیل کے جراحی آلات"
    assert exhibitor.export_experience == ExportExperience.REGULAR
    assert exhibitor.export_markets == "Germany, Saudi Arabia"
    assert exhibitor.website == "https://hilal.example.pk"
    assert (exhibitor.public_email, exhibitor.public_phone, exhibitor.whatsapp) == (
        "sales@hilal.example.pk",
        "+92 52 1234567",
        "+92 300 1234567",
    )
    assert list(exhibitor.certifications.all()) == [iso]
    assert exhibitor.listed is True
    assert exhibitor.logo.name.startswith("exhibitors/logos/")
    assert exhibitor.logo.name.endswith(".png")
    with Image.open(exhibitor.logo.path) as logo:
        assert logo.size == (120, 80)
    assert exhibitor.logo_thumbnail.name.startswith("exhibitors/logos/")


def test_profile_form_marks_the_urdu_description_right_to_left(client, owner, exhibitor):
    client.force_login(owner)

    page = client.get(reverse("exhibitor_profile", args=[exhibitor.pk])).content.decode()

    assert 'name="description_ur"' in page
    assert 'dir="rtl" lang="ur"' in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize("missing", ["name", "description"])
def test_profile_without_a_required_field_shows_the_error_next_to_it_and_saves_nothing(
    client, owner, exhibitor, missing
):
    client.force_login(owner)

    response = client.post(reverse("exhibitor_profile", args=[exhibitor.pk]), profile_data(**{missing: ""}))

    assert response.status_code == 200
    assert response.context["form"].errors == {missing: ["This field is required."]}
    assert f'id="error_1_id_{missing}"' in response.content.decode()
    exhibitor.refresh_from_db()
    assert (exhibitor.name, exhibitor.description, exhibitor.public_email) == ("Hilal Surgical", "", "")


@pytest.mark.parametrize("field", ["public_phone", "whatsapp"])
def test_profile_with_a_bad_phone_number_is_refused_next_to_the_field(client, owner, exhibitor, field):
    client.force_login(owner)

    response = client.post(reverse("exhibitor_profile", args=[exhibitor.pk]), profile_data(**{field: "call me!"}))

    assert response.context["form"].errors == {
        field: ["Enter a phone number of digits, spaces and dashes, e.g. +92 300 1234567."]
    }
    exhibitor.refresh_from_db()
    assert exhibitor.description == ""


def test_profile_with_a_text_file_as_logo_is_refused_next_to_the_field_and_nothing_is_stored(
    client, owner, exhibitor, settings
):
    client.force_login(owner)

    response = client.post(
        reverse("exhibitor_profile", args=[exhibitor.pk]),
        {**profile_data(), "logo": upload("logo.jpg", b"just some text, not a picture\n" * 10, "image/jpeg")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"logo": ["This file is not an image. Upload a JPEG, PNG or WebP photo."]}
    assert 'id="error_1_id_logo"' in response.content.decode()
    exhibitor.refresh_from_db()
    assert (exhibitor.name, exhibitor.logo.name, exhibitor.listed) == ("Hilal Surgical", "", False)
    assert not (settings.MEDIA_ROOT / "exhibitors").exists()


def test_an_invalid_profile_does_not_change_the_name_in_the_page_heading(client, owner, exhibitor):
    client.force_login(owner)

    page = client.post(
        reverse("exhibitor_profile", args=[exhibitor.pk]), profile_data(name="Renamed", website="not a url")
    ).content.decode()

    assert '<h1 class="h3 mb-3">Hilal Surgical</h1>' in page


def test_a_new_logo_replaces_the_old_files_and_a_refused_one_keeps_them(
    client, owner, exhibitor, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    profile = reverse("exhibitor_profile", args=[exhibitor.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(profile, {**profile_data(), "logo": upload("first.png")})
    exhibitor.refresh_from_db()
    first = [exhibitor.logo.path, exhibitor.logo_thumbnail.path]

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(profile, {**profile_data(), "logo": upload("notes.png", b"not an image")})
    assert refused.status_code == 200
    assert all(os.path.exists(path) for path in first)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(profile, {**profile_data(), "logo": upload("second.png")})
    exhibitor.refresh_from_db()
    assert os.path.exists(exhibitor.logo.path)
    assert os.path.exists(exhibitor.logo_thumbnail.path)
    assert not any(os.path.exists(path) for path in first)


# --- Products ---------------------------------------------------------------------------------


def test_products_added_with_photos_are_listed_with_thumbnails(
    client, owner, exhibitor, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    for name in ("Dissecting forceps", "Needle holder"):
        with django_capture_on_commit_callbacks(execute=True):  # the worker makes the thumbnail once saved
            response = client.post(
                reverse("exhibitor_product_add", args=[exhibitor.pk]),
                {"name": name, "description": "Autoclavable", "hs_code": "9018.90", "photo": upload()},
            )
        assert response.status_code == 302
    page = client.get(reverse("exhibitor_products", args=[exhibitor.pk])).content.decode()

    products = list(exhibitor.products.order_by("pk"))
    assert [product.name for product in products] == ["Dissecting forceps", "Needle holder"]
    assert all(product.photo and product.thumbnail for product in products)
    for product in products:
        assert f'<img src="{product.thumbnail.url}" alt="" width="64" height="64" loading="lazy"' in page


def test_product_edit_changes_the_name_and_keeps_the_photo(
    client, owner, exhibitor, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exhibitor_product_add", args=[exhibitor.pk]), {"name": "Forceps", "photo": upload()})
    product = exhibitor.products.get()
    photo = product.photo.name

    response = client.post(
        reverse("exhibitor_product_edit", args=[exhibitor.pk, product.pk]), {"name": "Tissue forceps"}
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.photo.name) == ("Tissue forceps", photo)
    assert os.path.exists(product.photo.path)


def test_deleting_a_product_deletes_its_photo(client, owner, exhibitor, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exhibitor_product_add", args=[exhibitor.pk]), {"name": "Forceps", "photo": upload()})
    product = exhibitor.products.get()
    files = [product.photo.path, product.thumbnail.path]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exhibitor_product_delete", args=[exhibitor.pk, product.pk]))

    assert response.status_code == 302
    assert not exhibitor.products.exists()
    assert not any(os.path.exists(path) for path in files)


def test_product_without_a_name_or_with_a_bad_photo_is_not_saved(client, owner, exhibitor):
    client.force_login(owner)

    no_name = client.post(reverse("exhibitor_product_add", args=[exhibitor.pk]), {"name": ""})
    svg = client.post(
        reverse("exhibitor_product_add", args=[exhibitor.pk]),
        {"name": "Forceps", "photo": upload("x.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')},
    )

    assert no_name.context["form"].errors == {"name": ["This field is required."]}
    assert svg.context["form"].errors == {
        "photo": ["This file contains web page code (HTML or SVG) and cannot be accepted as an image."]
    }
    assert ExhibitorProduct.objects.filter(exhibitor=exhibitor).count() == 0


def test_product_delete_asks_for_confirmation_then_deletes_on_post(client, owner, exhibitor):
    product = ExhibitorProductFactory(exhibitor=exhibitor, name="Forceps")
    client.force_login(owner)
    url = reverse("exhibitor_product_delete", args=[exhibitor.pk, product.pk])

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Delete Forceps?" in confirmation.content.decode()
    assert ExhibitorProduct.objects.filter(pk=product.pk).exists()

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("exhibitor_products", args=[exhibitor.pk])
    assert not ExhibitorProduct.objects.filter(pk=product.pk).exists()


# --- Booth staff ------------------------------------------------------------------------------


def test_booth_staff_up_to_the_cap_then_one_more_gets_the_cap_message(client, owner, exhibitor):
    client.force_login(owner)
    url = reverse("exhibitor_staff_add", args=[exhibitor.pk])

    for number in range(3):
        response = client.post(
            url,
            {
                "full_name": f"Person {number}",
                "designation": "Sales",
                "id_number": f"35202-123456{number}-1",
                "email": f"p{number}@hilal.example.pk",
            },
        )
        assert response.status_code == 302
    one_more = client.post(url, {"full_name": "Person 4", "id_number": "35202-1234569-1"})

    assert one_more.status_code == 200
    assert one_more.context["form"].errors == {
        "__all__": ["A 9 m² (3 × 3 m) stall has badges for 3 booth staff; remove someone to add another."]
    }
    assert "A 9 m² (3 × 3 m) stall has badges for 3 booth staff" in one_more.content.decode()
    assert BoothStaff.objects.filter(exhibitor=exhibitor).count() == 3
    assert (
        "All badges of your stall are taken"
        in client.get(reverse("exhibitor_staff", args=[exhibitor.pk])).content.decode()
    )


def test_booth_staff_list_masks_id_numbers_but_the_last_four_characters(client, owner, exhibitor):
    BoothStaffFactory(exhibitor=exhibitor, full_name="Ayesha Khan", id_number="35202-1234567-1")
    BoothStaffFactory(exhibitor=exhibitor, full_name="John Smith", id_number="AB1234567")
    client.force_login(owner)

    page = client.get(reverse("exhibitor_staff", args=[exhibitor.pk])).content.decode()

    assert "Ayesha Khan" in page
    assert "35202-1234567-1" not in page
    assert "•••••••••••67-1" in page
    assert "AB1234567" not in page
    assert "•••••4567" in page
    assert "2 of 3 booth staff registered" in page


def test_booth_staff_id_numbers_are_normalised_and_validated(client, owner, exhibitor):
    client.force_login(owner)
    url = reverse("exhibitor_staff_add", args=[exhibitor.pk])

    client.post(url, {"full_name": "Ayesha Khan", "id_number": "3520212345671"})
    client.post(url, {"full_name": "John Smith", "id_number": "ab 123 4567"})
    bad = client.post(url, {"full_name": "Nobody", "id_number": "12-34"})
    missing = client.post(url, {"full_name": "", "id_number": ""})

    assert list(exhibitor.booth_staff.values_list("id_number", flat=True)) == ["35202-1234567-1", "AB1234567"]
    assert bad.context["form"].errors == {
        "id_number": ["Enter a CNIC as 12345-1234567-1, or a passport number of 6 to 12 letters and digits."]
    }
    assert missing.context["form"].errors == {
        "full_name": ["This field is required."],
        "id_number": ["This field is required."],
    }


def test_booth_staff_with_the_same_id_number_twice_is_refused(client, owner, exhibitor):
    BoothStaffFactory(exhibitor=exhibitor, id_number="35202-1234567-1")
    client.force_login(owner)

    response = client.post(
        reverse("exhibitor_staff_add", args=[exhibitor.pk]), {"full_name": "Twin", "id_number": "35202-1234567-1"}
    )

    assert response.context["form"].errors == {
        "__all__": ["Someone with this CNIC or passport number is already on your booth staff."]
    }
    assert exhibitor.booth_staff.count() == 1


def test_booth_staff_edit_and_remove_after_confirmation(client, owner, exhibitor):
    person = BoothStaffFactory(exhibitor=exhibitor, full_name="Ayesha Khan", id_number="35202-1234567-1")
    client.force_login(owner)

    edit = client.post(
        reverse("exhibitor_staff_edit", args=[exhibitor.pk, person.pk]),
        {"full_name": "Ayesha Khan", "designation": "Export manager", "id_number": "35202-1234567-1"},
    )
    person.refresh_from_db()
    assert edit.status_code == 302
    assert person.designation == "Export manager"

    confirmation = client.get(reverse("exhibitor_staff_remove", args=[exhibitor.pk, person.pk]))
    assert "Remove Ayesha Khan from your booth staff?" in confirmation.content.decode()
    remove = client.post(reverse("exhibitor_staff_remove", args=[exhibitor.pk, person.pk]))

    assert remove.status_code == 302
    assert not BoothStaff.objects.filter(pk=person.pk).exists()


# --- Who may open what --------------------------------------------------------------------------


def _urls(exhibitor: Exhibitor, product_pk: int, person_pk: int) -> list[str]:
    pk = exhibitor.pk
    return [
        reverse("exhibitor_dashboard", args=[pk]),
        reverse("exhibitor_profile", args=[pk]),
        reverse("exhibitor_products", args=[pk]),
        reverse("exhibitor_product_add", args=[pk]),
        reverse("exhibitor_product_edit", args=[pk, product_pk]),
        reverse("exhibitor_product_delete", args=[pk, product_pk]),
        reverse("exhibitor_staff", args=[pk]),
        reverse("exhibitor_staff_add", args=[pk]),
        reverse("exhibitor_staff_edit", args=[pk, person_pk]),
        reverse("exhibitor_staff_remove", args=[pk, person_pk]),
    ]


@pytest.fixture
def records(exhibitor):
    product = ExhibitorProductFactory(exhibitor=exhibitor, name="Confidential catalogue item")
    person = BoothStaffFactory(exhibitor=exhibitor, full_name="Hidden Person", id_number="35202-1111111-1")
    return product, person


def test_owner_and_colleague_open_every_exhibitor_url(client, owner, colleague, exhibitor, records):
    product, person = records
    for user in (owner, colleague):
        client.force_login(user)
        for url in _urls(exhibitor, product.pk, person.pk):
            assert client.get(url).status_code == 200, url


def test_a_member_of_another_exhibitor_gets_404_on_every_url_like_a_missing_exhibitor(
    client, outsider, exhibitor, records
):
    product, person = records
    client.force_login(outsider)

    for url in _urls(exhibitor, product.pk, person.pk):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, url
            assert "Hilal Surgical" not in response.content.decode(), url
    missing = Exhibitor(pk=exhibitor.pk + 1000)
    assert client.get(_urls(missing, 1, 1)[0]).status_code == 404
    assert ExhibitorProduct.objects.filter(pk=product.pk).exists()
    assert BoothStaff.objects.filter(pk=person.pk).exists()
    exhibitor.refresh_from_db()
    assert exhibitor.name == "Hilal Surgical"


def test_another_exhibitors_product_and_staff_ids_are_404_under_ones_own_exhibitor(
    client, outsider, other_exhibitor, records
):
    product, person = records
    client.force_login(outsider)
    own = other_exhibitor.pk

    for url in (
        reverse("exhibitor_product_edit", args=[own, product.pk]),
        reverse("exhibitor_product_delete", args=[own, product.pk]),
        reverse("exhibitor_staff_edit", args=[own, person.pk]),
        reverse("exhibitor_staff_remove", args=[own, person.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Stolen", "full_name": "Stolen", "id_number": "AB123456"}).status_code == 404
    product.refresh_from_db()
    person.refresh_from_db()
    assert (product.name, person.full_name) == ("Confidential catalogue item", "Hidden Person")


def test_anonymous_visitors_are_sent_to_sign_in_from_every_exhibitor_url(client, exhibitor, records):
    product, person = records

    for url in _urls(exhibitor, product.pk, person.pk):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_a_trade_body_user_cannot_open_exhibitor_pages_even_of_its_own_nominee(
    client, member, trade_body, exhibitor, records
):
    product, person = records
    Exhibitor.objects.filter(pk=exhibitor.pk).update(trade_body=trade_body)
    client.force_login(member)

    for url in _urls(exhibitor, product.pk, person.pk):
        assert client.get(url).status_code == 404, url


# --- Listing follows from the data; staff unlisting sticks -----------------------------------


@pytest.fixture
def staff_decider(staff_with_mfa):
    return staff_with_mfa


def unlist_in_admin(client, staff, exhibitor, reason: str, action: str = "unlist_selected"):
    client.force_login(staff)
    return client.post(
        reverse("admin:exhibitors_exhibitor_changelist"),
        {"action": action, "_selected_action": [exhibitor.pk], "confirm": "yes", "reason": reason},
    )


def test_an_exhibitor_with_a_description_is_listed_before_any_save_and_the_dashboard_agrees(client, expo):
    exhibitor = ExhibitorFactory(slug="zahra-sports", description="Hand-stitched match footballs.")
    client.force_login(ExhibitorMembershipFactory(exhibitor=exhibitor).user)

    response = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk]))
    page = response.content.decode()

    done = {item.key: item.done for item in response.context["completeness"].items}
    assert (exhibitor.listed, done["description"]) == (True, True)
    assert "Your profile is listed in the public directory." in page
    assert "not listed yet" not in page
    assert client.get(reverse("directory_detail", args=["zahra-sports"])).status_code == 200


def test_an_exhibitor_without_a_description_is_not_listed_and_the_dashboard_says_why_once(client, owner, exhibitor):
    client.force_login(owner)

    response = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk]))
    page = response.content.decode()

    done = {item.key: item.done for item in response.context["completeness"].items}
    assert (exhibitor.listed, done["description"]) == (False, False)
    assert page.count('data-testid="listing"') == 1
    assert "Your profile is not listed yet: add a description in English" in page


def test_staff_unlisting_in_the_admin_asks_for_a_reason_and_survives_the_exhibitors_save(
    client, owner, exhibitor, staff_decider, django_capture_on_commit_callbacks
):
    Exhibitor.objects.filter(pk=exhibitor.pk).update(description="Surgical instruments.")
    with django_capture_on_commit_callbacks(execute=True):
        response = unlist_in_admin(client, staff_decider, exhibitor, "Counterfeit brand complaint under review.")
    assert response.status_code == 302
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(reverse("exhibitor_profile", args=[exhibitor.pk]), profile_data())
    page = client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk])).content.decode()

    exhibitor.refresh_from_db()
    assert saved.status_code == 302
    assert (exhibitor.description, exhibitor.listed) == ("Stainless steel surgical instruments, CE marked.", False)
    assert exhibitor.unlisted_reason == "Counterfeit brand complaint under review."
    assert "SMEDA has taken your profile out of the public directory: Counterfeit brand complaint under review." in page
    assert "not listed yet" not in page
    client.logout()
    assert client.get(reverse("directory_detail", args=["hilal-surgical"])).status_code == 404
    assert "Hilal Surgical" not in client.get(reverse("directory")).content.decode()


def test_a_profile_save_from_a_page_loaded_before_the_unlisting_keeps_it(exhibitor, staff_decider):
    stale = Exhibitor.objects.get(pk=exhibitor.pk)
    services.exhibitor_unlist(exhibitor=exhibitor, reason="Misleading claims.", user=staff_decider)

    services.exhibitor_update_profile(exhibitor=stale, data={"description": "Now with a description."})

    exhibitor.refresh_from_db()
    assert (exhibitor.description, exhibitor.unlisted_reason, exhibitor.listed) == (
        "Now with a description.",
        "Misleading claims.",
        False,
    )


def test_staff_lift_the_unlisting_with_a_reason_and_both_reasons_are_in_the_history(
    client, exhibitor, staff_decider, django_capture_on_commit_callbacks
):
    Exhibitor.objects.filter(pk=exhibitor.pk).update(description="Surgical instruments.")
    with django_capture_on_commit_callbacks(execute=True):
        unlist_in_admin(client, staff_decider, exhibitor, "Complaint under review.")
        unlist_in_admin(client, staff_decider, exhibitor, "Complaint dismissed.", action="relist_selected")

    exhibitor.refresh_from_db()
    client.logout()
    assert (exhibitor.listed, exhibitor.unlisted_at, exhibitor.unlisted_reason) == (True, None, "")
    reasons = list(
        exhibitor.history.exclude(history_change_reason=None)
        .order_by("history_date")
        .values_list("history_change_reason", "history_user")
    )
    assert reasons == [("Complaint under review.", staff_decider.pk), ("Complaint dismissed.", staff_decider.pk)]
    assert client.get(reverse("directory_detail", args=["hilal-surgical"])).status_code == 200


def test_unlisting_without_a_reason_is_refused_next_to_the_field_and_changes_nothing(client, exhibitor, staff_decider):
    Exhibitor.objects.filter(pk=exhibitor.pk).update(description="Surgical instruments.")

    response = unlist_in_admin(client, staff_decider, exhibitor, "  ")

    exhibitor.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert (exhibitor.listed, exhibitor.unlisted_at) == (True, None)


def test_only_staff_may_unlist_members_and_anonymous_visitors_are_turned_away(client, owner, exhibitor):
    Exhibitor.objects.filter(pk=exhibitor.pk).update(description="Surgical instruments.")
    client.force_login(owner)
    as_member = unlist_in_admin(client, owner, exhibitor, "I would rather hide.")
    client.logout()
    anonymous = client.post(
        reverse("admin:exhibitors_exhibitor_changelist"),
        {"action": "unlist_selected", "_selected_action": [exhibitor.pk], "confirm": "yes", "reason": "x"},
    )

    exhibitor.refresh_from_db()
    assert (as_member.status_code, anonymous.status_code) == (302, 302)
    assert "/login/" in as_member.url
    assert "/login/" in anonymous.url
    assert (exhibitor.listed, exhibitor.unlisted_at) == (True, None)
