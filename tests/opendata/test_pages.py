"""The open data pages: the published editions, an edition's datasets with their data dictionaries, in English
and Urdu; an edition not published answers 404 on its page and its files."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata.datasets import DATASETS
from tests.factories import ExpoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions(edition):
    """The current edition, one that has ended, and one being prepared (after the current one, not current)."""
    past = ExpoFactory(is_current=False, name="SME Cluster Expo 2020", year=2020)
    future = ExpoFactory(is_current=False, name="SME Cluster Expo 2099", year=2099)
    return edition, past, future


def test_the_list_offers_the_current_and_past_editions_only(client, editions):
    current, past, future = editions

    page = client.get("/open-data/").content.decode()

    assert re.findall(r'href="/open-data/(\d+)/"', page) == [str(current.year), str(past.year)]
    assert future.name not in page


def test_an_edition_that_ended_yesterday_is_published(client, editions):
    _current, _past, future = editions
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    future.start_date, future.end_date = yesterday - datetime.timedelta(days=2), yesterday
    future.save()

    assert client.get(f"/open-data/{future.year}/").status_code == 200


def test_an_unpublished_edition_has_no_page_and_no_files(client, editions):
    _current, _past, future = editions

    assert client.get(f"/open-data/{future.year}/").status_code == 404
    for dataset in DATASETS:
        assert client.get(f"/open-data/{future.year}/{dataset.slug}.csv").status_code == 404
        assert client.get(f"/open-data/{future.year}/dictionaries/{dataset.slug}.csv").status_code == 404


def test_an_unknown_edition_or_dataset_is_not_found(client, edition):
    assert client.get("/open-data/1999/").status_code == 404
    assert client.get(f"/open-data/{edition.year}/no-such-data.csv").status_code == 404
    assert client.get(f"/open-data/{edition.year}/dictionaries/no-such-data.csv").status_code == 404


def test_the_edition_page_offers_each_dataset_with_its_dictionary(client, edition):
    page = client.get(f"/open-data/{edition.year}/").content.decode()

    assert re.findall(r'href="(/open-data/[^"]+\.csv)"', page) == [
        link
        for dataset in DATASETS
        for link in (
            f"/open-data/{edition.year}/{dataset.slug}.csv",
            f"/open-data/{edition.year}/dictionaries/{dataset.slug}.csv",
        )
    ]
    tables = re.findall(r'<table[^>]*data-testid="dictionary">(.*?)</table>', page, re.S)
    assert [re.findall(r"<code[^>]*>([^<]+)</code>", table) for table in tables] == [
        list(dataset.header) for dataset in DATASETS
    ]


def test_the_edition_page_says_which_counts_are_hidden(client, edition):
    page = client.get(f"/open-data/{edition.year}/").content.decode()

    assert "a count of fewer than 5 visitors is never shown as the number" in page
    assert "is shown as “&lt;5”" in page


@pytest.mark.parametrize("path", ["/open-data/", "/open-data/{year}/"])
def test_the_pages_are_offered_in_urdu_right_to_left(client, edition, path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"

    page = client.get(path.format(year=edition.year)).content.decode()

    assert '<html lang="ur" dir="rtl">' in page


def test_every_page_links_to_the_open_data(client, edition):
    assert 'href="/open-data/"' in client.get("/exhibitors/").content.decode()


def test_a_page_is_built_once_whatever_parameters_are_added(client, edition):
    client.get(f"/open-data/{edition.year}/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/open-data/{edition.year}/", {"utm_source": "newsletter", "junk": "1"})

    assert response.status_code == 200
    assert len(queries) == 0
