"""The registration page as a visitor sees it: interests by sector in the visitor's language, the privacy notice
where consent is asked, and the empty form served from cached parts with each visitor's own CSRF token."""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.html import Element, parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ClusterFactory, SectorFactory, UserFactory, register_visitor
from visitors.models import DayCapacity, Registration
from visitors.views import registration

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EMPTY = {"category": "", "full_name": "", "email": "", "consent": ""}


def _all(node, name: str) -> list[Element]:
    found = []
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            if child.name == name:
                found.append(child)
            found.extend(_all(child, name))
    return found


def _text(node) -> str:
    return " ".join(child if isinstance(child, str) else _text(child) for child in node.children).strip()


def _attrs(node) -> dict:
    return dict(node.attributes)


def _interests(content: str) -> list[tuple[str, bool, list[tuple[str, bool]]]]:
    """The interest groups as drawn: (sector, opened, [(city, ticked), …])."""
    (fieldset,) = [node for node in _all(parse_html(content), "fieldset") if "interests" in str(node)]
    groups = []
    for details in _all(fieldset, "details"):
        (summary,) = _all(details, "summary")
        labels = {_attrs(label)["for"]: _text(label) for label in _all(details, "label")}
        boxes = [(labels[_attrs(box)["id"]], "checked" in _attrs(box)) for box in _all(details, "input")]
        groups.append((_text(summary), "open" in _attrs(details), boxes))
    return groups


def _interests_opened(content: str) -> bool:
    """Whether the box of all the sectors is open."""
    (box,) = [node for node in _all(parse_html(content), "details") if _attrs(node).get("data-testid") == "interests"]
    return "open" in _attrs(box)


def _get(client, language: str = "en", path: str = "/register/"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response


def _queries(client, path: str = "/register/") -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, path=path)
    return len(captured)


@pytest.fixture
def clusters(expo):
    """Two sectors with an Urdu name; Sialkot in both, as in the demo expo."""
    surgical = SectorFactory(name="Surgical instruments", name_ur="جراحی کے آلات")
    sports = SectorFactory(name="Sports goods", name_ur="کھیلوں کا سامان")
    return {
        "surgical": ClusterFactory(sector=surgical, city="Sialkot"),
        "sports": ClusterFactory(sector=sports, city="Sialkot"),
        "sports_lahore": ClusterFactory(sector=sports, city="Lahore"),
    }


def test_interests_are_grouped_by_sector_in_the_visitors_language(client, clusters):
    english_page = _get(client, "en").content.decode()
    english, urdu = _interests(english_page), _interests(_get(client, "ur").content.decode())

    assert english == [
        ("Sports goods", False, [("Lahore", False), ("Sialkot", False)]),
        ("Surgical instruments", False, [("Sialkot", False)]),
    ]
    assert urdu == [
        ("کھیلوں کا سامان", False, [("Lahore", False), ("Sialkot", False)]),
        ("جراحی کے آلات", False, [("Sialkot", False)]),
    ]
    assert not _interests_opened(english_page)


def test_each_sector_names_its_checkboxes_and_the_values_are_the_clusters(client, clusters):
    document = parse_html(_get(client).content.decode())
    groups = [node for node in _all(document, "div") if _attrs(node).get("role") == "group"]
    summaries = {_attrs(node).get("id"): _text(node) for node in _all(document, "summary")}

    named = {summaries[_attrs(group)["aria-labelledby"]]: group for group in groups}
    values = {
        sector: sorted(int(_attrs(box)["value"]) for box in _all(group, "input")) for sector, group in named.items()
    }
    assert values == {
        "Sports goods": sorted([clusters["sports"].pk, clusters["sports_lahore"].pk]),
        "Surgical instruments": [clusters["surgical"].pk],
    }


def test_form_sent_back_with_errors_opens_the_sectors_ticked_and_keeps_the_ticks(client, clusters):
    data = {**EMPTY, "full_name": "Ayesha Khan", "interests": [clusters["sports_lahore"].pk]}
    response = client.post(reverse("register"), data)

    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert _interests(response.content.decode()) == [
        ("Sports goods", True, [("Lahore", True), ("Sialkot", False)]),
        ("Surgical instruments", False, [("Sialkot", False)]),
    ]
    assert _interests_opened(response.content.decode())
    assert Registration.objects.count() == 0


def test_unknown_interest_is_refused_next_to_the_interests(client, clusters):
    response = client.post(reverse("register"), {**EMPTY, "interests": ["999999"]})

    document = parse_html(response.content.decode())
    (fieldset,) = [node for node in _all(document, "fieldset") if "interests" in str(node)]
    (error,) = [node for node in _all(fieldset, "div") if _attrs(node).get("id") == "id_interests_error"]
    assert "999999" in _text(error)
    assert _interests_opened(response.content.decode())
    assert "id_interests_error" in _attrs(fieldset)["aria-describedby"].split()
    assert Registration.objects.count() == 0


def test_privacy_notice_is_where_consent_is_asked_and_describes_the_checkbox(client, clusters):
    content = _get(client).content.decode()
    document = parse_html(content)

    (consent,) = [node for node in _all(document, "input") if _attrs(node).get("name") == "consent"]
    assert _attrs(consent)["aria-describedby"] == "privacy-notice"
    (notice,) = [node for node in _all(document, "p") if _attrs(node).get("id") == "privacy-notice"]
    assert _text(notice).startswith("Privacy notice: SMEDA uses your details only")
    assert content.index('id="privacy-notice"') < content.index('name="consent"')
    assert content.count("Privacy notice:") == 1


def test_missing_consent_is_shown_next_to_the_checkbox(client, clusters):
    response = client.post(reverse("register"), EMPTY)

    document = parse_html(response.content.decode())
    (consent,) = [node for node in _all(document, "input") if _attrs(node).get("name") == "consent"]
    assert _attrs(consent)["aria-describedby"].split() == ["privacy-notice", "id_consent_error"]
    assert _attrs(consent)["aria-invalid"] == "true"
    (error,) = [node for node in _all(document, "div") if _attrs(node).get("id") == "id_consent_error"]
    assert _text(error) == "This field is required."


def _token(response) -> str:
    (token,) = TOKEN.findall(response.content.decode())
    return token


def test_cached_page_carries_each_visitors_own_csrf_token(clusters):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = _get(first)
    with CaptureQueriesContext(connection) as captured:
        second_page = _get(second)
    assert not any("expo_cluster" in query["sql"] for query in captured), "the second page came from the cache"

    assert _token(first_page) != _token(second_page)
    assert first.cookies[settings.CSRF_COOKIE_NAME].value != second.cookies[settings.CSRF_COOKIE_NAME].value
    # Each visitor's token works for them, and for no one else.
    assert first.post("/register/", {**EMPTY, "csrfmiddlewaretoken": _token(first_page)}).status_code == 200
    assert second.post("/register/", {**EMPTY, "csrfmiddlewaretoken": _token(second_page)}).status_code == 200
    assert second.post("/register/", {**EMPTY, "csrfmiddlewaretoken": _token(first_page)}).status_code == 403
    assert "private" in second_page["Cache-Control"]


def test_cached_page_keeps_nothing_of_a_visitor_who_sent_the_form(client, clusters):
    _get(Client())  # the shared parts are in the cache
    sent = client.post(
        reverse("register"), {**EMPTY, "full_name": "Ayesha Khan", "interests": [clusters["surgical"].pk]}
    )
    assert "Ayesha Khan" in sent.content.decode()

    other = _get(Client()).content.decode()
    assert "Ayesha Khan" not in other
    assert all(not opened and not any(ticked for _city, ticked in boxes) for _s, opened, boxes in _interests(other))
    assert "invalid-feedback" not in other
    assert not _interests_opened(other)


def test_signed_in_person_gets_their_own_page_and_leaves_nothing_in_the_shared_one(clusters):
    person = UserFactory(email="staff.member@example.pk")
    signed_in = Client()
    signed_in.force_login(person)
    anonymous = Client()

    assert "staff.member@example.pk" in _get(signed_in).content.decode()
    assert "staff.member@example.pk" not in _get(anonymous).content.decode()
    assert "staff.member@example.pk" in _get(signed_in).content.decode()


def test_cache_key_ignores_parameters_the_page_does_not_read(client, clusters):
    plain = _get(Client()).content.decode()
    with CaptureQueriesContext(connection) as captured:
        tagged = _get(client, path="/register/?utm_source=flyer&next=https://elsewhere.example").content.decode()

    assert not any("expo_cluster" in query["sql"] for query in captured)
    assert "utm_source" not in tagged
    assert "elsewhere.example" not in tagged
    assert TOKEN.sub("", tagged) == TOKEN.sub("", plain)


def test_languages_are_kept_apart(clusters):
    assert 'lang="en" dir="ltr"' in _get(Client(), "en").content.decode()
    urdu = _get(Client(), "ur").content.decode()
    assert 'lang="ur" dir="rtl"' in urdu
    assert 'lang="en" dir="ltr"' in _get(Client(), "en").content.decode()


def test_cached_page_follows_edits_to_sectors_and_clusters(client, clusters):
    _get(client)
    sector = clusters["surgical"].sector
    sector.name = "Surgical and dental instruments"
    sector.save()
    ClusterFactory(sector=sector, city="Wazirabad")

    assert ("Surgical and dental instruments", False, [("Sialkot", False), ("Wazirabad", False)]) in _interests(
        _get(client).content.decode()
    )


def test_places_left_are_counted_again_within_seconds(client, expo, clusters):
    DayCapacity.objects.create(expo=expo, date=expo.start_date, category="", capacity=5)
    day = f"{expo.start_date:%A} {expo.start_date.day} {expo.start_date:%B}"
    assert f"{day}: 5 places left" in _get(client).content.decode()

    register_visitor(expo, dates=[expo.start_date])
    time.sleep(registration.PLACES_LEFT_SECONDS + 0.5)

    assert f"{day}: 4 places left" in _get(client).content.decode()


def test_registration_closes_on_time_with_the_page_in_the_cache(client, expo, clusters):
    expo.registration_closes_at = timezone.now() + datetime.timedelta(seconds=1)
    expo.save()
    assert 'name="csrfmiddlewaretoken"' in _get(client).content.decode()

    time.sleep(1.5)

    response = client.get("/register/")
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()
    assert response.templates[0].name == "visitors/closed.html"


def test_query_count_is_the_same_with_one_or_many_clusters_and_registrations(expo, monkeypatch):
    # Places left counted once for the whole test, so that a slow machine cannot count them twice.
    monkeypatch.setattr(registration, "PLACES_LEFT_SECONDS", 60)
    ClusterFactory()
    DayCapacity.objects.create(expo=expo, date=expo.start_date, category="", capacity=50)
    register_visitor(expo, dates=[expo.start_date])
    cache.clear()
    first_render, cached = _queries(Client()), _queries(Client())

    for _ in range(5):
        ClusterFactory()
        register_visitor(expo, dates=[expo.start_date])
    cache.clear()

    # The first render reads the current expo, the clusters with their sectors and the places left
    # (capacities, confirmed counts); later visitors get it all from the cache.
    assert (first_render, cached) == (4, 0)
    assert (_queries(Client()), _queries(Client())) == (first_render, cached)
