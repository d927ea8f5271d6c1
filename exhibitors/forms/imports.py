"""The form of the spreadsheet upload of nominations: a readable CSV or XLSX file, or an error beside the field."""

from dataclasses import dataclass

import tablib
from django import forms
from django.utils.translation import gettext_lazy as _

from ..resources import FORMATS, MAX_BYTES, SpreadsheetRejected, read_spreadsheet


@dataclass(frozen=True)
class Spreadsheet:
    """A readable upload: its bytes (kept until confirmed), its format, and the rows read from it."""

    content: bytes
    extension: str
    dataset: tablib.Dataset
    row_numbers: list[int]


class NominationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of nominations"),
        help_text=_("CSV or Excel (.xlsx), up to 2 MB and 1,000 rows, with the columns of the template."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Spreadsheet:
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in FORMATS:
            raise forms.ValidationError(
                _("Upload a CSV or Excel (.xlsx) file; other files (such as .xls, .ods or .pdf) are not accepted.")
            )
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
        content = upload.read()
        try:
            dataset, row_numbers = read_spreadsheet(content, extension)
        except SpreadsheetRejected as error:
            raise forms.ValidationError(str(error)) from error
        return Spreadsheet(content=content, extension=extension, dataset=dataset, row_numbers=row_numbers)
