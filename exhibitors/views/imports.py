"""Spreadsheet upload of nominations by a trade body: upload, preview with every row's problems, confirm.

The upload is kept in private storage under a random name tied to the trade body and the user
between the preview and the confirmation; the confirmation imports all rows or none.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from expo import selectors as core_selectors

from .. import resources, selectors
from ..forms.imports import ConfirmImportForm, NominationImportForm


def _columns() -> list[tuple[str, bool, str]]:
    return [
        (column, column in resources.REQUIRED_COLUMNS, resources.COLUMN_HELP[column]) for column in resources.COLUMNS
    ]


def _preview(request, *, trade_body, report, token, form):
    context = {"trade_body": trade_body, "report": report, "token": token, "form": form}
    return render(request, "exhibitors/nominations/import_preview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_import(request, trade_body_pk: int):
    trade_body = selectors.trade_body_for_import(request.user, trade_body_pk)
    expo = core_selectors.expo_current_for(request)
    if expo is None:
        messages.error(request, _("No expo edition is open for nominations yet."))
        return redirect(trade_body)
    scope = {"trade_body": trade_body, "user": request.user}

    if request.method == "POST" and "token" in request.POST:
        confirm = ConfirmImportForm(request.POST)
        content = resources.upload_read(**scope, token=request.POST["token"]) if confirm.is_valid() else None
        if content is None:
            messages.error(request, _("The checked file is no longer available. Please upload it again."))
            return redirect("nomination_import", trade_body.pk)
        token = confirm.cleaned_data["token"]
        try:
            dataset, row_numbers = resources.read_spreadsheet(content, confirm.extension)
        except resources.SpreadsheetRejected as error:
            resources.upload_discard(**scope, token=token)
            messages.error(request, str(error))
            return redirect("nomination_import", trade_body.pk)
        report = resources.nominations_import(
            dataset=dataset, row_numbers=row_numbers, expo=expo, **scope, confirm=True
        )
        if not report.ok:
            # Something changed since the preview (a colleague used the quota, a cluster was renamed).
            messages.error(request, _("Nothing was imported: the file no longer passes the checks below."))
            return _preview(request, trade_body=trade_body, report=report, token=None, form=NominationImportForm())
        resources.upload_discard(**scope, token=token)
        messages.success(
            request,
            ngettext(
                "%(count)d nomination imported and submitted.",
                "%(count)d nominations imported and submitted.",
                report.imported,
            )
            % {"count": report.imported},
        )
        return redirect(trade_body)

    form = NominationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["file"]
        report = resources.nominations_import(
            dataset=sheet.dataset, row_numbers=sheet.row_numbers, expo=expo, **scope, confirm=False
        )
        token = resources.upload_keep(**scope, content=sheet.content, extension=sheet.extension) if report.ok else None
        return _preview(request, trade_body=trade_body, report=report, token=token, form=NominationImportForm())
    context = {"trade_body": trade_body, "form": form, "columns": _columns(), "max_rows": resources.MAX_ROWS}
    return render(request, "exhibitors/nominations/import.html", context)


@login_required
@require_GET
def nomination_import_template(request, trade_body_pk: int, fmt: str):
    selectors.trade_body_for_import(request.user, trade_body_pk)
    if fmt not in resources.FORMATS:
        raise Http404
    response = HttpResponse(resources.template_file(fmt), content_type=resources.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="nominations-template.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("trade-bodies/<int:trade_body_pk>/nominations/import/", nomination_import, name="nomination_import"),
    path(
        "trade-bodies/<int:trade_body_pk>/nominations/import/template.<str:fmt>",
        nomination_import_template,
        name="nomination_import_template",
    ),
]
