"""The walk-in desk asks for the same consent as the online form, so it shows the same privacy notice for the desk
to read out or show: a walk-in's consent is no less informed than an online visitor's."""

import pytest
from django.test.html import parse_html
from django.urls import reverse

from visitors.models import Registration

pytestmark = pytest.mark.django_db

DESK = reverse("desk_register")
NOTICE = "Privacy notice: SMEDA uses your details only to register you"


def _walk_in(expo, **overrides) -> dict:
    data = {
        "category": "trade_visitor",
        "full_name": "Bilal Ahmed",
        "email": "bilal@example.pk",
        "phone": "+92 300 7654321",
        "organisation": "Ahmed Sports",
        "country": "PK",
        "city": "Sialkot",
        "days": [expo.start_date.isoformat()],
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _element(content: str, tag: str, **attrs):
    """The one ``tag`` element of the page whose attributes include ``attrs``."""

    def walk(node):
        if getattr(node, "name", None) == tag and all(dict(node.attributes).get(k) == v for k, v in attrs.items()):
            yield node
        for child in getattr(node, "children", []):
            yield from walk(child)

    (found,) = list(walk(parse_html(content)))
    return found


def test_desk_page_shows_the_privacy_notice_that_describes_the_consent_checkbox(client, expo, desk_staff):
    client.force_login(desk_staff)
    content = client.get(DESK).content.decode()

    notice = _element(content, "p", id="privacy-notice")
    assert "".join(str(child) for child in notice.children).startswith(NOTICE)
    consent = _element(content, "input", name="consent")
    assert dict(consent.attributes)["aria-describedby"] == "privacy-notice"
    assert content.index('data-testid="read-notice"') < content.index('id="privacy-notice"')
    assert content.index('id="privacy-notice"') < content.index('name="consent"')
    assert content.count("Privacy notice:") == 1
    _element(content, "input", name="share_contact_with_exhibitors")  # the separate sharing choice stays


def test_desk_without_consent_shows_the_error_by_the_checkbox_and_saves_nothing(client, expo, desk_staff):
    client.force_login(desk_staff)
    response = client.post(DESK, _walk_in(expo, consent=None))

    assert response.status_code == 200
    content = response.content.decode()
    assert NOTICE in content
    error = _element(content, "div", id="id_consent_error")
    assert "This field is required." in str(error)
    assert dict(_element(content, "input", name="consent").attributes)["aria-invalid"] == "true"
    assert Registration.objects.count() == 0


def test_desk_records_the_walk_ins_choice_to_share_their_contact(client, expo, desk_staff):
    client.force_login(desk_staff)
    response = client.post(DESK, _walk_in(expo, share_contact_with_exhibitors="on"))

    assert response["Content-Type"] == "application/pdf"
    registration = Registration.objects.get()
    assert (registration.source, registration.share_contact_with_exhibitors) == ("desk", True)
    assert registration.consent_at is not None


def test_desk_page_and_its_notice_are_not_shown_to_someone_without_the_desk_role(client, expo, someone):
    client.force_login(someone)
    response = client.get(DESK)

    assert response.status_code == 404
    assert NOTICE not in response.content.decode()
