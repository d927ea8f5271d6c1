"""Spreadsheet upload of nominations: a check and an import in Celery tasks (run in-process here, and by a
real worker in one test), a preview of every row's problems by row and column, an import of all rows (as
submitted nominations, under the form's rules) or none, and files refused with a clear message."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from exhibitors import resources
from exhibitors.models import Enterprise, Nomination, NominationImport, NominationRules, TradeBodyQuota
from expo.models import OutboundEmail
from tests.factories import ClusterFactory, EnterpriseFactory, ExpoFactory, NominationFactory

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def expo():
    return ExpoFactory()


@pytest.fixture
def cluster():
    return ClusterFactory(name="Surgical instruments, Sialkot")


@pytest.fixture
def owner_client(client, member):
    client.force_login(member)
    return client


def row(number: int, **overrides) -> dict:
    values = {
        "legal_name": f"Enterprise {number} (Pvt) Ltd",
        "brand_name": f"Brand {number}",
        "ntn": f"123456{number}-{number}",
        "legal_form": "private_limited",
        "year_founded": "2001",
        "employees": "30",
        "turnover_band": "10-30",
        "city": "Sialkot",
        "province": "punjab",
        "cluster": "Surgical instruments, Sialkot",
        "description": "Surgical instruments.",
        "website": "",
        "owner_name": f"Owner {number}",
        "owner_gender": "female",
        "women_led": "yes",
        "owner_cnic": "",
        "owner_phone": "",
        "contact_name": f"Contact {number}",
        "contact_designation": "",
        "contact_email": f"contact{number}@example.pk",
        "contact_phone": "+92 300 1234567",
        "export_experience": "regular",
        "export_markets": "Germany",
        "products": "Forceps; Scissors",
        "justification": "Exports to Europe.",
        "requested_stall_size": "9",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict], columns: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or resources.COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx_bytes(rows: list[list], headers: list[str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, trade_body, name: str, content: bytes, content_type: str = "text/csv"):
    """Upload a file and follow to its page; the check's task runs (in-process) once the upload commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("nomination_import", args=[trade_body.pk]),
            {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        )
    return _follow(client, response)


def confirm(client, trade_body, pk: int):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("nomination_import_confirm", args=[trade_body.pk, pk]))
    return _follow(client, response)


def _follow(client, response):
    if response.status_code != 302:
        return response
    followed = client.get(response.url)
    followed.redirect_chain = [(response.url, 302)]
    return followed


def pk_of(response) -> int:
    return response.context["nomination_import"].pk


def problems(response) -> dict[int, list[tuple[str, str]]]:
    report = response.context["report"]
    return {
        line.number: [(problem.column, problem.message) for problem in line.problems]
        for line in report.rows
        if line.problems
    }


# --- Good files ---------------------------------------------------------------------------------


def test_nomination_import_good_csv_previews_then_imports_every_row_as_submitted(
    owner_client, member, trade_body, expo, cluster
):
    content = csv_bytes([row(1), row(2), row(3)])

    preview = upload(owner_client, trade_body, "nominations.csv", content)

    assert preview.status_code == 200
    assert preview.redirect_chain == [(reverse("nomination_import_status", args=[trade_body.pk, pk_of(preview)]), 302)]
    report = preview.context["report"]
    assert report.ok
    assert [(line.number, line.name, line.problems) for line in report.rows] == [
        (2, "Enterprise 1 (Pvt) Ltd", []),
        (3, "Enterprise 2 (Pvt) Ltd", []),
        (4, "Enterprise 3 (Pvt) Ltd", []),
    ]
    assert Nomination.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert "Import and submit 3 nominations" in preview.content.decode()

    done = confirm(owner_client, trade_body, pk_of(preview))

    assert done.status_code == 200
    assert "3 nominations imported and submitted." in done.content.decode()
    nominations = list(Nomination.objects.order_by("legal_name"))
    assert [(n.legal_name, n.status, n.trade_body, n.expo, n.size_class) for n in nominations] == [
        (f"Enterprise {number} (Pvt) Ltd", "submitted", trade_body, expo, "micro") for number in (1, 2, 3)
    ]
    first = nominations[0]
    assert list(first.products.values_list("name", flat=True)) == ["Forceps", "Scissors"]
    assert (first.women_led, first.cluster, first.owner_gender, first.steps_done) == (True, cluster, "female", 4)
    assert first.enterprise == Enterprise.objects.get(ntn="12345611")
    # One summary for the whole file, not an email per row.
    assert not OutboundEmail.objects.filter(template="nomination_submitted").exists()
    summary = OutboundEmail.objects.get(template="nominations_imported", to=member.email)
    assert summary.subject.startswith("3 nominations imported")
    kept = NominationImport.objects.get()
    assert (kept.status, kept.imported, kept.file.name) == ("imported", 3, "")
    # Confirming again imports nothing more and sends no second summary.
    again = confirm(owner_client, trade_body, pk_of(preview))
    assert [str(message) for message in again.context["messages"]] == [
        "This file cannot be imported: upload it again to check it."
    ]
    assert (Nomination.objects.count(), OutboundEmail.objects.filter(template="nominations_imported").count()) == (
        3,
        1,
    )


def test_nomination_import_good_xlsx_with_labels_imports_every_row(owner_client, trade_body, expo, cluster):
    headers = resources.COLUMNS
    rows = [
        list(
            row(
                1,
                legal_form="Private limited company",
                turnover_band="PKR 30 to 75 million",
                province="Punjab",
                owner_gender="Female",
                women_led="Yes",
                export_experience="Exports regularly",
                requested_stall_size="18 m² (3 × 6 m)",
                cluster="surgical instruments, sialkot",
            ).values()
        ),
        list(row(2, ntn="", year_founded=1999.0, employees=12.0, women_led="no", requested_stall_size=36).values()),
    ]

    preview = upload(owner_client, trade_body, "nominations.xlsx", xlsx_bytes(rows, headers), XLSX_TYPE)
    assert problems(preview) == {}
    confirm(owner_client, trade_body, pk_of(preview))

    first, second = Nomination.objects.order_by("legal_name")
    assert (first.legal_form, first.turnover_band, first.size_class, first.requested_stall_size) == (
        "private_limited",
        "30-75",
        "small",
        "18",
    )
    assert (first.province, first.owner_gender, first.women_led, first.export_experience) == (
        "punjab",
        "female",
        True,
        "regular",
    )
    assert (second.ntn, second.year_founded, second.employees, second.women_led, second.requested_stall_size) == (
        "",
        1999,
        12,
        False,
        "36",
    )
    assert {first.status, second.status} == {"submitted"}


def test_nomination_import_matches_a_known_enterprise_like_the_form(owner_client, trade_body, expo, cluster):
    known = EnterpriseFactory(legal_name="Enterprise 1 Pvt Ltd", city="Sialkot", ntn=None)

    preview = upload(owner_client, trade_body, "one.csv", csv_bytes([row(1, ntn="")]))
    confirm(owner_client, trade_body, pk_of(preview))

    assert Nomination.objects.get().enterprise == known
    assert Enterprise.objects.count() == 1


def test_nomination_import_rows_of_one_sme_share_an_enterprise_and_a_known_one_learns_its_ntn(
    owner_client, trade_body, expo, cluster
):
    known = EnterpriseFactory(legal_name="Enterprise 7 Pvt Ltd", city="Sialkot", ntn=None)
    rows = [row(1), row(2, legal_name="Enterprise One", ntn="1234561-1"), row(7, ntn="7654321-7")]

    preview = upload(owner_client, trade_body, "three.csv", csv_bytes(rows))
    confirm(owner_client, trade_body, pk_of(preview))

    first, second, seventh = (
        Nomination.objects.get(legal_name=name)
        for name in ("Enterprise 1 (Pvt) Ltd", "Enterprise One", "Enterprise 7 (Pvt) Ltd")
    )
    known.refresh_from_db()
    assert first.enterprise == second.enterprise == Enterprise.objects.get(ntn="12345611")
    assert (seventh.enterprise, known.ntn) == (known, "76543217")
    assert Enterprise.objects.count() == 2


def test_nomination_import_downloaded_xlsx_template_passes_the_check(owner_client, trade_body, expo, cluster):
    template = owner_client.get(reverse("nomination_import_template", args=[trade_body.pk, "xlsx"]))

    preview = upload(owner_client, trade_body, "template.xlsx", template.content, XLSX_TYPE)

    assert problems(preview) == {}
    assert preview.context["report"].ok


def test_nomination_import_a_new_upload_replaces_the_pending_one(owner_client, member, trade_body, expo, cluster):
    first = pk_of(upload(owner_client, trade_body, "first.csv", csv_bytes([row(1)])))
    second = pk_of(upload(owner_client, trade_body, "second.csv", csv_bytes([row(2)])))

    kept = NominationImport.objects.get()
    assert kept.pk == second
    with kept.file.open("rb") as handle:
        assert handle.read() == csv_bytes([row(2)])
    assert confirm(owner_client, trade_body, first).status_code == 404
    assert Nomination.objects.count() == 0


# --- Bad rows ---------------------------------------------------------------------------------------


def test_nomination_import_bad_rows_are_each_reported_and_nothing_is_imported(owner_client, trade_body, expo, cluster):
    content = csv_bytes(
        [
            row(1),
            row(2, ntn="12345", cluster="Furniture, Atlantis", contact_email=""),
            row(3),
            row(4, turnover_band="huge", women_led="maybe", products=""),
            row(5, employees="many", website="not a url at all", turnover_band="gt800"),
        ]
    )

    preview = upload(owner_client, trade_body, "nominations.csv", content)

    assert problems(preview) == {
        3: [
            ("ntn", "Enter the NTN as 7 digits and a check digit, for example 1234567-8."),
            (
                "cluster",
                "No cluster is called “Furniture, Atlantis”. Use a name from the “Allowed values” sheet of "
                "the template.",
            ),
            ("contact_email", "This column must be filled in."),
        ],
        5: [
            (
                "turnover_band",
                "“huge” is not an allowed value. Use one of: lt10, 10-30, 30-75, 75-150, 150-400, 400-800, gt800.",
            ),
            ("women_led", "Write yes or no."),
            ("products", "Name at least one product."),
        ],
        6: [
            ("employees", "Write a whole number, e.g. 25."),
            ("turnover_band", "Enterprises with a turnover above the medium threshold are not SMEs."),
            ("website", "Enter a valid URL."),
        ],
    }
    page = preview.content.decode()
    assert "Nothing was imported. Correct the file and upload it again." in page
    assert "3 rows have problems, listed below." in page
    assert "Import and submit" not in page
    refused = confirm(owner_client, trade_body, pk_of(preview))
    assert [str(message) for message in refused.context["messages"]] == [
        "This file cannot be imported: upload it again to check it."
    ]
    assert Nomination.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_nomination_import_over_quota_imports_nothing_and_says_so(owner_client, trade_body, expo, cluster):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=3)
    NominationFactory(trade_body=trade_body, expo=expo)

    preview = upload(owner_client, trade_body, "nominations.csv", csv_bytes([row(1), row(2), row(3)]))

    report = preview.context["report"]
    assert report.file_problems == [
        f"The file has 3 nominations but Sialkot Chamber of Commerce and Industry has only 2 of its 3 places left "
        f"for {expo.name}. Remove rows, withdraw a nomination or ask the SMEDA expo team for a larger quota."
    ]
    assert problems(preview) == {}
    assert "Import and submit" not in preview.content.decode()
    assert Nomination.objects.count() == 1


def test_nomination_import_confirm_after_the_quota_was_used_up_imports_nothing(owner_client, trade_body, expo, cluster):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=2)
    preview = upload(owner_client, trade_body, "nominations.csv", csv_bytes([row(1), row(2)]))
    NominationFactory(trade_body=trade_body, expo=expo)  # a colleague submits one meanwhile

    response = confirm(owner_client, trade_body, pk_of(preview))

    assert response.status_code == 200
    assert NominationImport.objects.get().status == "failed"
    assert response.context["report"].file_problems[0].startswith("The file has 2 nominations but")
    assert "Nothing was imported: the file no longer passes the checks below." in response.content.decode()
    assert Nomination.objects.count() == 1


def test_nomination_import_when_nominations_are_closed_imports_nothing(owner_client, trade_body, expo, cluster):
    NominationRules.objects.create(expo=expo, nominations_open=False)

    preview = upload(owner_client, trade_body, "nominations.csv", csv_bytes([row(1)]))

    assert preview.context["report"].file_problems == [f"Nominations for {expo.name} are closed."]
    assert Nomination.objects.count() == 0


def test_nomination_import_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(
    owner_client, trade_body, expo, cluster
):
    headers = resources.COLUMNS
    rows = [list(row(1).values()), [None] * len(headers), list(row(2, contact_phone="12").values()), [None] * 3]

    preview = upload(owner_client, trade_body, "gaps.xlsx", xlsx_bytes(rows, headers), XLSX_TYPE)

    assert [line.number for line in preview.context["report"].rows] == [2, 4]
    assert problems(preview) == {
        4: [("contact_phone", "Enter a phone number of digits, spaces and dashes, e.g. +92 300 1234567.")]
    }


# --- Files refused ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "nominations.txt",
            b"legal_name\nHilal\n",
            "Upload a CSV or Excel (.xlsx) file; other files (such as .xls, .ods or .pdf) are not accepted.",
        ),
        (
            "nominations.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "This file is not a CSV text file. Upload a CSV or XLSX file.",
        ),
        (
            "nominations.csv",
            "legal_name,city\nCaf\u00e9 Works,Lahore\n".encode("latin-1"),
            "This CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload it again.",
        ),
        (
            "nominations.xlsx",
            b"PK\x03\x04 this is not really a zip",
            "This file is not an Excel workbook (.xlsx). Upload a CSV or XLSX file.",
        ),
        (
            "nominations.xlsx",
            b"legal_name,city\nHilal,Sialkot\n",
            "This file is not an Excel workbook (.xlsx). Upload a CSV or XLSX file.",
        ),
        ("nominations.csv", b"", "The submitted file is empty."),
        (
            "nominations.csv",
            b"legal_name,city\nHilal,Sialkot,Punjab\n",
            "This file could not be read as a spreadsheet. Start from the template and save it as CSV or XLSX.",
        ),
        (
            "nominations.csv",
            b"name,town\nHilal,Sialkot\n",
            "Unknown columns: name, town. Use the column names of the template.",
        ),
        (
            "nominations.csv",
            b"legal_name,city\nHilal,Sialkot\n",
            "These columns are missing: turnover_band, province, cluster, description, owner_name, contact_name, "
            "contact_email, contact_phone, justification, products.",
        ),
        (
            "nominations.csv",
            ",".join(resources.COLUMNS).encode() + b"\n",
            "The file has no nominations: fill in one row per SME below the column names.",
        ),
        (
            "nominations.csv",
            b"legal_name,Legal Name\nA,B\n",
            "These columns appear twice: legal_name.",
        ),
    ],
    ids=[
        "txt",
        "binary-csv",
        "latin-1",
        "broken-zip",
        "csv-named-xlsx",
        "empty",
        "ragged-row",
        "unknown",
        "missing",
        "header-only",
        "duplicate",
    ],
)
def test_nomination_import_unreadable_file_is_refused_with_a_message(
    owner_client, trade_body, expo, cluster, name, content, message
):
    response = upload(owner_client, trade_body, name, content)

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert Nomination.objects.count() == 0


def test_nomination_import_file_over_2_mb_is_refused(owner_client, trade_body, expo):
    content = b"legal_name\n" + b"x" * (2 * 1024 * 1024)

    response = upload(owner_client, trade_body, "big.csv", content)

    assert response.context["form"].errors == {"file": ["The file is larger than 2 MB. Split it into smaller files."]}


def test_nomination_import_over_1000_rows_is_refused(owner_client, trade_body, expo, cluster):
    content = csv_bytes([row(number % 10) for number in range(1001)])

    response = upload(owner_client, trade_body, "many.csv", content)

    assert response.context["form"].errors == {
        "file": ["The file has more than 1000 nominations. Upload at most 1000 at a time."]
    }


def test_nomination_import_xlsx_that_unpacks_too_large_is_refused(owner_client, trade_body, expo, monkeypatch):
    monkeypatch.setattr(resources, "MAX_XLSX_UNPACKED_BYTES", 1000)
    content = xlsx_bytes([["Hilal"]], ["legal_name"])

    response = upload(owner_client, trade_body, "bomb.xlsx", content, XLSX_TYPE)

    assert response.context["form"].errors == {
        "file": ["This workbook is too large once unpacked. Upload at most 1,000 rows."]
    }


def test_nomination_import_of_another_trade_body_or_colleague_is_not_found_and_cannot_be_confirmed(
    client, owner_client, member, trade_body, outsider, expo, cluster
):
    from tests.factories import MembershipFactory

    own = pk_of(upload(owner_client, trade_body, "nominations.csv", csv_bytes([row(1), row(2)])))
    colleague = MembershipFactory(trade_body=trade_body).user
    outsiders_body = outsider.tradebodymembership_set.get().trade_body
    status = reverse("nomination_import_status", args=[trade_body.pk, own])
    confirm_url = reverse("nomination_import_confirm", args=[trade_body.pk, own])

    responses = []
    for user in (outsider, colleague):
        client.force_login(user)
        responses += [client.get(status), client.post(confirm_url)]
    client.force_login(outsider)
    # Under the outsider's own trade body, the id of another's import is not found either.
    responses += [
        client.get(reverse("nomination_import_status", args=[outsiders_body.pk, own])),
        client.post(reverse("nomination_import_confirm", args=[outsiders_body.pk, own])),
    ]
    client.logout()
    anonymous = client.get(status)

    assert [response.status_code for response in responses] == [404] * 6
    assert all("Enterprise 1" not in response.content.decode() for response in responses)
    assert anonymous.status_code == 302
    assert (NominationImport.objects.get().status, Nomination.objects.count()) == ("checked", 0)


def test_nomination_import_page_polls_the_progress_while_the_task_works(owner_client, member, trade_body, expo):
    from django.core.files.base import ContentFile

    running = NominationImport(
        expo=expo, trade_body=trade_body, uploaded_by=member, extension="csv", rows=400, language="en"
    )
    running.file.save("upload.csv", ContentFile(b"legal_name\nA\n"), save=False)
    running.save()
    resources._progress_report(running.pk, 120)
    url = reverse("nomination_import_status", args=[trade_body.pk, running.pk])

    page = owner_client.get(url)
    poll = owner_client.get(url, headers={"HX-Request": "true"})
    NominationImport.objects.filter(pk=running.pk).update(status="checked", report={"rows": [], "file_problems": []})
    last_poll = owner_client.get(url, headers={"HX-Request": "true"})

    assert "120 of 400 rows" in page.content.decode()
    assert f'hx-get="{url}"' in page.content.decode()
    assert [template.name for template in poll.templates] == ["exhibitors/nominations/includes/import_progress.html"]
    assert '<progress id="import-progress-bar" class="w-100" max="400" value="120">' in poll.content.decode()
    assert "HX-Refresh" not in poll
    assert last_poll["HX-Refresh"] == "true"
    assert "hx-get" not in last_poll.content.decode()


def test_nomination_import_with_a_real_worker_checks_and_imports_in_the_background(
    client, member, trade_body, expo, cluster, celery_worker
):
    import time

    client.force_login(member)

    def wait_until(status: str) -> NominationImport:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            nomination_import = NominationImport.objects.get()
            if nomination_import.status == status:
                return nomination_import
            time.sleep(0.2)
        raise AssertionError(f"the import did not reach {status}: {NominationImport.objects.get().status}")

    upload_response = client.post(
        reverse("nomination_import", args=[trade_body.pk]),
        {"file": SimpleUploadedFile("nominations.csv", csv_bytes([row(1), row(2)]), content_type="text/csv")},
    )
    checked = wait_until("checked")
    preview = client.get(upload_response.url)
    client.post(reverse("nomination_import_confirm", args=[trade_body.pk, checked.pk]))
    imported = wait_until("imported")

    assert upload_response.url == reverse("nomination_import_status", args=[trade_body.pk, checked.pk])
    assert preview.context["report"].ok
    assert imported.imported == 2
    assert sorted(Nomination.objects.values_list("legal_name", "status")) == [
        ("Enterprise 1 (Pvt) Ltd", "submitted"),
        ("Enterprise 2 (Pvt) Ltd", "submitted"),
    ]


# --- The template -----------------------------------------------------------------------------------


def test_nomination_import_csv_template_has_the_header_and_one_example_row(owner_client, trade_body, expo, cluster):
    response = owner_client.get(reverse("nomination_import_template", args=[trade_body.pk, "csv"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="nominations-template.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == resources.COLUMNS
    assert len(lines) == 2
    assert dict(zip(lines[0], lines[1], strict=True))["cluster"] == "Surgical instruments, Sialkot"


def test_nomination_import_xlsx_template_lists_the_allowed_values(owner_client, trade_body, expo, cluster):
    response = owner_client.get(reverse("nomination_import_template", args=[trade_body.pk, "xlsx"]))

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Nominations", "Allowed values"]
    nominations = [[cell.value for cell in line] for line in book["Nominations"].iter_rows()]
    assert nominations[0] == resources.COLUMNS
    assert len(nominations) == 2
    allowed = {(line[0].value, line[1].value) for line in book["Allowed values"].iter_rows(min_row=2)}
    assert ("cluster", "Surgical instruments, Sialkot") in allowed
    assert {("turnover_band", code) for code in ("lt10", "10-30", "30-75", "gt800")} <= allowed
    assert {("legal_form", "private_limited"), ("requested_stall_size", "18"), ("export_experience", "none")} <= allowed
    assert {("women_led", "yes"), ("women_led", "no"), ("province", "punjab")} <= allowed


def test_nomination_import_template_of_another_format_is_not_found(owner_client, trade_body, expo):
    response = owner_client.get(reverse("nomination_import_template", args=[trade_body.pk, "xls"]))

    assert response.status_code == 404


def test_staff_allowed_to_add_nominations_upload_for_any_trade_body(client, staff_with_mfa, trade_body):
    from tests.factories import ExpoFactory

    ExpoFactory()
    client.force_login(staff_with_mfa)

    chosen = client.get(reverse("admin:exhibitors_nomination_import"), {"trade_body": trade_body.pk})
    page = client.get(reverse("nomination_import", args=[trade_body.pk]))

    assert chosen.url == reverse("nomination_import", args=[trade_body.pk])
    assert page.status_code == 200


def test_staff_without_the_permission_cannot_upload_for_a_trade_body(client, trade_body):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import StaffFactory

    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    assert client.get(reverse("admin:exhibitors_nomination_import")).status_code == 403
    assert client.get(reverse("nomination_import", args=[trade_body.pk])).status_code == 404
