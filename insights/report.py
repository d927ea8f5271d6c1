"""The edition report: every section of the dashboard for one edition as an A4 PDF for the ministry, each table
with its chart drawn as SVG bars (WeasyPrint, from an HTML template). WeasyPrint is imported by the function that
draws: most processes that import the services never draw a report."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone

from expo.models import Cluster, Expo, Province, Sector

from .filters import Filters
from .selectors import SECTIONS


def steps() -> list[str]:
    """What the progress bar counts: each section, then the drawing of the PDF."""
    return [section.key for section in SECTIONS.values()] + ["pdf"]


def _filter_labels(filters: Filters) -> list[str]:
    labels = []
    if filters.cluster is not None:
        labels.append(str(Cluster.objects.filter(pk=filters.cluster).values_list("name", flat=True).first() or ""))
    if filters.sector is not None:
        labels.append(str(Sector.objects.filter(pk=filters.sector).values_list("name", flat=True).first() or ""))
    if filters.province:
        labels.append(str(dict(Province.choices).get(filters.province, filters.province)))
    return [label for label in labels if label]


def report_html(expo: Expo, filters: Filters, *, progress: Callable[[], None] = lambda: None) -> str:
    sections = []
    for section in SECTIONS.values():
        sections.append({"title": section.title, "tables": section.build(expo, filters)})
        progress()
    return render_to_string(
        "insights/report_pdf.html",
        {"expo": expo, "sections": sections, "filters": _filter_labels(filters), "made_at": timezone.now()},
    )


def report_pdf(expo: Expo, filters: Filters, *, progress: Callable[[], None] = lambda: None) -> bytes:
    from weasyprint import HTML  # heavy: imported by the one function that draws

    html = report_html(expo, filters, progress=progress)
    content = HTML(string=html, base_url=".").write_pdf()
    progress()
    return content
