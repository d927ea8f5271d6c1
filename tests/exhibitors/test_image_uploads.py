"""Logo and product photo uploads of the nomination form: only real JPEG/PNG/WebP by content, within bounds,
metadata stripped; a rejected file gets its message next to the field and nothing is stored."""

import io
import os
import struct
import tracemalloc
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from exhibitors.models import Nomination
from tests.factories import ClusterFactory, ExpoFactory, NominationFactory

pytestmark = pytest.mark.django_db

NOT_IMAGE = "This file is not an image. Upload a JPEG, PNG or WebP photo."
MARKUP = "This file contains web page code (HTML or SVG) and cannot be accepted as an image."
TOO_MANY_PIXELS = "The image is too large: at most 40 megapixels."
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


def private_files() -> set[str]:
    found = set()
    for folder, _dirs, files in os.walk(settings.PRIVATE_MEDIA_ROOT):
        found |= {os.path.join(folder, name) for name in files}
    return found


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


def test_logo_upload_strips_metadata_from_the_stored_image(owner_client, trade_body, expo, cluster):
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(buffer, format="JPEG", exif=exif)

    owner_client.post(
        reverse("nomination_create", args=[trade_body.pk]),
        step_one(cluster, SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")),
    )

    nomination = Nomination.objects.get()
    with nomination.logo.open("rb") as stored:
        content = stored.read()
    assert b"Secret Camera Maker" not in content
    assert dict(Image.open(io.BytesIO(content)).getexif()) == {}
    assert nomination.logo.name.endswith(".jpg")


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
