"""Every table downloads as CSV and XLSX with no cell able to run as a formula, and each section reads as many
queries with many rows as with a few."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from insights.selectors import SECTIONS
from tests.factories import (
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorParticipantFactory,
    MeetingRequestFactory,
    register_visitor,
)

FORMULA = '=HYPERLINK("http://evil.example","click")'


def test_csv_and_xlsx_exports_escape_formulas(client, edition, manager):
    ExhibitorFactory(nomination__expo=edition["expo"], nomination__cluster=ClusterFactory(name=FORMULA))
    client.force_login(manager)

    csv = client.get(reverse("insights_export", args=["exhibitors", "exhibitors-by-cluster", "csv"]))
    xlsx = client.get(reverse("insights_export", args=["exhibitors", "exhibitors-by-cluster", "xlsx"]))

    assert csv["Content-Disposition"] == 'attachment; filename="exhibitors-by-cluster-2031.csv"'
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Cluster,Exhibitors,Women-led,Women-led share (%)"
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")",1,0,0.0' in text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = {row[0].value: row[0] for row in sheet.iter_rows()}
    assert cells[FORMULA].data_type == "s"
    assert [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))] == [
        "Surgical instruments, Sialkot",
        2,
        1,
        50,
    ]


def test_an_unknown_table_or_format_is_a_404(client, edition, manager):
    client.force_login(manager)

    assert client.get(reverse("insights_export", args=["exhibitors", "no-such-table", "csv"])).status_code == 404
    assert (
        client.get(reverse("insights_export", args=["exhibitors", "exhibitors-by-cluster", "pdf"])).status_code == 404
    )
    assert client.get(reverse("insights_section", args=["nothing"])).status_code == 404


def test_filters_in_the_url_reach_the_export(client, edition, manager):
    client.force_login(manager)
    url = reverse("insights_export", args=["exhibitors", "exhibitors-by-cluster", "csv"])

    text = client.get(url + "?province=sindh&utm_source=mail").content.decode("utf-8-sig")

    assert "Textiles, Karachi" in text
    assert "Surgical" not in text


def _grow(expo, clusters: int) -> None:
    """More of everything the sections count: exhibitors in new clusters, their meeting requests, visitors."""
    for _ in range(clusters):
        cluster = ClusterFactory()
        exhibitor = ExhibitorFactory(nomination__expo=expo, nomination__cluster=cluster)
        receiver = ExhibitorParticipantFactory(exhibitor=exhibitor)
        MeetingRequestFactory(sender__expo=expo, receiver=receiver)
        register_visitor(expo, interests=[cluster])


@pytest.mark.parametrize("key", [section.key for section in SECTIONS.values()])
def test_each_section_reads_as_many_queries_with_more_rows(client, edition, manager, key):
    client.force_login(manager)
    url = reverse("insights_section", args=[key])

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    _grow(edition["expo"], 4)
    many = queries()

    assert few == many
    # Served from the cache: no figure is read again.
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    assert len(cached) < few
