"""Spreadsheet upload of nominations by a trade body: upload, check in the background, preview, confirm.

The upload is kept as a ``NominationImport`` of the trade body and the person who uploaded it;
a Celery task checks it, and another imports it once confirmed, all rows or none. The import's
page follows the task with a progress bar (polled by htmx), then shows every row's problems.
Staff who may add nominations reach the same pages for any trade body from the admin.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expo import selectors as core_selectors

from .. import resources, selectors, services
from ..forms.imports import NominationImportForm


def _columns() -> list[tuple[str, bool, str]]:
    return [
        (column, column in resources.REQUIRED_COLUMNS, resources.COLUMN_HELP[column]) for column in resources.COLUMNS
    ]


@login_required
@require_http_methods(["GET", "POST"])
def nomination_import(request, trade_body_pk: int):
    trade_body = selectors.trade_body_for_import(request.user, trade_body_pk)
    expo = core_selectors.expo_current_for(request)
    if expo is None:
        messages.error(request, _("No expo edition is open for nominations yet."))
        return redirect(trade_body)
    form = NominationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["file"]
        nomination_import = resources.nomination_import_start(
            expo=expo,
            trade_body=trade_body,
            user=request.user,
            content=sheet.content,
            extension=sheet.extension,
            rows=len(sheet.row_numbers),
        )
        return redirect("nomination_import_status", trade_body.pk, nomination_import.pk)
    context = {"trade_body": trade_body, "form": form, "columns": _columns(), "max_rows": resources.MAX_ROWS}
    return render(request, "exhibitors/nominations/import.html", context)


@login_required
@require_GET
def nomination_import_status(request, trade_body_pk: int, pk: int):
    """The import's progress while a task works on it, then its report (and the confirmation when valid).
    An htmx poll gets the progress bar alone, and a full reload once the task is done."""
    trade_body = selectors.trade_body_for_import(request.user, trade_body_pk)
    nomination_import = selectors.nomination_import_for_user(request.user, trade_body=trade_body, pk=pk)
    context = {
        "trade_body": trade_body,
        "nomination_import": nomination_import,
        "rows_done": resources.nomination_import_progress(nomination_import=nomination_import),
    }
    if request.htmx:
        response = render(request, "exhibitors/nominations/includes/import_progress.html", context)
        if not nomination_import.is_running:
            response["HX-Refresh"] = "true"
        return response
    if not nomination_import.is_running:
        context["report"] = resources.ImportReport.from_json(nomination_import.report)
        context["form"] = NominationImportForm()
    return render(request, "exhibitors/nominations/import_status.html", context)


@login_required
@require_POST
def nomination_import_confirm(request, trade_body_pk: int, pk: int):
    trade_body = selectors.trade_body_for_import(request.user, trade_body_pk)
    nomination_import = selectors.nomination_import_for_user(request.user, trade_body=trade_body, pk=pk)
    try:
        resources.nomination_import_confirm(nomination_import=nomination_import)
    except services.NominationError as error:
        messages.error(request, str(error))
    return redirect("nomination_import_status", trade_body.pk, nomination_import.pk)


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
        "trade-bodies/<int:trade_body_pk>/nominations/import/<int:pk>/",
        nomination_import_status,
        name="nomination_import_status",
    ),
    path(
        "trade-bodies/<int:trade_body_pk>/nominations/import/<int:pk>/confirm/",
        nomination_import_confirm,
        name="nomination_import_confirm",
    ),
    path(
        "trade-bodies/<int:trade_body_pk>/nominations/import/template.<str:fmt>",
        nomination_import_template,
        name="nomination_import_template",
    ),
]
