"""Every CSV and XLSX the portal hands out is written here, so that no cell can run as a formula.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, read from a CSV,
one that begins with a tab or carriage return) as a formula: a gate named ``=HYPERLINK(…)`` would become
a live link in staff's attendance sheet. In CSV such a text gets an apostrophe in front, which the
program shows and never evaluates; in XLSX every text is stored as a text cell, never as a formula, and
keeps its value. Numbers and empty cells are written as they are; a date and time is written in the
portal's time zone, to the second, so every export reads times the same way.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[object]


def _local_time(value: object) -> object:
    """A date and time as people at the expo read it: local, without a zone (XLSX has none), to the second."""
    if not isinstance(value, datetime.datetime):
        return value
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    return value.replace(microsecond=0)


def neutralise(value: object) -> object:
    """A CSV cell's value made safe: a text that would start a formula gets an apostrophe in front."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return _local_time(value)


def csv_content(rows: Iterable[Row]) -> bytes:
    """The rows as CSV in UTF-8 with a byte order mark (without it Excel misreads Urdu names)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(sheet, value: object) -> WriteOnlyCell:
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=_local_time(value))
    if not value:
        return WriteOnlyCell(sheet, value=None)
    # Control characters are not allowed in the file format; openpyxl would refuse the whole workbook.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    # openpyxl makes a formula of any text starting with "="; a text cell is shown, never evaluated.
    cell.data_type = "s"
    return cell


def xlsx_content(sheets: Sequence[tuple[str, Iterable[Row]]]) -> bytes:
    """A workbook of one sheet per (title, rows), every text a text cell."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(rows: Iterable[Row], *, filename: str) -> HttpResponse:
    """The rows as a CSV download named ``filename``."""
    return _attachment(csv_content(rows), CSV_TYPE, filename)


def xlsx_response(sheets: Sequence[tuple[str, Iterable[Row]]], *, filename: str) -> HttpResponse:
    """The sheets as an XLSX download named ``filename``."""
    return _attachment(xlsx_content(sheets), XLSX_TYPE, filename)
