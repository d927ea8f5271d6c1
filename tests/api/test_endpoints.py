"""Each endpoint of the public API as a client uses it: the list, a detail, the filters, the pages; hidden rows
answer 404 like missing ones; a list reads as many queries for many rows as for one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import API, ENDPOINTS, SECRETS
from tests.factories import ExhibitorFactory, ExhibitorProductFactory, StallFactory

pytestmark = pytest.mark.django_db


def get(client, path: str, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def names(page: dict, key: str = "name") -> list:
    return [row[key] for row in page["results"]]


def test_root_lists_every_endpoint(client, world):
    endpoints = get(client, "")
    assert sorted(endpoints) == sorted(ENDPOINTS)


def test_editions_are_the_current_and_those_held(client, world):
    assert [edition["year"] for edition in get(client, "editions/")["results"]] == [2020, 2041]
    assert get(client, "editions/2041/")["is_current"] is True
    assert client.get(API + "editions/2090/").status_code == 404


def test_clusters_and_sectors_filter_by_sector_and_province(client, world):
    surgical, textiles = world["surgical"], world["textiles"]
    assert names(get(client, "clusters/", province="sindh")) == [textiles.name]
    assert names(get(client, "clusters/", sector=surgical.sector_id)) == [surgical.name]
    cluster = get(client, f"clusters/{surgical.pk}/")
    assert cluster["sector"] == {
        "id": surgical.sector_id,
        "name": "Surgical instruments",
        "name_ur": "",
        "slug": surgical.sector.slug,
    }
    assert "Textiles" in names(get(client, "sectors/"))


def test_exhibitors_list_only_the_listed_of_public_editions(client, world):
    assert names(get(client, "exhibitors/")) == [
        "Steel Surgical",
        "Hala Weaves",
        "Veteran Cutlers",
        SECRETS["unpublished_winner"],
    ]


def test_exhibitor_filters(client, world):
    assert names(get(client, "exhibitors/", women_led="true")) == ["Hala Weaves"]
    assert names(get(client, "exhibitors/", province="sindh", expo=2041)) == [
        "Hala Weaves",
        SECRETS["unpublished_winner"],
    ]
    assert names(get(client, "exhibitors/", cluster=world["surgical"].pk, expo=2041)) == ["Steel Surgical"]
    assert names(get(client, "exhibitors/", sector=world["surgical"].sector_id)) == [
        "Steel Surgical",
        "Veteran Cutlers",
    ]
    assert names(get(client, "exhibitors/", export_ready="true")) == ["Steel Surgical"]
    assert names(get(client, "exhibitors/", expo=2020)) == ["Veteran Cutlers"]
    assert names(get(client, "exhibitors/", expo=2090)) == []


def test_exhibitor_detail_shows_the_public_profile_products_stall_and_award(client, world):
    steel = world["steel"]
    detail = get(client, f"exhibitors/{steel.pk}/")
    assert detail["name"] == "Steel Surgical"
    assert detail["expo"] == 2041
    assert detail["public_email"] == "sales@steel.example.pk"
    assert detail["certifications"] == ["ISO 13485"]
    assert detail["export_ready"] is True
    assert [product["name"] for product in detail["products"]] == ["Forceps"]
    assert detail["stalls"] == [
        {"id": world["stall_steel"].pk, "code": "H1-A-001", "hall": "H1", "pavilion": world["pavilion"].name}
    ]
    assert detail["awards"] == [{"category": "Exporter of the year", "category_ur": "", "place": "winner"}]


@pytest.mark.parametrize("hidden", ["hidden", "undescribed", "future"])
def test_hidden_exhibitor_is_not_found(client, world, hidden):
    assert client.get(f"{API}exhibitors/{world[hidden].pk}/").status_code == 404
    assert client.get(f"{API}exhibitors/999999/").status_code == 404


def test_products_of_listed_exhibitors_only(client, world):
    assert names(get(client, "products/", expo=2041)) == ["Forceps", "Ajrak shawl"]
    assert names(get(client, "products/", hs_code="9018")) == ["Forceps"]
    product = get(client, f"products/{world['forceps'].pk}/")
    assert product["exhibitor"] == {
        "id": world["steel"].pk,
        "slug": "steel-surgical",
        "name": "Steel Surgical",
        "expo": 2041,
    }
    hidden = world["hidden"].products.get()
    assert client.get(f"{API}products/{hidden.pk}/").status_code == 404


def test_halls_pavilions_and_stalls_with_their_listed_occupants(client, world):
    assert [hall["code"] for hall in get(client, "halls/")["results"]] == ["H1"]
    assert client.get(f"{API}halls/{world['coming'].halls.get().pk}/").status_code == 404
    pavilion = get(client, f"pavilions/{world['pavilion'].pk}/")
    assert pavilion["clusters"] == [world["surgical"].pk]
    stalls = {stall["code"]: stall["occupant"] for stall in get(client, "stalls/", hall=world["hall"].pk)["results"]}
    # The stall of an unlisted exhibitor shows as free, as on the public plan.
    assert stalls == {
        "H1-A-001": {"id": world["steel"].pk, "slug": "steel-surgical", "name": "Steel Surgical", "expo": 2041},
        "H1-A-002": None,
        "H1-A-003": None,
    }
    assert [stall["code"] for stall in get(client, "stalls/", occupied="true")["results"]] == ["H1-A-001"]
    assert [stall["code"] for stall in get(client, "stalls/", exhibitor=world["hidden"].pk)["results"]] == []


def test_programme_sessions_rooms_and_speakers(client, world):
    talk, speaker = world["talk"], world["speaker"]
    sessions = get(client, "sessions/", expo=2041)["results"]
    assert [(session["title"], session["cancelled"]) for session in sessions] == [
        ("Exporting surgical instruments", False),
        ("Cancelled workshop", True),
    ]
    assert sessions[0]["speakers"] == [{"id": speaker.pk, "name": "Ayesha Khan", "role": "moderator"}]
    assert [
        session["title"] for session in get(client, "sessions/", sector=world["surgical"].sector_id)["results"]
    ] == ["Exporting surgical instruments"]
    day = talk.starts_at.date().isoformat()
    assert len(get(client, "sessions/", day=day, expo=2041)["results"]) == 2
    assert get(client, f"speakers/{speaker.pk}/")["sessions"] == [talk.pk]
    assert get(client, f"rooms/{talk.room_id}/")["hall"] == world["hall"].pk
    assert "Session of a coming edition" not in [session["title"] for session in get(client, "sessions/")["results"]]


def test_award_winners_only_when_published(client, world):
    winners = get(client, "award-winners/")["results"]
    assert [(winner["category"]["name"], winner["place"], winner["exhibitor"]) for winner in winners] == [
        ("Exporter of the year", "winner", {"id": world["steel"].pk, "name": "Steel Surgical"})
    ]
    assert client.get(f"{API}award-winners/{world['unpublished'].pk}/").status_code == 404


def test_cursor_pagination_walks_every_row_once(client, world, settings):
    for number in range(120):
        ExhibitorProductFactory(exhibitor=world["weaves"], name=f"Shawl {number:03d}")
    seen, page = [], get(client, "products/")
    assert page["previous"] is None
    while True:
        seen += names(page)
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(seen) == len(set(seen)) == 122
    back = client.get(page["previous"]).json()
    assert len(back["results"]) == 50


def test_out_of_range_ids_and_years_find_nothing(client, world):
    assert client.get(f"{API}exhibitors/99999999999999999999/").status_code == 404
    assert client.get(f"{API}editions/99999/").status_code == 404
    assert get(client, "exhibitors/", expo=9223372036854775807, cluster=9223372036854775807)["results"] == []


def test_programme_of_an_edition_being_prepared_is_not_found(client, world):
    coming = world["coming"]
    assert client.get(f"{API}sessions/{coming.sessions.get().pk}/").status_code == 404
    assert client.get(f"{API}rooms/{coming.sessions.get().room_id}/").status_code == 404
    assert get(client, "sessions/", expo=2090)["results"] == []


def test_a_malformed_cursor_or_filter_is_dropped(client, world):
    everything = get(client, "exhibitors/")
    assert get(client, "exhibitors/", cursor="%%%not-base64", cluster="abc", women_led="maybe") == everything


LISTS = ["exhibitors/", "products/", "stalls/", "sessions/", "speakers/", "award-winners/", "pavilions/", "clusters/"]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API + path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", LISTS)
def test_list_query_count_does_not_grow_with_rows(client, world, path):
    from django.core.cache import cache

    one = _queries(client, path)
    steel = world["steel"]
    for number in range(6):
        exhibitor = ExhibitorFactory(nomination__expo=world["expo"], nomination__cluster=world["surgical"])
        exhibitor.certifications.add(*steel.certifications.all())
        ExhibitorProductFactory(exhibitor=exhibitor)
        StallFactory(pavilion=world["pavilion"], code=f"H1-A-1{number:02d}", x=15)
    cache.clear()
    assert _queries(client, path) == one


def test_exhibitor_detail_query_count_does_not_grow_with_products(client, world):
    from django.core.cache import cache

    steel = world["steel"]
    one = _queries(client, f"exhibitors/{steel.pk}/")
    for _number in range(5):
        ExhibitorProductFactory(exhibitor=steel)
    cache.clear()
    assert _queries(client, f"exhibitors/{steel.pk}/") == one
