"""Who may see a trade body's nominations and their files: the owner and colleagues of the trade body,
staff allowed to view nominations; a member of another trade body gets 404 on every URL, exactly like
for a nomination that does not exist; anonymous visitors are sent to sign in."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from exhibitors.models import Nomination, NominationImport
from tests.conftest import with_totp
from tests.factories import (
    ExpoFactory,
    MembershipFactory,
    NominationFactory,
    NominationProductFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def expo():
    return ExpoFactory()


@pytest.fixture
def nomination(trade_body, expo):
    """A draft with a logo and a product photo: the data that must not leak."""
    nomination = NominationFactory(
        trade_body=trade_body, expo=expo, legal_name="Secret Surgical Works", status="draft", enterprise=None
    )
    nomination.logo.save("logo.png", ContentFile(png("red")), save=False)
    nomination.logo_thumbnail.save("thumb.png", ContentFile(png("blue")), save=False)
    nomination.save()
    product = NominationProductFactory(nomination=nomination, name="Secret forceps")
    product.photo.save("photo.png", ContentFile(png("green")), save=False)
    product.thumbnail.save("thumb.png", ContentFile(png("yellow")), save=False)
    product.save()
    nomination.product = product
    return nomination


def nomination_urls(nomination) -> list[tuple[str, str]]:
    """Every URL of one nomination, with the method it answers to."""
    pk, product = nomination.pk, nomination.product.pk
    return [
        ("get", reverse("nomination_detail", args=[pk])),
        *[("get", reverse("nomination_step", args=[pk, step])) for step in (1, 2, 3, 4)],
        *[("post", reverse("nomination_step", args=[pk, step])) for step in (1, 2, 3, 4)],
        ("post", reverse("nomination_submit", args=[pk])),
        ("post", reverse("nomination_withdraw", args=[pk])),
        ("get", reverse("nomination_file", args=[pk, "logo", 0])),
        ("get", reverse("nomination_file", args=[pk, "logo-thumbnail", 0])),
        ("get", reverse("nomination_file", args=[pk, "photo", product])),
        ("get", reverse("nomination_file", args=[pk, "thumbnail", product])),
    ]


def trade_body_urls(trade_body) -> list[tuple[str, str]]:
    return [
        ("get", reverse("trade_body_dashboard", args=[trade_body.pk])),
        ("get", reverse("nomination_create", args=[trade_body.pk])),
        ("post", reverse("nomination_create", args=[trade_body.pk])),
        ("get", reverse("nomination_import", args=[trade_body.pk])),
        ("post", reverse("nomination_import", args=[trade_body.pk])),
        ("get", reverse("nomination_import_template", args=[trade_body.pk, "csv"])),
        ("get", reverse("nomination_import_template", args=[trade_body.pk, "xlsx"])),
    ]


def _request(client, method: str, url: str):
    return getattr(client, method)(url, {"legal_name": "Hijacked", "action": "continue"} if method == "post" else None)


def test_nomination_urls_of_another_trade_body_are_not_found_for_an_outsider(client, outsider, nomination):
    client.force_login(outsider)

    for method, url in nomination_urls(nomination) + trade_body_urls(nomination.trade_body):
        response = _request(client, method, url)
        assert response.status_code == 404, (method, url)
        assert "Secret" not in response.content.decode(), url

    nomination.refresh_from_db()
    assert (nomination.status, nomination.legal_name) == ("draft", "Secret Surgical Works")
    assert Nomination.objects.count() == 1


def test_nomination_urls_answer_an_outsider_exactly_like_a_missing_nomination(client, outsider, nomination):
    client.force_login(outsider)
    missing = Nomination(pk=nomination.pk + 1000, trade_body=nomination.trade_body)
    missing.product = nomination.product

    for (method, url), (_same, missing_url) in zip(nomination_urls(nomination), nomination_urls(missing), strict=True):
        theirs, none = _request(client, method, url), _request(client, method, missing_url)
        assert (theirs.status_code, theirs.content) == (none.status_code, none.content), url


def test_nomination_urls_send_an_anonymous_visitor_to_sign_in(client, nomination):
    for method, url in nomination_urls(nomination) + trade_body_urls(nomination.trade_body):
        response = _request(client, method, url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login") + "?next="), url

    nomination.refresh_from_db()
    assert nomination.status == "draft"


def test_nomination_pages_are_open_to_the_owner_and_a_colleague(client, member, nomination):
    colleague = MembershipFactory(trade_body=nomination.trade_body).user

    for user in (member, colleague):
        client.force_login(user)
        for method, url in nomination_urls(nomination):
            if method == "get":
                assert client.get(url).status_code == 200, (user, url)


@pytest.mark.parametrize(
    ("kind", "field"),
    [("logo", "logo"), ("logo-thumbnail", "logo_thumbnail"), ("photo", "photo"), ("thumbnail", "thumbnail")],
)
def test_nomination_file_is_served_to_the_owner_inline_without_sniffing(client, member, nomination, kind, field):
    client.force_login(member)
    item = nomination.product.pk if kind in ("photo", "thumbnail") else 0
    stored = getattr(nomination.product if item else nomination, field)

    response = client.get(reverse("nomination_file", args=[nomination.pk, kind, item]))

    with stored.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="{kind}.png"'


def test_nomination_file_of_another_nominations_product_is_not_found(client, member, nomination):
    other = NominationProductFactory(nomination=NominationFactory(trade_body=nomination.trade_body))
    other.photo.save("photo.png", ContentFile(png("black")))
    client.force_login(member)

    response = client.get(reverse("nomination_file", args=[nomination.pk, "photo", other.pk]))

    assert response.status_code == 404


def test_nomination_file_unknown_kind_or_empty_field_is_not_found(client, member, nomination):
    client.force_login(member)
    empty = NominationFactory(trade_body=nomination.trade_body)

    assert client.get(reverse("nomination_file", args=[nomination.pk, "cnic", 0])).status_code == 404
    assert client.get(reverse("nomination_file", args=[nomination.pk, "logo", 1])).status_code == 404
    assert client.get(reverse("nomination_file", args=[empty.pk, "logo", 0])).status_code == 404


def test_nomination_file_is_served_to_staff_allowed_to_view_nominations_only(client, nomination):
    reviewer = with_totp(StaffFactory())
    reviewer.user_permissions.add(Permission.objects.get(codename="view_nomination"))
    other_staff = StaffFactory()
    url = reverse("nomination_file", args=[nomination.pk, "logo", 0])

    client.force_login(reviewer)
    allowed = client.get(url)
    client.force_login(other_staff)
    refused = client.get(url)

    assert allowed.status_code == 200
    assert refused.status_code == 404


def test_nomination_import_of_a_colleague_cannot_be_seen_or_confirmed(client, member, trade_body, expo):
    colleague = MembershipFactory(trade_body=trade_body).user
    upload = NominationImport(
        expo=expo, trade_body=trade_body, uploaded_by=member, extension="csv", rows=1, language="en"
    )
    upload.file.save("upload.csv", ContentFile(b"legal_name\n"), save=False)
    upload.status, upload.report = NominationImport.Status.CHECKED, {"rows": [], "file_problems": []}
    upload.save()
    client.force_login(colleague)

    seen = client.get(reverse("nomination_import_status", args=[trade_body.pk, upload.pk]))
    confirmed = client.post(reverse("nomination_import_confirm", args=[trade_body.pk, upload.pk]))

    upload.refresh_from_db()
    assert (seen.status_code, confirmed.status_code) == (404, 404)
    assert upload.status == NominationImport.Status.CHECKED
    assert Nomination.objects.count() == 0
