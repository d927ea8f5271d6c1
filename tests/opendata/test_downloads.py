"""Each open dataset of an edition as a CSV download: its rows, its data dictionary, formulas neutralised, small
counts hidden, unlisted exhibitors left out, queries bounded whatever the rows, and the cache."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exhibitors.services import directory_changed
from opendata.datasets import DATASETS
from tests.factories import CertificationFactory, ExhibitorProductFactory, confirmed_buyer, register_visitor
from tests.opendata.conftest import award_won, check_in, csv_rows, exhibitor_at, meeting_between, stall_for

pytestmark = pytest.mark.django_db


def _download(client, expo, slug: str, *, dictionary: bool = False):
    folder = "dictionaries/" if dictionary else ""
    response = client.get(f"/open-data/{expo.year}/{folder}{slug}.csv")
    assert response.status_code == 200, slug
    return response


def _rows(client, expo, slug: str) -> list[list[str]]:
    return csv_rows(_download(client, expo, slug))


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda dataset: dataset.slug)
def test_a_file_is_a_csv_download_whose_dictionary_lists_exactly_its_columns(client, filled_edition, dataset):
    data = _download(client, filled_edition, dataset.slug)
    dictionary = _download(client, filled_edition, dataset.slug, dictionary=True)

    assert data["Content-Type"] == "text/csv; charset=utf-8"
    assert data["Content-Disposition"] == f'attachment; filename="expo-{filled_edition.year}-{dataset.slug}.csv"'
    assert dictionary["Content-Disposition"] == (
        f'attachment; filename="expo-{filled_edition.year}-{dataset.slug}-dictionary.csv"'
    )
    header, *rows = csv_rows(data)
    assert rows
    assert {len(row) for row in rows} == {len(header)}
    dictionary_header, *columns = csv_rows(dictionary)
    assert dictionary_header == ["column", "type", "meaning"]
    assert [column[0] for column in columns] == header
    assert {column[1] for column in columns} <= {"string", "integer", "number", "boolean", "date"}
    assert all(column[2] for column in columns)


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda dataset: dataset.slug)
def test_a_dictionary_from_the_urdu_page_lists_the_same_columns(client, filled_edition, dataset):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"

    _header, *columns = csv_rows(_download(client, filled_edition, dataset.slug, dictionary=True))

    assert [column[0] for column in columns] == list(dataset.header)


def test_the_files_hold_the_editions_records(client, filled_edition, cluster):
    expo = filled_edition
    day = expo.start_date.isoformat()

    assert _rows(client, expo, "exhibitor-counts")[1:] == [
        ["cluster", str(cluster.pk), "Surgical instruments, Sialkot", "1"],
        ["sector", "surgical", "Surgical instruments", "1"],
        ["province", "punjab", "Punjab", "1"],
        ["size_class", "micro", "Micro", "1"],
        ["women_led", "true", "", "1"],
    ]
    assert _rows(client, expo, "check-ins")[1:] == [
        [day, "1"],
        [expo.days[1].isoformat(), "0"],
        [expo.days[2].isoformat(), "0"],
    ]
    assert _rows(client, expo, "meetings-by-cluster")[1:] == [
        [str(cluster.pk), "Surgical instruments, Sialkot", "1", "1", "1"]
    ]
    assert ["surgical", "Surgical instruments", "جراحی آلات"] in _rows(client, expo, "sectors")[1:]
    assert [
        str(cluster.pk),
        "Surgical instruments, Sialkot",
        "surgical",
        "Surgical instruments",
        "Sialkot",
        "punjab",
        "Punjab",
    ] in _rows(client, expo, "clusters")[1:]
    assert _rows(client, expo, "exhibitors")[1:] == [
        [
            "hilal-surgical",
            "Hilal Surgical",
            str(cluster.pk),
            "Surgical instruments, Sialkot",
            "Surgical instruments",
            "Sialkot",
            "punjab",
            "true",
            "micro",
            "",
            "",
            "",
            "Hand-forged surgical instruments for hospitals in Europe.",
            "",
            "",
            "1",
        ]
    ]
    assert _rows(client, expo, "products")[1:] == [
        ["hilal-surgical", "Hilal Surgical", "Dissecting forceps", "Stainless steel, autoclavable.", "9018.90"]
    ]
    [stall] = _rows(client, expo, "stalls")[1:]
    assert stall[5:] == ["H1-A-001", "3.00", "3.00", "9.00", "1", "hilal-surgical", "Hilal Surgical"]
    assert _rows(client, expo, "award-winners")[1:] == [
        ["Best exporter", "", "winner", "1", "hilal-surgical", "Hilal Surgical", "Surgical instruments, Sialkot"]
    ]


def test_a_cell_that_would_run_as_a_formula_is_neutralised(client, edition, cluster):
    exhibitor = exhibitor_at(edition, cluster, name='=HYPERLINK("http://evil.example","Click")', slug="evil")
    ExhibitorProductFactory(exhibitor=exhibitor, name="+cmd|' /C calc'!A0", description="@SUM(1+1)")

    [product] = _rows(client, edition, "products")[1:]
    [profile] = _rows(client, edition, "exhibitors")[1:]

    assert product[1:4] == ['\'=HYPERLINK("http://evil.example","Click")', "'+cmd|' /C calc'!A0", "'@SUM(1+1)"]
    assert profile[1] == '\'=HYPERLINK("http://evil.example","Click")'


def test_contact_details_typed_into_a_profile_are_removed(client, edition, cluster):
    exhibitor = exhibitor_at(
        edition,
        cluster,
        description="Call Rashid on 0300-1234567 or write to rashid@hilal.example.pk.",
        export_markets="Germany; ask +49 30 1234 5678",
    )
    ExhibitorProductFactory(exhibitor=exhibitor, description="Samples: WhatsApp 0321 7654321")

    [profile] = _rows(client, edition, "exhibitors")[1:]
    [product] = _rows(client, edition, "products")[1:]

    assert profile[10] == "Germany; ask [removed]"
    assert profile[12] == "Call Rashid on [removed] or write to [removed]."
    assert product[3] == "Samples: WhatsApp [removed]"


def test_small_visitor_counts_are_hidden(client, edition):
    for country, count in [("PK", 7), ("AZ", 5), ("KE", 2)]:
        for _number in range(count):
            register_visitor(edition, country=country, dates=[edition.start_date])
    for _number in range(3):
        register_visitor(edition, country="PK", category="student", organisation="LUMS", dates=[edition.days[1]])
    cancelled = register_visitor(edition, country="CN", dates=[edition.days[2]])
    cancelled.status = "cancelled"
    cancelled.save()
    cancelled.days.update(status="cancelled")

    rows = _rows(client, edition, "visitor-counts")[1:]

    assert rows == [
        ["day", edition.days[0].isoformat(), edition.days[0].isoformat(), "x"],
        ["day", edition.days[1].isoformat(), edition.days[1].isoformat(), "<5"],
        ["day", edition.days[2].isoformat(), edition.days[2].isoformat(), "0"],
        ["category", "trade_visitor", "Trade visitor", "x"],
        ["category", "student", "Student", "<5"],
        ["country", "AZ", "Azerbaijan", "x"],
        ["country", "KE", "Kenya", "<5"],
        ["country", "PK", "Pakistan", "10"],
    ]


def test_an_unlisted_exhibitor_is_counted_but_never_named(client, filled_edition, cluster):
    hidden = exhibitor_at(filled_edition, cluster, name="Hidden Cutlery Works", slug="hidden-cutlery", listed=False)
    ExhibitorProductFactory(exhibitor=hidden, name="Secret scalpel")
    stall_for(hidden, code="H9-Z-999")
    award_won(hidden, category_name="Best newcomer")
    unpublished = exhibitor_at(filled_edition, cluster, name="Awaiting Results Ltd", slug="awaiting")
    award_won(unpublished, category_name="Best innovator", published=False)

    files = {dataset.slug: _download(client, filled_edition, dataset.slug).content.decode() for dataset in DATASETS}

    for slug, content in files.items():
        for text in ("Hidden Cutlery", "hidden-cutlery", "Secret scalpel"):
            assert text not in content, (slug, text)
    assert "H9-Z-999" in files["stalls"]
    assert "Best newcomer" not in files["award-winners"]
    assert "Best innovator" not in files["award-winners"]
    assert ["cluster", str(cluster.pk), "Surgical instruments, Sialkot", "3"] in csv_rows(
        _download(client, filled_edition, "exhibitor-counts")
    )


def _fill(expo, cluster, *, start: int, count: int) -> None:
    """``count`` more exhibitors with products, stalls, meetings and awards, and visitors with check-ins."""
    for number in range(start, start + count):
        exhibitor = exhibitor_at(expo, cluster, slug=f"maker-{number}", name=f"Maker {number}")
        exhibitor.certifications.add(CertificationFactory(name=f"Quality mark {number}"))
        ExhibitorProductFactory(exhibitor=exhibitor)
        stall_for(exhibitor, code=f"H1-B-{number:03d}")
        buyer = confirmed_buyer(expo, country="AE")
        check_in(buyer.badge, day=expo.start_date)
        meeting_between(buyer, exhibitor)
        award_won(exhibitor, category_name=f"Award {number}")


def _queries_per_file(client, expo) -> dict[str, int]:
    counts = {}
    for dataset in DATASETS:
        with CaptureQueriesContext(connection) as queries:
            _download(client, expo, dataset.slug)
        counts[dataset.slug] = len(queries)
    return counts


def test_a_file_costs_the_same_queries_with_one_row_or_many(client, edition, cluster):
    _fill(edition, cluster, start=1, count=1)
    few = _queries_per_file(client, edition)
    _fill(edition, cluster, start=2, count=5)
    cache.clear()

    many = _queries_per_file(client, edition)

    assert many == few
    assert max(few.values()) <= 6
    assert len(_rows(client, edition, "products")) == 1 + 6


def test_a_file_is_served_from_the_cache_until_its_data_changes(client, filled_edition, cluster):
    _download(client, filled_edition, "exhibitors")
    exhibitor_at(filled_edition, cluster, name="Late Arrival", slug="late-arrival")

    with CaptureQueriesContext(connection) as queries:
        cached = _download(client, filled_edition, "exhibitors")
    directory_changed()
    renewed = _download(client, filled_edition, "exhibitors")

    assert len(queries) == 0
    assert cached["Content-Disposition"].startswith("attachment;")
    assert "Late Arrival" not in cached.content.decode()
    assert "Late Arrival" in renewed.content.decode()
