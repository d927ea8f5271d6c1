"""The public exhibitor directory: search, filters, pages, the exhibitor page, caching and query counts."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exhibitors import services
from exhibitors.models import Exhibitor, ExhibitorProduct, ExportExperience, SizeClass
from expo.models import Province
from tests.factories import (
    CertificationFactory,
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    SectorFactory,
    TradeBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("directory")


@pytest.fixture
def expo():
    return ExpoFactory(name="SME Cluster Showcase 2041", year=2041)


@pytest.fixture
def clusters():
    surgical = ClusterFactory(sector=SectorFactory(name="Surgical instruments"), city="Sialkot")
    sports = ClusterFactory(sector=SectorFactory(name="Sports goods"), city="Sialkot")
    textiles = ClusterFactory(sector=SectorFactory(name="Textiles"), city="Hala", province=Province.SINDH)
    honey = ClusterFactory(sector=SectorFactory(name="Honey"), city="Karak", province=Province.KHYBER_PAKHTUNKHWA)
    return {"surgical": surgical, "sports": sports, "textiles": textiles, "honey": honey}


def make(name: str, cluster, *, products=(), **fields) -> Exhibitor:
    exhibitor = ExhibitorFactory(
        name=name,
        slug=name.lower().replace(" ", "-"),
        nomination__cluster=cluster,
        nomination__city=cluster.city,
        nomination__province=cluster.province,
        **fields,
    )
    for product in products:
        ExhibitorProductFactory(exhibitor=exhibitor, name=product)
    return exhibitor


@pytest.fixture
def exhibitors(expo, clusters):
    """Four listed exhibitors that differ in every filter, one unlisted, and one of another edition."""
    made = {
        "hilal": make(
            "Hilal Surgical",
            clusters["surgical"],
            products=["Dissecting forceps", "Needle holder"],
            size_class=SizeClass.SMALL,
            export_experience=ExportExperience.REGULAR,
        ),
        "zahra": make(
            "Zahra Sports",
            clusters["sports"],
            products=["Match football"],
            women_led=True,
            size_class=SizeClass.MICRO,
            export_experience=ExportExperience.NONE,
        ),
        "hala": make(
            "Hala Crafts",
            clusters["textiles"],
            products=["Block-printed ajrak"],
            women_led=True,
            size_class=SizeClass.MICRO,
            export_experience=ExportExperience.OCCASIONAL,
        ),
        "karak": make(
            "Karak Honey",
            clusters["honey"],
            products=["Sidr honey"],
            size_class=SizeClass.MEDIUM,
            export_experience=ExportExperience.INDIRECT,
        ),
    }
    make(
        "Hidden Forceps Works",
        clusters["surgical"],
        products=["Forceps"],
        women_led=True,
        size_class=SizeClass.MICRO,
        export_experience=ExportExperience.REGULAR,
        listed=False,
    )
    old_expo = ExpoFactory(name="SME Cluster Showcase 2040", year=2040, is_current=False)
    make("Old Edition Forceps", clusters["surgical"], products=["Forceps"], nomination__expo=old_expo)
    return made


def names(response) -> list[str]:
    return [exhibitor.name for exhibitor in response.context["page"].object_list]


def test_directory_lists_only_listed_exhibitors_of_the_current_edition_in_name_order(client, exhibitors):
    response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert names(response) == ["Hala Crafts", "Hilal Surgical", "Karak Honey", "Zahra Sports"]
    page = response.content.decode()
    assert "4 exhibitors" in page
    assert "Hidden Forceps Works" not in page
    assert "Old Edition Forceps" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "forceps"}, ["Hilal Surgical"]),
        ({"q": "FOOTBALL"}, ["Zahra Sports"]),
        ({"q": "zahra"}, ["Zahra Sports"]),
        ({"q": "honey"}, ["Karak Honey"]),
        ({"q": "nothing like this"}, []),
        ({"sector": "sports"}, ["Zahra Sports"]),
        ({"cluster": "textiles"}, ["Hala Crafts"]),
        ({"province": Province.SINDH}, ["Hala Crafts"]),
        ({"province": Province.KHYBER_PAKHTUNKHWA}, ["Karak Honey"]),
        ({"women_led": "on"}, ["Hala Crafts", "Zahra Sports"]),
        ({"size_class": SizeClass.MICRO}, ["Hala Crafts", "Zahra Sports"]),
        ({"size_class": SizeClass.MEDIUM}, ["Karak Honey"]),
        ({"export_ready": "on"}, ["Hala Crafts", "Hilal Surgical"]),
        ({"women_led": "on", "export_ready": "on"}, ["Hala Crafts"]),
        ({"q": "s", "province": Province.PUNJAB, "size_class": SizeClass.SMALL}, ["Hilal Surgical"]),
    ],
)
def test_directory_search_and_each_filter_narrow_the_results_exactly(client, exhibitors, clusters, query, expected):
    params = dict(query)
    if "sector" in params:
        params["sector"] = clusters[params["sector"]].sector_id
    if "cluster" in params:
        params["cluster"] = clusters[params["cluster"]].pk

    response = client.get(DIRECTORY, params)

    assert names(response) == expected


def test_directory_ignores_invalid_filter_values(client, exhibitors):
    response = client.get(DIRECTORY, {"cluster": "abc", "sector": "999999", "size_class": "large", "page": "x"})

    assert response.status_code == 200
    assert names(response) == ["Hala Crafts", "Hilal Surgical", "Karak Honey", "Zahra Sports"]


def test_directory_with_no_match_shows_the_empty_state_with_a_way_back(client, exhibitors):
    page = client.get(DIRECTORY, {"q": "submarines"}).content.decode()

    assert "0 exhibitors" in page
    assert "No exhibitor matches your search." in page
    assert f'<a href="{DIRECTORY}">Show all exhibitors</a>' in page


def test_directory_before_any_exhibitor_is_listed_says_they_come_soon(client, expo):
    page = client.get(DIRECTORY).content.decode()

    assert "The exhibitors of this edition will be listed here soon." in page


def test_directory_without_a_current_edition_says_it_is_not_announced(client):
    page = client.get(DIRECTORY).content.decode()
    fragment = client.get(DIRECTORY, headers={"HX-Request": "true", "HX-Target": "directory-results"})

    assert "The next edition has not been announced yet." in page
    assert fragment.status_code == 200
    assert client.get(reverse("directory_detail", args=["anything"])).status_code == 404


def test_directory_card_shows_name_cluster_city_badges_and_product_count(client, exhibitors, clusters):
    page = client.get(DIRECTORY, {"q": "hala"}).content.decode()

    assert f'href="{reverse("directory_detail", args=["hala-crafts"])}">Hala Crafts</a>' in page
    assert clusters["textiles"].name in page
    assert "Hala</p>" in page
    assert '<span class="badge text-bg-warning">Women-led</span>' in page
    assert '<span class="badge text-bg-success">Export-ready</span>' in page
    assert '<span class="badge text-bg-light border">Micro</span>' in page
    assert "1 product</p>" in page


def test_directory_card_logo_is_a_lazy_thumbnail_with_its_size(client, exhibitors):
    Exhibitor.objects.filter(pk=exhibitors["hala"].pk).update(
        logo="exhibitors/logos/a.png", logo_thumbnail="exhibitors/logos/t.png"
    )

    page = client.get(DIRECTORY, {"q": "hala"}).content.decode()

    assert '<img src="/media/exhibitors/logos/t.png" alt="" width="64" height="64" loading="lazy"' in page


def test_directory_pages_hold_24_exhibitors_and_keep_the_filters(client, expo, clusters):
    for number in range(30):
        make(f"Maker {number:02d}", clusters["surgical"], women_led=True)
    make("Not women-led", clusters["surgical"])

    first = client.get(DIRECTORY, {"women_led": "on"})
    second = client.get(DIRECTORY, {"women_led": "on", "page": 2})
    beyond = client.get(DIRECTORY, {"women_led": "on", "page": 99})

    assert names(first) == [f"Maker {number:02d}" for number in range(24)]
    assert names(second) == [f"Maker {number:02d}" for number in range(24, 30)]
    assert names(beyond) == names(second)
    assert "30 exhibitors" in first.content.decode()
    assert 'href="?women_led=on&amp;page=2"' in first.content.decode()


def test_directory_answers_htmx_with_the_results_fragment_only(client, exhibitors):
    fragment = client.get(DIRECTORY, {"q": "forceps"}, headers={"HX-Request": "true", "HX-Target": "directory-results"})
    restore = client.get(
        DIRECTORY,
        {"q": "forceps"},
        headers={"HX-Request": "true", "HX-Target": "directory-results", "HX-History-Restore-Request": "true"},
    )

    assert "<html" not in fragment.content.decode()
    assert "Hilal Surgical" in fragment.content.decode()
    assert "<html" in restore.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_directory_form_works_without_javascript_and_is_enhanced_by_htmx(client, exhibitors):
    page = client.get(DIRECTORY).content.decode()

    assert f'<form method="get" action="{DIRECTORY}" role="search"' in page
    assert f'data-hx-get="{DIRECTORY}" data-hx-target="#directory-results" data-hx-push-url="true"' in page
    assert '<button type="submit" class="btn btn-success ms-auto">' in page


# --- The exhibitor page ------------------------------------------------------------------------


@pytest.fixture
def profiled(exhibitors):
    hilal = exhibitors["hilal"]
    Exhibitor.objects.filter(pk=hilal.pk).update(
        description="Stainless steel surgical instruments.",
        description_ur="سٹینلیس سٹیل کے جراحی آلات",
        export_markets="Germany, Saudi Arabia",
        website="https://hilal.example.pk",
        public_email="sales@hilal.example.pk",
        public_phone="+92 52 1234567",
        whatsapp="0300 1234567",
    )
    hilal.certifications.set([CertificationFactory(name="ISO 13485"), CertificationFactory(name="CE")])
    ExhibitorProduct.objects.filter(exhibitor=hilal, name="Needle holder").update(
        photo="exhibitors/products/p.png", thumbnail="exhibitors/products/t.png"
    )
    return hilal


def test_exhibitor_page_shows_the_public_profile(client, profiled):
    response = client.get(reverse("directory_detail", args=["hilal-surgical"]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "<h1" in page
    assert "Hilal Surgical</h1>" in page
    assert "<p>Stainless steel surgical instruments.</p>" in page
    assert "سٹینلیس" not in page
    assert "Dissecting forceps" in page
    assert "Needle holder" in page
    assert (
        '<img src="/media/exhibitors/products/t.png" alt="Needle holder" width="400" height="300" loading="lazy"'
        in page
    )
    assert "ISO 13485" in page
    assert "Germany, Saudi Arabia" in page
    assert "Exports regularly" in page
    assert 'href="mailto:sales@hilal.example.pk"' in page
    assert 'href="tel:+92521234567"' in page
    assert 'href="https://wa.me/923001234567"' in page
    assert 'href="https://hilal.example.pk" rel="nofollow noopener noreferrer"' in page


def test_exhibitor_page_in_urdu_shows_the_urdu_description(client, profiled):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"

    page = client.get(reverse("directory_detail", args=["hilal-surgical"])).content.decode()

    assert '<html lang="ur" dir="rtl">' in page
    assert '<div lang="ur" dir="rtl" data-testid="description"><p>سٹینلیس سٹیل کے جراحی آلات</p></div>' in page
    assert "Stainless steel surgical instruments." not in page


def test_exhibitor_page_in_urdu_falls_back_to_english_marked_left_to_right(client, exhibitors):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"

    page = client.get(reverse("directory_detail", args=["zahra-sports"])).content.decode()

    assert '<div lang="en" dir="ltr" data-testid="description"><p>Hand-forged surgical instruments' in page


def test_unlisted_and_other_edition_exhibitors_have_no_public_page(client, exhibitors):
    for slug in ("hidden-forceps-works", "old-edition-forceps", "no-such-exhibitor"):
        assert client.get(reverse("directory_detail", args=[slug])).status_code == 404, slug


# --- Caching --------------------------------------------------------------------------------------


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, exhibitors, django_assert_num_queries
):
    first = client.get(DIRECTORY, {"q": "forceps"})

    with django_assert_num_queries(0):
        second = client.get(DIRECTORY, {"q": "forceps"})

    assert second.status_code == 200
    assert "Hilal Surgical" in second.content.decode()
    assert len(second.content) == len(first.content)


def test_exhibitor_page_is_served_from_the_cache_the_second_time(client, profiled, django_assert_num_queries):
    url = reverse("directory_detail", args=["hilal-surgical"])
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url)

    assert "Needle holder" in response.content.decode()


def test_a_profile_change_is_visible_on_the_next_request(client, exhibitors, django_capture_on_commit_callbacks):
    hilal = exhibitors["hilal"]
    detail = reverse("directory_detail", args=["hilal-surgical"])
    client.get(DIRECTORY)
    client.get(detail)

    with django_capture_on_commit_callbacks(execute=True):
        services.exhibitor_update_profile(
            exhibitor=hilal, data={"name": "Hilal Instruments", "description": "Now with dental tools."}
        )

    assert "Hilal Instruments" in client.get(DIRECTORY).content.decode()
    assert "Now with dental tools." in client.get(detail).content.decode()


def test_a_new_product_is_found_on_the_next_request(client, exhibitors, django_capture_on_commit_callbacks):
    assert names(client.get(DIRECTORY, {"q": "scalpel"})) == []

    with django_capture_on_commit_callbacks(execute=True):
        services.exhibitor_product_save(exhibitor=exhibitors["karak"], product=None, data={"name": "Honey scalpel"})

    assert names(client.get(DIRECTORY, {"q": "scalpel"})) == ["Karak Honey"]


def test_cached_pages_are_kept_apart_by_language_and_query(client, exhibitors):
    english = client.get(DIRECTORY, {"q": "forceps"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    urdu = client.get(DIRECTORY, {"q": "forceps"}).content.decode()
    other_query = client.get(DIRECTORY, {"q": "honey"}).content.decode()

    assert '<html lang="en" dir="ltr">' in english
    assert '<html lang="ur" dir="rtl">' in urdu
    assert "Karak Honey" in other_query
    assert "Hilal Surgical" not in other_query


def test_signed_in_people_get_fresh_uncached_pages(client, exhibitors, django_capture_on_commit_callbacks):
    user = UserFactory(email="visitor@example.pk")
    client.get(DIRECTORY)
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(DIRECTORY).content.decode()

    assert len(queries.captured_queries) > 0
    assert "visitor@example.pk" in page
    Exhibitor.objects.filter(pk=exhibitors["hilal"].pk).update(name="Changed Behind The Cache")
    assert "Changed Behind The Cache" in client.get(DIRECTORY).content.decode()


def test_a_directory_page_carries_no_csrf_token_so_one_cached_copy_serves_everybody(client, exhibitors):
    page = client.get(DIRECTORY).content.decode()

    assert "csrfmiddlewaretoken" not in page
    assert settings.CSRF_COOKIE_NAME not in client.cookies


def test_a_visitors_own_messages_are_never_cached_for_others(client, exhibitors):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_logout"))

    own = client.get(DIRECTORY).content.decode()
    someone_else = Client().get(DIRECTORY).content.decode()

    assert "You have signed out." in own
    assert "You have signed out." not in someone_else


def test_directory_responses_ask_browsers_to_revalidate_and_vary_on_language_and_htmx(client, exhibitors):
    for url in (DIRECTORY, reverse("directory_detail", args=["hilal-surgical"])):
        for _ in range(2):  # a miss, then a hit
            response = client.get(url)
            assert {part.strip() for part in response["Cache-Control"].split(",")} == {"no-cache"}
            assert {part.strip() for part in response["Vary"].split(",")} >= {"HX-Request", "Cookie", "Accept-Language"}


def test_pages_made_for_a_signed_in_person_are_private(client, exhibitors):
    client.force_login(UserFactory())

    response = client.get(DIRECTORY)

    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"private", "no-cache"}


def test_parameters_the_directory_does_not_read_share_one_cache_entry(client, exhibitors, django_assert_num_queries):
    first = client.get(DIRECTORY, {"junk": "1"})

    with django_assert_num_queries(0):
        second = client.get(DIRECTORY, {"junk": "2", "utm_source": "<b>x</b>"})

    assert second.content == first.content
    # The page links (language switcher, pages) carry only what it reads.
    assert "junk" not in second.content.decode()
    assert "utm_source" not in second.content.decode()


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ({"q": "  forceps ", "page": "01"}, {"q": "forceps", "page": "1"}),
        ({"women_led": "yes"}, {"women_led": "on"}),
        ({"province": "punjab", "size_class": "large"}, {"province": "punjab"}),
    ],
)
def test_spellings_of_the_same_filters_share_one_cache_entry(
    client, exhibitors, django_assert_num_queries, spelling, canonical
):
    first = client.get(DIRECTORY, canonical)

    with django_assert_num_queries(0):
        second = client.get(DIRECTORY, spelling)

    assert second.status_code == 200
    assert second.content == first.content


def test_a_real_filter_still_changes_the_cached_result(client, exhibitors):
    client.get(DIRECTORY, {"junk": "1"})

    women_led = client.get(DIRECTORY, {"women_led": "on", "junk": "2"}).content.decode()
    everyone = client.get(DIRECTORY, {"junk": "3"}).content.decode()

    assert "Zahra Sports" in women_led
    assert "Hala Crafts" in women_led
    assert "Hilal Surgical" not in women_led
    assert "Hilal Surgical" in everyone


# --- Query counts ----------------------------------------------------------------------------------


def _bulk_exhibitors(count: int, clusters: dict) -> list[Exhibitor]:
    trade_body = TradeBodyFactory()
    certification = CertificationFactory(name="ISO 9001")
    made = []
    cluster_list = list(clusters.values())
    for number in range(count):
        cluster = cluster_list[number % len(cluster_list)]
        exhibitor = ExhibitorFactory(
            name=f"Bulk {number:03d}",
            nomination__cluster=cluster,
            nomination__trade_body=trade_body,
            women_led=number % 2 == 0,
            export_experience=ExportExperience.REGULAR,
            logo_thumbnail="exhibitors/logos/t.png",
        )
        exhibitor.certifications.add(certification)
        made.append(exhibitor)
    ExhibitorProduct.objects.bulk_create(
        ExhibitorProduct(exhibitor=exhibitor, name=f"Item {n}", thumbnail="exhibitors/products/t.png")
        for exhibitor in made
        for n in range(2)
    )
    return made


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous-uncached"])
def test_directory_query_count_is_the_same_for_10_and_200_exhibitors(client, expo, clusters, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    _bulk_exhibitors(10, clusters)
    with_10 = _queries(client, DIRECTORY, {"q": "bulk", "women_led": "on"})

    _bulk_exhibitors(190, clusters)
    services.directory_changed()  # the rows above were written around the services
    with_200 = _queries(client, DIRECTORY, {"q": "bulk", "women_led": "on"})
    page_5 = _queries(client, DIRECTORY, {"q": "bulk", "page": 5})

    assert with_10 == with_200 == page_5


def test_exhibitor_page_query_count_is_the_same_for_10_and_200_exhibitors_and_many_products(client, expo, clusters):
    client.force_login(UserFactory())
    first = _bulk_exhibitors(10, clusters)[0]
    with_10 = _queries(client, reverse("directory_detail", args=[first.slug]))

    _bulk_exhibitors(190, clusters)
    ExhibitorProductFactory.create_batch(20, exhibitor=first, thumbnail="exhibitors/products/t.png")
    first.certifications.add(CertificationFactory(name="Halal"))
    with_200 = _queries(client, reverse("directory_detail", args=[first.slug]))

    assert with_10 == with_200


def test_an_exhibitor_member_sees_a_link_to_the_public_page_that_works(client, exhibitors):
    owner = ExhibitorMembershipFactory(exhibitor=exhibitors["hilal"]).user
    client.force_login(owner)

    dashboard = client.get(reverse("exhibitor_dashboard", args=[exhibitors["hilal"].pk])).content.decode()

    assert f'href="{exhibitors["hilal"].get_public_url()}"' in dashboard
    assert client.get(exhibitors["hilal"].get_public_url()).status_code == 200
