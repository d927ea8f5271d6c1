"""Spreadsheet upload of nominations (CSV or XLSX), with django-import-export and tablib.

The flow: ``read_spreadsheet`` turns an upload into a ``tablib.Dataset`` (refusing what is not
a CSV or XLSX file, too large, or over ``MAX_ROWS``); ``nomination_import_start`` keeps it as a
``NominationImport`` and queues its check; ``nominations_import`` checks every row and, when
confirmed and only if the whole file is valid, imports all rows in one transaction as submitted
nominations. Both run in a Celery task (a staff file of a thousand rows takes seconds, too long
for a web request), reporting the rows done for the page's progress bar. The rows are submitted
by ``services.nominations_submit_imported``, under the form's rules (quota, size class, enterprise
matching), read once per file. The preview runs the very same checks, the services' included, and
writes nothing, so what it promises is what the confirmation does.

Choice columns accept the code or the label (English or Urdu); the template's second sheet
lists the allowed values.
"""

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial

import tablib
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats

from expo import exports
from expo.models import Cluster, Expo, Province, TradeBody, User

from . import services
from .models import (
    ExportExperience,
    Gender,
    LegalForm,
    Nomination,
    NominationImport,
    NominationRules,
    SizeClass,
    StallSize,
    TurnoverBand,
)

logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_PRODUCTS = 10
# An XLSX file is a zip archive: bound what it unpacks to, so that a small file cannot explode in memory.
MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024
FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": base_formats.XLSX.CONTENT_TYPE}

COLUMNS = [
    "legal_name",
    "brand_name",
    "ntn",
    "legal_form",
    "year_founded",
    "employees",
    "turnover_band",
    "city",
    "province",
    "cluster",
    "description",
    "website",
    "owner_name",
    "owner_gender",
    "women_led",
    "owner_cnic",
    "owner_phone",
    "contact_name",
    "contact_designation",
    "contact_email",
    "contact_phone",
    "export_experience",
    "export_markets",
    "products",
    "justification",
    "requested_stall_size",
]
MODEL_COLUMNS = [column for column in COLUMNS if column != "products"]
NOT_FROM_THE_FILE = [field.name for field in Nomination._meta.fields if field.name not in MODEL_COLUMNS] + ["cluster"]
CHOICES = {
    "legal_form": LegalForm,
    "turnover_band": TurnoverBand,
    "province": Province,
    "owner_gender": Gender,
    "export_experience": ExportExperience,
    "requested_stall_size": StallSize,
}
# Columns a row cannot do without: what the services need before submitting, and the products.
REQUIRED_COLUMNS = [
    name
    for fields in services.REQUIRED_TO_SUBMIT.values()
    for name in fields
    if name != "requested_stall_size"  # defaults to the smallest stall when left empty
] + ["products"]

COLUMN_HELP = {
    "legal_name": gettext_lazy("The registered name of the enterprise."),
    "brand_name": gettext_lazy("The name visitors know it by."),
    "ntn": gettext_lazy("National Tax Number, e.g. 1234567-8."),
    "legal_form": gettext_lazy("One of the allowed values."),
    "year_founded": gettext_lazy("A year, e.g. 2005."),
    "employees": gettext_lazy("A whole number."),
    "turnover_band": gettext_lazy("Annual turnover band; decides micro, small or medium."),
    "city": gettext_lazy("City or town."),
    "province": gettext_lazy("One of the allowed values."),
    "cluster": gettext_lazy("The cluster's name exactly as in the allowed values."),
    "description": gettext_lazy("What the enterprise makes or does."),
    "website": gettext_lazy("A web address."),
    "owner_name": gettext_lazy("The owner's full name. Kept private."),
    "owner_gender": gettext_lazy("One of the allowed values."),
    "women_led": gettext_lazy("yes or no: a woman owns the majority of the enterprise or leads it."),
    "owner_cnic": gettext_lazy("12345-1234567-1. Kept private."),
    "owner_phone": gettext_lazy("Kept private."),
    "contact_name": gettext_lazy("The person SMEDA should contact."),
    "contact_designation": gettext_lazy("Their role in the enterprise."),
    "contact_email": gettext_lazy("The exhibitor account invitation goes here on approval."),
    "contact_phone": gettext_lazy("e.g. +92 300 1234567."),
    "export_experience": gettext_lazy("One of the allowed values."),
    "export_markets": gettext_lazy("Countries, separated by commas."),
    "products": gettext_lazy("Product names separated by semicolons (;), up to 10."),
    "justification": gettext_lazy("Why this SME should exhibit."),
    "requested_stall_size": gettext_lazy("9, 18 or 36 (m²); 9 when left empty."),
}


class SpreadsheetRejected(ValueError):
    """The upload cannot be read as a nominations spreadsheet; the message says why, for its sender."""


# --- Reading an upload ----------------------------------------------------------------------


def _fold(text: str) -> str:
    """Compare values as people type them: case, spacing and compatibility characters (m² = m2) ignored."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _header(value) -> str:
    return re.sub(r"[\s-]+", "_", str(value or "").strip().lower())


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse(content: bytes, extension: str) -> tablib.Dataset:
    if extension == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as error:
            raise SpreadsheetRejected(
                _("This file is not an Excel workbook (.xlsx). Upload a CSV or XLSX file.")
            ) from error
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise SpreadsheetRejected(_("This workbook is too large once unpacked. Upload at most 1,000 rows."))
        return base_formats.XLSX().create_dataset(content)
    if b"\x00" in content:
        raise SpreadsheetRejected(_("This file is not a CSV text file. Upload a CSV or XLSX file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetRejected(
            _("This CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload it again.")
        ) from error
    return base_formats.CSV().create_dataset(text)


def read_spreadsheet(content: bytes, extension: str) -> tuple[tablib.Dataset, list[int]]:
    """The nominations in an uploaded file, and the spreadsheet row number of each (the header is row 1).

    Blank rows are left out; headers are matched without regard to case and spacing. Raises
    ``SpreadsheetRejected`` for a file that is not a readable CSV or XLSX of nominations.
    """
    if extension not in FORMATS:
        raise SpreadsheetRejected(_("Upload a CSV or Excel (.xlsx) file."))
    if len(content) > MAX_BYTES:
        raise SpreadsheetRejected(_("The file is larger than 2 MB. Split it into smaller files."))
    try:
        raw = _parse(content, extension)
    except SpreadsheetRejected:
        raise
    except Exception as error:
        # csv, openpyxl and tablib raise many kinds of error on a malformed upload; all are the file's fault.
        logger.info("Unreadable nominations spreadsheet (%s): %r", extension, error)
        raise SpreadsheetRejected(
            _("This file could not be read as a spreadsheet. Start from the template and save it as CSV or XLSX.")
        ) from error

    headers = [_header(value) for value in (raw.headers or [])]
    kept = [index for index, name in enumerate(headers) if name]
    names = [headers[index] for index in kept]
    if not names:
        raise SpreadsheetRejected(_("The first row must hold the column names of the template."))
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise SpreadsheetRejected(_("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicated)})
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise SpreadsheetRejected(
            _("Unknown columns: %(columns)s. Use the column names of the template.") % {"columns": ", ".join(unknown)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise SpreadsheetRejected(_("These columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})

    dataset = tablib.Dataset(headers=names)
    row_numbers = []
    unnamed = [index for index in range(len(headers)) if index not in kept]
    for number, row in enumerate(raw, start=2):
        if all(_blank(value) for value in row):
            continue
        if any(not _blank(row[index]) for index in unnamed if index < len(row)):
            raise SpreadsheetRejected(
                _("Row %(row)d has values in a column without a name in the first row.") % {"row": number}
            )
        if len(row_numbers) == MAX_ROWS:
            raise SpreadsheetRejected(
                _("The file has more than %(max)d nominations. Upload at most %(max)d at a time.") % {"max": MAX_ROWS}
            )
        dataset.append([row[index] for index in kept])
        row_numbers.append(number)
    if not row_numbers:
        raise SpreadsheetRejected(_("The file has no nominations: fill in one row per SME below the column names."))
    return dataset, row_numbers


# --- Columns ----------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: numbers without a spurious ".0" (spreadsheets store 12345 as 12345.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class UrlWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        return f"https://{text}" if text and "://" not in text else text


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(",", "")
        if not text:
            return None
        if not text.isdigit() or len(text) > 9:
            raise ValueError(_("Write a whole number, e.g. 25."))
        return int(text)


class YesNoWidget(widgets.Widget):
    YES = {"yes", "y", "true", "1", "ہاں", "جی ہاں"}
    NO = {"no", "n", "false", "0", "نہیں", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _fold(_text(value))
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write yes or no."))


class ChoiceWidget(widgets.Widget):
    """A choice given as its code or its label, in English or Urdu."""

    def __init__(self, choices: type[models.Choices]):
        super().__init__()
        self.choices = choices
        self._lookup: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            lookup = {}
            for language in ("en", "ur"):
                with translation.override(language):
                    for code, label in self.choices.choices:
                        lookup[_fold(str(label))] = code
            lookup.update({_fold(str(code)): code for code in self.choices.values})
            self._lookup = lookup
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        try:
            return self.lookup()[_fold(text)]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not an allowed value. Use one of: %(allowed)s.")
                % {"value": text, "allowed": ", ".join(str(code) for code in self.choices.values)}
            ) from None


class ClusterWidget(widgets.Widget):
    """A cluster by its name (loaded once per import, not once per row)."""

    def __init__(self):
        super().__init__()
        self._clusters: dict[str, Cluster] | None = None

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if self._clusters is None:
            self._clusters = {_fold(cluster.name): cluster for cluster in Cluster.objects.all()}
        try:
            return self._clusters[_fold(text)]
        except KeyError:
            raise ValueError(
                _("No cluster is called “%(value)s”. Use a name from the “Allowed values” sheet of the template.")
                % {"value": text}
            ) from None


def _widget(column: str) -> widgets.Widget:
    if column in CHOICES:
        return ChoiceWidget(CHOICES[column])
    if column == "cluster":
        return ClusterWidget()
    if column == "women_led":
        return YesNoWidget()
    if column in ("year_founded", "employees"):
        return WholeNumberWidget()
    if column == "website":
        return UrlWidget()
    return TextWidget()


class NominationResource(resources.ModelResource):
    """One row, one nomination: read and checked here, kept in ``checked`` for the services to submit."""

    class Meta:
        model = Nomination
        fields = MODEL_COLUMNS
        import_order = MODEL_COLUMNS
        force_init_instance = True  # every row is a new nomination; never look one up by id
        skip_diff = True
        clean_model_instances = True
        # Nothing is written per row; a savepoint for each would cost two round trips a row.
        use_transactions = False

    def __init__(
        self, *, expo: Expo, trade_body: TradeBody, user: User, rules: NominationRules, progress: Callable[[int], None]
    ):
        super().__init__()
        self.expo, self.trade_body, self.user, self.rules, self.progress = expo, trade_body, user, rules, progress
        self.checked: list[Nomination] = []
        self.rows_done = 0
        for column in MODEL_COLUMNS:
            default = StallSize.SHELL_9 if column == "requested_stall_size" else NOT_PROVIDED
            self.fields[column] = Field(attribute=column, column_name=column, widget=_widget(column), default=default)

    def init_instance(self, row=None):
        return Nomination(expo=self.expo, trade_body=self.trade_body, created_by=self.user)

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        self.rows_done += 1
        self.progress(self.rows_done)
        return result

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Only the file's columns are checked: the other fields are the import's own (the expo, the trade
        # body, the status), and the cluster comes from those read once per file (checking that it exists
        # would cost a query a row).
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, *NOT_FROM_THE_FILE], validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_instance(self, instance, row, **kwargs):
        """Read the row onto ``instance``; every problem of the row is raised at once, keyed by column."""
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in REQUIRED_COLUMNS:
            if name != "products" and name not in errors and not getattr(instance, name):
                errors[name] = [_("This column must be filled in.")]
        band = instance.turnover_band
        if "turnover_band" not in errors and band and self.rules.size_class_for(band) == SizeClass.LARGE:
            errors["turnover_band"] = [_("Enterprises with a turnover above the medium threshold are not SMEs.")]
        products = [name.strip() for name in _text(row.get("products")).split(";") if name.strip()]
        if not products:
            errors["products"] = [_("Name at least one product.")]
        elif len(products) > MAX_PRODUCTS:
            errors["products"] = [_("Name at most %(max)d products.") % {"max": MAX_PRODUCTS}]
        elif any(len(name) > 120 for name in products):
            errors["products"] = [_("A product name can have at most 120 characters.")]
        instance.import_products = products
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Keep the checked row: ``nominations_import`` submits all of them together through the services."""
        self.checked.append(instance)

    def save_m2m(self, instance, row, **kwargs):
        """The rows have no many-to-many columns, and are not saved yet."""


# --- Checking and importing ---------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    column: str  # "" when the problem is the row's as a whole
    message: str


@dataclass
class RowReport:
    number: int  # as in the spreadsheet: the header is row 1
    name: str
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowReport]
    file_problems: list[str]
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_problems and not any(row.problems for row in self.rows)

    @property
    def rows_with_problems(self) -> int:
        return sum(bool(row.problems) for row in self.rows)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        rows = [
            RowReport(row["number"], row["name"], [RowProblem(**problem) for problem in row["problems"]])
            for row in data.get("rows", [])
        ]
        return cls(rows=rows, file_problems=data.get("file_problems", []), imported=data.get("imported", 0))


def _row_problems(error: ValidationError) -> list[RowProblem]:
    problems = []
    error_dict = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    for column, messages in error_dict.items():
        for message in messages:
            problems.append(RowProblem("" if column == NON_FIELD_ERRORS else column, message))
    order = {name: index for index, name in enumerate(COLUMNS)}
    return sorted(problems, key=lambda problem: order.get(problem.column, -1))


def _no_progress(rows_done: int) -> None:
    """Progress goes nowhere when nobody follows it."""


def nominations_import(
    *,
    dataset: tablib.Dataset,
    row_numbers: list[int],
    expo: Expo,
    trade_body: TradeBody,
    user: User,
    confirm: bool,
    progress: Callable[[int], None] = _no_progress,
) -> ImportReport:
    """Check every row of ``dataset``; with ``confirm``, import them all as submitted nominations of
    ``trade_body``, or none: anything wrong with any row (or a quota too small for the file) rolls
    everything back. The report lists every row with its problems by column. ``progress`` is told
    how many rows are checked as the check goes."""
    with transaction.atomic():
        # The same lock as the form's services take: imports and forms of one trade body queue up.
        TradeBody.objects.select_for_update().get(pk=trade_body.pk)
        rules = services.nomination_rules_ensure(expo=expo)
        file_problems = []
        if not rules.nominations_open:
            file_problems.append(_("Nominations for %(expo)s are closed.") % {"expo": expo})
        quota = services.quota_for(expo=expo, trade_body=trade_body)
        left = max(quota - services.quota_used(expo=expo, trade_body=trade_body), 0)
        if len(dataset) > left:
            file_problems.append(
                _(
                    "The file has %(rows)d nominations but %(trade_body)s has only %(left)d of its %(quota)d places "
                    "left for %(expo)s. Remove rows, withdraw a nomination or ask the SMEDA expo team for a "
                    "larger quota."
                )
                % {"rows": len(dataset), "trade_body": trade_body, "left": left, "quota": quota, "expo": expo}
            )
        resource = NominationResource(expo=expo, trade_body=trade_body, user=user, rules=rules, progress=progress)
        # The resource only reads and checks rows; the services write, in this transaction.
        result = resource.import_data(dataset, dry_run=False, use_transactions=False, raise_errors=False)
        for error in result.base_errors:
            logger.warning("Nominations import failed: %r", error.error, exc_info=error.error)
            file_problems.append(_("The file could not be checked because of an unexpected problem."))
        problems_by_row: dict[int, list[RowProblem]] = {}
        for invalid in result.invalid_rows:
            problems_by_row[invalid.number] = _row_problems(invalid.error)
        for error_row in result.error_rows:
            for error in error_row.errors:
                logger.warning(
                    "Nominations import row %s failed: %r", error_row.number, error.error, exc_info=error.error
                )
            problems_by_row[error_row.number] = [
                RowProblem("", _("This row could not be checked because of an unexpected problem."))
            ]
        # When the file as a whole cannot go in, or a row is wrong, the services are not run: each row
        # would only repeat the problem. The preview runs their checks and writes nothing.
        if not file_problems and not problems_by_row and len(resource.checked) == len(dataset):
            try:
                services.nominations_submit_imported(
                    expo=expo,
                    trade_body=trade_body,
                    user=user,
                    rules=rules,
                    nominations=resource.checked,
                    products=[nomination.import_products for nomination in resource.checked],
                    dry_run=not confirm,
                )
            except services.NominationError as error:
                file_problems.append(str(error))
        names = dataset["legal_name"]
        report = ImportReport(
            rows=[
                RowReport(number=number, name=_text(names[index]), problems=problems_by_row.get(index + 1, []))
                for index, number in enumerate(row_numbers)
            ],
            file_problems=file_problems,
        )
        if confirm and report.ok:
            report.imported = len(dataset)
            services.nominations_imported_notify(trade_body=trade_body, expo=expo, count=report.imported)
        else:
            transaction.set_rollback(True)
    return report


# --- Imports in the background -------------------------------------------------------------------

Status = NominationImport.Status


def _progress_key(nomination_import_id: int) -> str:
    return f"exhibitors:nomination-import:{nomination_import_id}:rows-done"


def nomination_import_progress(*, nomination_import: NominationImport) -> int:
    """How many rows the running check or import has got through (kept in the cache: the work runs
    in one transaction, whose writes nobody sees before it ends)."""
    if not nomination_import.is_running:
        return nomination_import.rows
    return min(cache.get(_progress_key(nomination_import.pk), 0), nomination_import.rows)


def _progress_report(nomination_import_id: int, rows_done: int) -> None:
    # Every 20 rows (and the last): a progress bar needs no more, and each write is a round trip to Redis.
    if rows_done % 20 == 0:
        cache.set(_progress_key(nomination_import_id), rows_done, timeout=3600)


def nomination_import_start(
    *, expo: Expo, trade_body: TradeBody, user: User, content: bytes, extension: str, rows: int
) -> NominationImport:
    """Keep a readable upload and queue its check. A person has one unconfirmed upload per trade body:
    a new one replaces the last, so abandoned checks do not pile up."""
    from .tasks import nomination_import_check  # the tasks module imports this one

    with transaction.atomic():
        for stale in NominationImport.objects.filter(
            trade_body=trade_body, uploaded_by=user, status__in=[Status.CHECKING, Status.CHECKED, Status.FAILED]
        ):
            _file_delete_on_commit(stale)
            stale.delete()
        nomination_import = NominationImport(
            expo=expo,
            trade_body=trade_body,
            uploaded_by=user,
            extension=extension,
            rows=rows,
            language=translation.get_language() or "en",
        )
        nomination_import.file.save(f"upload.{extension}", ContentFile(content), save=False)
        nomination_import.save()
        transaction.on_commit(partial(nomination_import_check.delay, nomination_import.pk))
    return nomination_import


def nomination_import_confirm(*, nomination_import: NominationImport) -> None:
    """Queue the import of a checked, valid file. Refused for anything else (checked twice, imported)."""
    from .tasks import nomination_import_run

    report = ImportReport.from_json(nomination_import.report)
    with transaction.atomic():
        claimed = NominationImport.objects.filter(pk=nomination_import.pk, status=Status.CHECKED).update(
            status=Status.IMPORTING
        )
        if not claimed or not report.ok:
            transaction.set_rollback(True)
            raise services.NominationError(_("This file cannot be imported: upload it again to check it."))
        cache.delete(_progress_key(nomination_import.pk))
        transaction.on_commit(partial(nomination_import_run.delay, nomination_import.pk))


def _file_delete_on_commit(nomination_import: NominationImport) -> None:
    if nomination_import.file:
        transaction.on_commit(partial(nomination_import.file.storage.delete, nomination_import.file.name))


def _read_kept(nomination_import: NominationImport) -> tuple[tablib.Dataset, list[int]]:
    with nomination_import.file.open("rb") as handle:
        return read_spreadsheet(handle.read(), nomination_import.extension)


def nomination_import_check(*, nomination_import_id: int) -> None:
    """Check a kept upload and store the report. Safe to run twice: only a file being checked is taken."""
    nomination_import = (
        NominationImport.objects.filter(pk=nomination_import_id, status=Status.CHECKING)
        .select_related("expo", "trade_body", "uploaded_by")
        .first()
    )
    if nomination_import is None:
        return
    with translation.override(nomination_import.language):
        try:
            dataset, row_numbers = _read_kept(nomination_import)
        except (SpreadsheetRejected, FileNotFoundError) as error:
            report = ImportReport(rows=[], file_problems=[str(error)])
        else:
            report = nominations_import(
                dataset=dataset,
                row_numbers=row_numbers,
                expo=nomination_import.expo,
                trade_body=nomination_import.trade_body,
                user=nomination_import.uploaded_by,
                confirm=False,
                progress=partial(_progress_report, nomination_import.pk),
            )
    NominationImport.objects.filter(pk=nomination_import.pk, status=Status.CHECKING).update(
        status=Status.CHECKED, report=report.as_json()
    )


def nomination_import_run(*, nomination_import_id: int) -> None:
    """Import a confirmed file whole, or nothing (the report then says why). Safe to run twice: the
    import row is locked and marked imported in the import's own transaction."""
    with transaction.atomic():
        nomination_import = (
            NominationImport.objects.select_for_update()
            .filter(pk=nomination_import_id, status=Status.IMPORTING)
            .select_related("expo", "trade_body", "uploaded_by")
            .first()
        )
        if nomination_import is None:
            return
        with translation.override(nomination_import.language):
            try:
                dataset, row_numbers = _read_kept(nomination_import)
            except (SpreadsheetRejected, FileNotFoundError) as error:
                report = ImportReport(rows=[], file_problems=[str(error)])
            else:
                # Its own savepoint: a file that no longer passes rolls back alone, and the outcome is kept.
                report = nominations_import(
                    dataset=dataset,
                    row_numbers=row_numbers,
                    expo=nomination_import.expo,
                    trade_body=nomination_import.trade_body,
                    user=nomination_import.uploaded_by,
                    confirm=True,
                    progress=partial(_progress_report, nomination_import.pk),
                )
        nomination_import.status = Status.IMPORTED if report.ok else Status.FAILED
        nomination_import.report, nomination_import.imported = report.as_json(), report.imported
        if report.ok:
            _file_delete_on_commit(nomination_import)
            nomination_import.file = ""
        nomination_import.save(update_fields=["status", "report", "imported", "file", "updated_at"])


# --- The template ---------------------------------------------------------------------------------


def _example_row() -> list:
    cluster = Cluster.objects.order_by("name").values_list("name", flat=True).first() or ""
    example = {
        "legal_name": "Example Surgical Works (Pvt) Ltd",
        "brand_name": "Example Surgical",
        "ntn": "1234567-8",
        "legal_form": LegalForm.PRIVATE_LIMITED.value,
        "year_founded": 2005,
        "employees": 40,
        "turnover_band": TurnoverBand.FROM_30_TO_75.value,
        "city": "Sialkot",
        "province": Province.PUNJAB.value,
        "cluster": cluster,
        "description": "Stainless steel surgical and dental instruments for hospitals.",
        "website": "https://example.pk",
        "owner_name": "Ayesha Khan",
        "owner_gender": Gender.FEMALE.value,
        "women_led": "yes",
        "owner_cnic": "35202-1234567-1",
        # Local forms: a leading "+" starts a formula in a spreadsheet, so CSV exports neutralise it.
        "owner_phone": "0300 1234567",
        "contact_name": "Bilal Ahmed",
        "contact_designation": "Export manager",
        "contact_email": "exports@example.pk",
        "contact_phone": "052 1234567",
        "export_experience": ExportExperience.REGULAR.value,
        "export_markets": "Germany, United Arab Emirates",
        "products": "Dissecting forceps; Needle holders",
        "justification": "CE-marked instruments, exports to Europe for ten years, ready for new buyers.",
        "requested_stall_size": StallSize.SHELL_9.value,
    }
    return [example[column] for column in COLUMNS]


def _allowed_values() -> list[list]:
    allowed = [[_("column"), _("value to write"), _("meaning")]]
    for column, choices in CHOICES.items():
        for code, label in choices.choices:
            allowed.append([column, code, str(label)])
    allowed.append(["women_led", "yes", _("Women-led")])
    allowed.append(["women_led", "no", _("Not women-led")])
    for name, sector in Cluster.objects.order_by("name").values_list("name", "sector__name"):
        allowed.append(["cluster", name, sector])
    return allowed


def template_file(extension: str) -> bytes:
    """The template to fill in: the columns, one example row and, in XLSX, a sheet of allowed values.

    Written by ``expo.exports`` like every spreadsheet the portal hands out: cluster and sector names are
    staff's data and could start a formula.
    """
    nominations = [COLUMNS, _example_row()]
    if extension == "csv":
        return exports.csv_content(nominations)
    return exports.xlsx_content([(_("Nominations"), nominations), (_("Allowed values"), _allowed_values())])
