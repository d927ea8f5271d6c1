"""The insights dashboard: one page per section with its filters in the URL, every table as CSV and XLSX, and
the edition report PDF made in the background with its progress shown. Only holders of ``insights.view_insights``
with staff MFA open any of them (``expo.staff.staff_page``); the anonymous are sent to sign in."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.views.decorators.http import require_POST, require_safe

from expo import exports
from expo.models import Cluster, Expo, Province, Sector
from expo.staff import staff_page

from . import selectors, services
from .access import VIEW_INSIGHTS, expo_for_insights
from .filters import PARAMS, Filters
from .models import EditionReport


def _section_or_404(key: str) -> selectors.Section:
    section = selectors.SECTIONS.get(key)
    if section is None:
        raise Http404
    return section


@login_required
@staff_page(VIEW_INSIGHTS)
@require_safe
def section(request, key: str = "exhibitors"):
    current = _section_or_404(key)
    query = PARAMS.clean(request.GET)
    expo = expo_for_insights(request, query)
    tables = selectors.section_tables(key=key, expo=expo, query=query)
    context = {
        "expo": expo,
        "section": current,
        "sections": selectors.SECTIONS.values(),
        "tables": [(table, table.chart_data()) for table in tables],
        "query": query.urlencode(),
        "selected": query,
        "editions": Expo.objects.order_by("-year").values_list("year", flat=True),
        "clusters": Cluster.objects.order_by("name").values_list("pk", "name"),
        "sectors": Sector.objects.order_by("name").values_list("pk", "name"),
        "provinces": Province.choices,
        "reports": EditionReport.objects.filter(expo=expo).order_by("-created_at")[:3],
    }
    return render(request, "insights/section.html", context)


@login_required
@staff_page(VIEW_INSIGHTS)
@require_safe
def export(request, key: str, table: str, fmt: str):
    _section_or_404(key)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    query = PARAMS.clean(request.GET)
    expo = expo_for_insights(request, query)
    found = next((t for t in selectors.section_tables(key=key, expo=expo, query=query) if t.key == table), None)
    if found is None:
        raise Http404
    filename = f"{found.key}-{expo.year}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(found.export_rows(), filename=filename)
    return exports.xlsx_response([(found.key[:31], found.export_rows())], filename=filename)


@login_required
@staff_page(VIEW_INSIGHTS)
@require_POST
def report_start(request):
    query = PARAMS.clean(request.POST)
    expo = expo_for_insights(request, query)
    made = services.report_request(
        expo=expo, filters=Filters.from_query(query), language=translation.get_language() or "en", user=request.user
    )
    return redirect("insights_report", made.pk)


@login_required
@staff_page(VIEW_INSIGHTS)
@require_safe
def report_status(request, pk: int):
    made = get_object_or_404(EditionReport.objects.select_related("expo"), pk=pk)
    template = "insights/includes/report_progress.html" if request.htmx else "insights/report.html"
    back = reverse("insights_exhibitors") + f"?edition={made.expo.year}"
    return render(request, template, {"report": made, "back": back})


@login_required
@staff_page(VIEW_INSIGHTS)
@require_safe
def report_download(request, pk: int):
    made = get_object_or_404(EditionReport.objects.select_related("expo"), pk=pk, status=EditionReport.Status.DONE)
    return FileResponse(
        made.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"edition-report-{made.expo.year}-{made.pk}.pdf",
    )


urlpatterns = [
    path("insights/", section, name="insights_exhibitors"),
    path("insights/report/", report_start, name="insights_report_start"),
    path("insights/report/<int:pk>/", report_status, name="insights_report"),
    path("insights/report/<int:pk>/report.pdf", report_download, name="insights_report_pdf"),
    path("insights/<slug:key>/", section, name="insights_section"),
    path("insights/<slug:key>/<slug:table>.<str:fmt>", export, name="insights_export"),
]
