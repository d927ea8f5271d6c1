"""Logo and product photo uploads (nominations and exhibitors' profiles): only real, whole JPEG/PNG/WebP by
content, within bounds; a rejected file gets its message next to the field and nothing is stored. An accepted
one is re-encoded by a worker (metadata stripped, thumbnail made); until then its original is private."""

import io
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from exhibitors import services, tasks
from exhibitors.models import Exhibitor, Nomination, NominationProduct, StallSize
from expo import images
from tests.factories import (
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExpoFactory,
    NominationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

NOT_IMAGE = "This file is not an image. Upload a JPEG, PNG or WebP photo."
MARKUP = "This file contains web page code (HTML or SVG) and cannot be accepted as an image."
TOO_MANY_PIXELS = "The image is too large: at most 24 megapixels."
WRONG_FORMAT = "Upload a JPEG, PNG or WebP image; other formats (such as SVG or GIF) are not accepted."


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header for ``width`` × ``height`` RGB pixels with a tiny IDAT: the pixels are never allocated."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def png(colour: str = "green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def html_png_polyglot() -> bytes:
    """A PNG that browsers sniffing for HTML would run: markup in a text chunk right after the header."""
    real = png()
    ihdr_end = 8 + 12 + 13
    markup = _chunk(b"tEXt", b"Comment\x00<html><body><script>alert(document.cookie)</script></body></html>")
    return real[:ihdr_end] + markup + real[ihdr_end:]


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script>'
    b'<rect width="10" height="10"/></svg>'
)


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (8, 8)).save(buffer, format="GIF")
    return buffer.getvalue()


def files_under(root) -> set[str]:
    found = set()
    for folder, _dirs, files in os.walk(root):
        found |= {os.path.join(folder, name) for name in files}
    return found


def private_files() -> set[str]:
    return files_under(settings.PRIVATE_MEDIA_ROOT)


def jpeg_with_exif(size=(64, 48)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def truncated_png() -> bytes:
    """A real PNG cut short in its pixel data, as an interrupted upload leaves it."""
    buffer = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()[:-400]


def png_with_damaged_pixels() -> bytes:
    """Valid chunk checksums around pixel data that does not inflate: passes the cheap check, not a decode."""
    header = struct.pack(">IIBBBBB", 32, 24, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"not deflate" * 8) + _chunk(b"IEND", b"")


def pending_original(name: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / services.PENDING_FOLDER / name


@pytest.fixture
def expo():
    return ExpoFactory()


@pytest.fixture
def cluster():
    return ClusterFactory()


@pytest.fixture
def owner_client(client, member):
    client.force_login(member)
    return client


def step_one(cluster, logo) -> dict:
    return {
        "legal_name": "Hilal Surgical Works",
        "turnover_band": "30-75",
        "city": "Sialkot",
        "province": "punjab",
        "cluster": str(cluster.pk),
        "requested_stall_size": "9",
        "action": "continue",
        "logo": logo,
    }


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("logo.jpg", b"This is a text file that only pretends to be a photo.\n" * 20, "image/jpeg", NOT_IMAGE),
        ("logo.png", html_png_polyglot(), "image/png", MARKUP),
        ("logo.svg", SVG, "image/svg+xml", MARKUP),
        ("logo.png", gif(), "image/png", WRONG_FORMAT),
    ],
    ids=["text-named-jpg", "html-png-polyglot", "svg", "gif-named-png"],
)
def test_logo_upload_bad_file_is_refused_next_to_the_field_and_nothing_is_stored(
    owner_client, trade_body, expo, cluster, name, content, content_type, message
):
    before = private_files()

    response = owner_client.post(
        reverse("nomination_create", args=[trade_body.pk]),
        step_one(cluster, SimpleUploadedFile(name, content, content_type=content_type)),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"logo": [message]}
    page = response.content.decode()
    assert 'id="error_1_id_logo"' in page
    assert message in page
    assert Nomination.objects.count() == 0
    assert private_files() == before


def test_logo_upload_of_20000_by_20000_png_is_refused_quickly_without_the_memory(
    owner_client, trade_body, expo, cluster
):
    bomb = png_claiming(20_000, 20_000)
    assert len(bomb) < 200

    tracemalloc.start()
    try:
        response = owner_client.post(
            reverse("nomination_create", args=[trade_body.pk]),
            step_one(cluster, SimpleUploadedFile("huge.png", bomb, content_type="image/png")),
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.context["form"].errors == {"logo": [TOO_MANY_PIXELS]}
    assert peak < 50 * 1024 * 1024
    assert Nomination.objects.count() == 0


def test_logo_upload_is_kept_private_until_re_encoded_then_has_no_metadata_and_a_thumbnail(
    owner_client, trade_body, expo, cluster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner_client.post(
            reverse("nomination_create", args=[trade_body.pk]),
            step_one(cluster, SimpleUploadedFile("photo.jpg", jpeg_with_exif(), content_type="image/jpeg")),
        )

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    # Accepted at once; the original waits privately under the name its re-encoded copy will have.
    assert nomination.logo.name.startswith("nominations/logos/")
    assert nomination.logo.name.endswith(".jpg")
    assert nomination.logo_thumbnail.name == ""
    assert not nomination.logo.storage.exists(nomination.logo.name)
    assert b"Secret Camera Maker" in pending_original(nomination.logo.name).read_bytes()
    assert owner_client.get(reverse("nomination_file", args=[nomination.pk, "logo", 0])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()  # the task, eagerly

    nomination.refresh_from_db()
    with nomination.logo.open("rb") as stored:
        content = stored.read()
    assert b"Secret Camera Maker" not in content
    assert dict(Image.open(io.BytesIO(content)).getexif()) == {}
    assert Image.open(nomination.logo_thumbnail.path).size == (64, 48)
    assert not pending_original(nomination.logo.name).exists()
    served = owner_client.get(reverse("nomination_file", args=[nomination.pk, "logo", 0]))
    assert b"".join(served.streaming_content) == content


def test_logo_upload_over_24_megapixels_is_refused_from_its_header(owner_client, trade_body, expo, cluster):
    before = private_files()

    response = owner_client.post(
        reverse("nomination_create", args=[trade_body.pk]),
        step_one(cluster, SimpleUploadedFile("big.png", png_claiming(6_300, 6_300), content_type="image/png")),
    )

    assert response.context["form"].errors == {"logo": [TOO_MANY_PIXELS]}
    assert Nomination.objects.count() == 0
    assert private_files() == before


def test_logo_upload_cut_short_is_refused_as_damaged_and_nothing_is_stored(owner_client, trade_body, expo, cluster):
    before = private_files()

    response = owner_client.post(
        reverse("nomination_create", args=[trade_body.pk]),
        step_one(cluster, SimpleUploadedFile("cut.png", truncated_png(), content_type="image/png")),
    )

    assert response.context["form"].errors == {"logo": ["The image file is damaged or incomplete."]}
    assert Nomination.objects.count() == 0
    assert private_files() == before


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_check_image_refuses_a_cut_file_while_truncated_images_are_allowed_and_leaves_the_flag(
    monkeypatch, image_format
):
    buffer = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(buffer, format=image_format)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    messages = {key: key for key in ("too_large", "not_image", "wrong_format", "markup", "too_many_pixels")}

    with pytest.raises(images.ImageRejected) as error:
        images.check_image(
            buffer.getvalue()[:-400], max_bytes=2**20, max_pixels=10**6, messages=messages | {"broken": "broken"}
        )

    # libwebp refuses a cut WebP when opening it; the others open and fail when checked.
    assert str(error.value) == ("not_image" if image_format == "WEBP" else "broken")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_damaged_image_is_refused_in_a_process_that_has_imported_weasyprint():
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for its whole process (the badge workers)."""
    script = (
        "import sys, weasyprint\n"
        "from PIL import ImageFile\n"
        "assert ImageFile.LOAD_TRUNCATED_IMAGES\n"
        "from expo import images\n"
        "data = sys.stdin.buffer.read()\n"
        "messages = dict.fromkeys(['too_large', 'not_image', 'wrong_format', 'markup', 'too_many_pixels'], 'other')\n"
        "try:\n"
        "    images.check_image(data, max_bytes=2**20, max_pixels=10**6, messages={**messages, 'broken': 'broken'})\n"
        "except images.ImageRejected as error:\n"
        "    print(error)\n"
        "else:\n"
        "    print('accepted')\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        input=truncated_png(),
        capture_output=True,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=True,
    )

    assert result.stdout.decode().strip() == "broken"


def test_image_process_twice_or_after_a_newer_upload_keeps_only_the_newest(
    owner_client, trade_body, expo, cluster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        owner_client.post(
            reverse("nomination_create", args=[trade_body.pk]),
            step_one(cluster, SimpleUploadedFile("first.png", png("red"), content_type="image/png")),
        )
    nomination = Nomination.objects.get()
    first = nomination.logo.name
    data = {**step_one(cluster, SimpleUploadedFile("second.png", png("blue"), content_type="image/png"))}
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("nomination_step", args=[nomination.pk, 1]), data)

    nomination.refresh_from_db()
    second = nomination.logo.name
    assert second != first
    assert not pending_original(first).exists()
    assert not nomination.logo.storage.exists(first)
    # The first upload's task, arriving late, and the second's delivered twice, change nothing.
    assert tasks.image_process("nomination", nomination.pk, "logo") is False
    thumbnail = nomination.logo_thumbnail.name
    nomination.refresh_from_db()
    assert (nomination.logo.name, nomination.logo_thumbnail.name) == (second, thumbnail)
    assert Image.open(nomination.logo.path).getpixel((0, 0)) == (0, 0, 255)


def test_image_process_drops_an_image_whose_pixels_cannot_be_decoded(
    owner_client, trade_body, expo, cluster, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("nomination_create", args=[trade_body.pk]),
            step_one(cluster, SimpleUploadedFile("logo.png", png_with_damaged_pixels(), content_type="image/png")),
        )

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.logo.name, nomination.logo_thumbnail.name) == ("", "")
    assert not any("/pending/" in path for path in private_files())


@pytest.fixture
def exhibitor_owner_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    exhibitor = ExhibitorFactory(name="Hilal Surgical", slug="hilal-surgical", stall_size=StallSize.SHELL_9)
    client.force_login(ExhibitorMembershipFactory(exhibitor=exhibitor).user)
    client.exhibitor = exhibitor
    return client


def test_exhibitor_logo_reaches_public_media_only_re_encoded(
    exhibitor_owner_client, django_capture_on_commit_callbacks
):
    client, exhibitor = exhibitor_owner_client, exhibitor_owner_client.exhibitor
    data = {
        "name": "Hilal Surgical",
        "description": "Surgical instruments since 1962.",
        "export_experience": "regular",
        "logo": SimpleUploadedFile("logo.jpg", jpeg_with_exif(), content_type="image/jpeg"),
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("exhibitor_profile", args=[exhibitor.pk]), data)

    assert response.status_code == 302, response.context and response.context["form"].errors
    exhibitor.refresh_from_db()
    assert exhibitor.logo.name.startswith("exhibitors/logos/")
    assert files_under(settings.MEDIA_ROOT) == set()
    assert b"Secret Camera Maker" in pending_original(exhibitor.logo.name).read_bytes()
    assert (
        'alt="Your current logo"' not in client.get(reverse("exhibitor_profile", args=[exhibitor.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    exhibitor.refresh_from_db()
    assert files_under(settings.MEDIA_ROOT) == {exhibitor.logo.path, exhibitor.logo_thumbnail.path}
    assert b"Secret Camera Maker" not in Path(exhibitor.logo.path).read_bytes()
    assert not pending_original(exhibitor.logo.name).exists()
    page = client.get(reverse("exhibitor_profile", args=[exhibitor.pk])).content.decode()
    assert f'<img src="{exhibitor.logo_thumbnail.url}" alt="Your current logo"' in page


def test_approval_before_the_logo_is_re_encoded_publishes_only_the_re_encoded_copy(
    owner_client, trade_body, expo, cluster, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.nomination_rules_ensure(expo=expo)
    nomination = NominationFactory(trade_body=trade_body, expo=expo, status="draft")
    with django_capture_on_commit_callbacks(execute=False):
        owner_client.post(
            reverse("nomination_step", args=[nomination.pk, 1]),
            step_one(cluster, SimpleUploadedFile("logo.jpg", jpeg_with_exif(), content_type="image/jpeg")),
        )
    Nomination.objects.filter(pk=nomination.pk).update(status="submitted")
    decider = StaffFactory()
    decider.user_permissions.add(Permission.objects.get(codename="decide_nomination"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.nomination_decide(
            nomination=nomination, decision="approved", reason="", user=decider, site_url="http://testserver/"
        )

    exhibitor = Exhibitor.objects.get(nomination=nomination)
    assert exhibitor.logo.name.startswith("exhibitors/logos/")
    assert exhibitor.logo_thumbnail.name == ""
    assert files_under(settings.MEDIA_ROOT) == set()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    exhibitor.refresh_from_db()
    assert files_under(settings.MEDIA_ROOT) == {exhibitor.logo.path, exhibitor.logo_thumbnail.path}
    assert b"Secret Camera Maker" not in Path(exhibitor.logo.path).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_product_photo_gets_its_thumbnail_from_a_real_worker(client, member, trade_body, celery_worker):
    client.force_login(member)
    nomination = NominationFactory(trade_body=trade_body, status="draft", enterprise=None)
    data = {
        "export_experience": "",
        "export_markets": "",
        "action": "continue",
        "products-TOTAL_FORMS": "1",
        "products-INITIAL_FORMS": "0",
        "products-MIN_NUM_FORMS": "0",
        "products-MAX_NUM_FORMS": "10",
        "products-0-name": "Forceps",
        "products-0-photo": SimpleUploadedFile("forceps.jpg", jpeg_with_exif((640, 480)), content_type="image/jpeg"),
    }

    response = client.post(reverse("nomination_step", args=[nomination.pk, 3]), data)

    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while not (product := NominationProduct.objects.get(nomination=nomination)).thumbnail:
        assert time.monotonic() < deadline, "no thumbnail after 30 s"
        time.sleep(0.2)
    assert Image.open(product.thumbnail.path).size == (400, 300)
    assert b"Secret Camera Maker" not in Path(product.photo.path).read_bytes()
    assert not pending_original(product.photo.name).exists()


def test_product_photo_polyglot_is_refused_next_to_the_field_and_no_product_is_saved(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body, status="draft", enterprise=None, submitted_at=None)
    before = private_files()
    data = {
        "export_experience": "",
        "export_markets": "",
        "action": "continue",
        "products-TOTAL_FORMS": "2",
        "products-INITIAL_FORMS": "0",
        "products-MIN_NUM_FORMS": "0",
        "products-MAX_NUM_FORMS": "10",
        "products-0-name": "Forceps",
        "products-0-photo": SimpleUploadedFile("forceps.png", png(), content_type="image/png"),
        "products-1-name": "Scissors",
        "products-1-photo": SimpleUploadedFile("scissors.png", html_png_polyglot(), content_type="image/png"),
    }

    response = owner_client.post(reverse("nomination_step", args=[nomination.pk, 3]), data)

    assert response.status_code == 200
    assert [form.errors for form in response.context["formset"].forms] == [{}, {"photo": [MARKUP]}]
    assert 'id="error_1_id_products-1-photo"' in response.content.decode()
    assert nomination.products.count() == 0
    assert private_files() == before
