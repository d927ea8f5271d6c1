"""The API's answers are cached under the public pages' data versions, with ETag and Last-Modified, and an
anonymous client past its rate gets 429 with Retry-After."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import results
from exhibitors import services as exhibitor_services
from pavilions.models import StallAllocation
from pavilions.services import floor_plan_changed
from programme import services as programme_services

pytestmark = pytest.mark.django_db

EXHIBITORS = "/api/v1/exhibitors/"
SESSIONS = "/api/v1/sessions/"


def test_answer_carries_etag_and_last_modified_and_304_when_unchanged(client, world):
    first = client.get(EXHIBITORS)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "no-cache, public"

    by_etag = client.get(EXHIBITORS, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag

    by_date = client.get(EXHIBITORS, headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304

    stale = client.get(EXHIBITORS, headers={"If-None-Match": '"another"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_a_cached_answer_reads_no_database(client, world):
    client.get(EXHIBITORS, {"women_led": "true"})
    with CaptureQueriesContext(connection) as queries:
        # A parameter the endpoint does not read is dropped: the same entry answers.
        again = client.get(EXHIBITORS, {"women_led": "true", "utm_source": "newsletter"})
    assert again.status_code == 200
    assert [row["name"] for row in again.json()["results"]] == ["Hala Weaves"]
    assert len(queries) == 0


def test_a_profile_change_renews_the_answer_and_its_etag(client, world, django_capture_on_commit_callbacks):
    steel = world["steel"]
    before = client.get(f"{EXHIBITORS}{steel.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        exhibitor_services.exhibitor_product_save(exhibitor=steel, product=None, data={"name": "Scalpel handle"})
    after = client.get(f"{EXHIBITORS}{steel.pk}/", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert [product["name"] for product in after.json()["products"]] == ["Forceps", "Scalpel handle"]


def test_a_cancelled_session_renews_the_programme(client, world, django_capture_on_commit_callbacks):
    before = client.get(SESSIONS, {"expo": 2041})
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.session_cancel(session=world["talk"])
    after = client.get(SESSIONS, {"expo": 2041}, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert [session["cancelled"] for session in after.json()["results"]] == [True, True]


def test_past_the_rate_a_client_gets_429_with_retry_after(client, world, settings):
    settings.EXPO_API_ANON_RATE = "3/minute"
    # Five seconds into a minute, with the clock held: the window of this minute ends in 55 s.
    with time_machine.travel(datetime.datetime(2041, 1, 24, 10, 0, 5, tzinfo=datetime.UTC), tick=False):
        for _request in range(3):
            assert client.get(EXHIBITORS).status_code == 200
        refused = client.get(f"{EXHIBITORS}{world['steel'].pk}/")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "55"
        assert list(refused.json()) == ["detail"]
        # Another address has its own count.
        assert client.get(EXHIBITORS, REMOTE_ADDR="10.0.0.7").status_code == 200
        # A header a client sets does not pick a fresh count.
        assert client.get(EXHIBITORS, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
    # The next minute, the count starts again.
    with time_machine.travel(datetime.datetime(2041, 1, 24, 10, 1, 0, tzinfo=datetime.UTC), tick=False):
        assert client.get(EXHIBITORS).status_code == 200


def test_a_new_stall_renews_the_exhibitor_detail(client, world):
    steel = world["steel"]
    before = client.get(f"{EXHIBITORS}{steel.pk}/")
    StallAllocation.objects.create(stall=world["stall_free"], exhibitor=steel)
    # What the allocation services do after every write.
    floor_plan_changed()
    after = client.get(f"{EXHIBITORS}{steel.pk}/", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert [stall["code"] for stall in after.json()["stalls"]] == ["H1-A-001", "H1-A-003"]
    stalls = client.get("/api/v1/stalls/", {"occupied": "true"}).json()["results"]
    assert [stall["code"] for stall in stalls] == ["H1-A-001", "H1-A-003"]


def test_publishing_results_renews_the_award_winners(client, world, django_capture_on_commit_callbacks):
    before = client.get("/api/v1/award-winners/")
    with django_capture_on_commit_callbacks(execute=True):
        results.results_publish(expo=world["expo"], site_url="http://testserver/")
    after = client.get("/api/v1/award-winners/", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert sorted(winner["category"]["name"] for winner in after.json()["results"]) == [
        "Exporter of the year",
        "Innovator of the year",
    ]
    unpublished = world["unpublished"].candidate.exhibitor
    awards = client.get(f"{EXHIBITORS}{unpublished.pk}/").json()["awards"]
    assert awards == [{"category": "Innovator of the year", "category_ur": "", "place": "winner"}]
