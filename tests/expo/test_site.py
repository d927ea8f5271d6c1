import json

import pytest
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ClusterFactory, ExpoFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_current_expo_with_its_sectors_and_calls_to_action(client):
    ExpoFactory(name="Made in Pakistan Expo", venue="Lahore Expo Centre", year=2040, is_current=False)
    expo = ExpoFactory(name="SME Cluster Showcase 2041", year=2041)
    ClusterFactory(sector=SectorFactory(name="Surgical instruments"), city="Sialkot")

    page = client.get("/").content.decode()

    assert expo.name in page
    assert "Made in Pakistan Expo" not in page
    assert "24 January" in page
    assert "26 January 2041" in page
    assert "Surgical instruments" in page
    assert "Sialkot" in page
    for url in (
        reverse("register"),
        reverse("directory"),
        reverse("floor_plan"),
    ):
        assert url in page


def test_home_page_without_an_edition_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "has not been announced yet" in response.content.decode()


def test_home_page_has_a_skip_link_and_landmarks(client):
    ExpoFactory()

    page = client.get("/").content.decode()

    assert '<a class="visually-hidden-focusable skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert "<header>" in page
    assert "<footer" in page
    assert '<html lang="en" dir="ltr">' in page


def test_home_page_in_urdu_is_right_to_left_with_translated_navigation(client):
    ExpoFactory()
    SectorFactory(name="Surgical instruments", name_ur="جراحی کے آلات")

    response = client.get(reverse("language_switch", args=["ur"]), {"next": "/"}, follow=True)
    page = response.content.decode()

    assert '<html lang="ur" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "جراحی کے آلات" in page
    assert "Register to visit" not in page
    assert "Sign in" not in page
    assert "English" in page or "انگریزی" in page


def test_home_page_query_count_does_not_grow_with_sectors(client, django_assert_max_num_queries):
    ExpoFactory()
    ClusterFactory()
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(30):
        ClusterFactory()

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_static_assets_are_served_from_the_project_not_a_cdn(client):
    ExpoFactory()

    page = client.get("/").content.decode()

    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert "https://" not in page.split("<body>")[0]


def test_pages_send_a_content_security_policy(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_favicon_ico_leads_to_the_site_icon_for_answers_without_a_page(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")


def test_healthz_reports_database_cache_and_broker(client):
    response = client.get("/healthz")

    body = json.loads(response.content)
    assert response.status_code == 200
    assert body == {"status": "ok", "database": "ok", "cache": "ok", "broker": body["broker"]}
    assert body["broker"] in {"ok", "eager"}


def test_healthz_reports_a_broker_that_is_down(client, settings):
    from expo.celery import app

    original = app.conf.broker_url
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    try:
        response = client.get("/healthz")
    finally:
        app.conf.update(broker_url=original, task_always_eager=True)

    assert response.status_code == 503
    assert json.loads(response.content)["broker"].startswith("error")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_language_switch_never_redirects_off_site(client, next_url):
    response = client.get(reverse("language_switch", args=["ur"]), {"next": next_url})

    assert response.status_code == 302
    assert response.url == "/"
    assert response.cookies["django_language"].value == "ur"


def test_language_switch_refuses_an_unknown_language(client):
    assert client.get(reverse("language_switch", args=["xx"])).status_code == 404


def test_home_page_is_cached_for_anonymous_visitors_until_an_edition_changes(client, django_assert_num_queries):
    expo = ExpoFactory(name="SME Cluster Showcase 2041")
    client.get("/")

    with django_assert_num_queries(0):
        cached = client.get("/")
    expo.name = "SME Cluster Showcase 2041, renamed"
    expo.save()

    assert "SME Cluster Showcase 2041" in cached.content.decode()
    assert "renamed" in client.get("/").content.decode()


def test_home_page_is_not_shared_with_signed_in_users(client, member):
    ExpoFactory()
    client.get("/")
    client.force_login(member)

    page = client.get("/").content.decode()

    assert member.email in page
    assert "private" in client.get("/")["Cache-Control"]


@pytest.mark.parametrize("path", ["/register/", "/floor-plan/", "/exhibitors/"])
def test_a_page_reads_the_current_expo_once_for_itself_and_the_site_shell(client, path):
    ExpoFactory(name="SME Cluster Showcase 2041")

    with CaptureQueriesContext(connection) as captured:
        page = client.get(path).content.decode()

    assert "SME Cluster Showcase 2041" in page  # the shell's title and footer
    assert sum('FROM "expo_expo"' in query["sql"] for query in captured.captured_queries) == 1
