"""The public floor plan of the current expo: one page per hall, searchable, with a text list and a PDF.

Anonymous responses are cached whole under the floor plan's version (bumped by every layout or
allocation write) and the directory's (exhibitor names and products show on the plan). The hall page
reads one parameter, the search; the PDF none, so it is drawn once per hall, language and version.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from exhibitors.services import DIRECTORY_VERSION_KEY
from expo import caching
from expo import selectors as core_selectors

from . import plans, selectors
from .services import FLOOR_PLAN_VERSION_KEY

PLAN_PARAMS = caching.Params(q=caching.text(100))


def _current_expo(request):
    expo = core_selectors.expo_current_for(request)
    if expo is None:
        raise Http404
    return expo


@require_safe
def floor_plan(request):
    """The first hall's plan (or, with a search, the first hall where it is found); the page links to the others."""
    expo = core_selectors.expo_current_for(request)
    hall = selectors.halls_of_expo(expo=expo).first() if expo else None
    if hall is None:
        return render(request, "pavilions/no_plan.html", {"expo": expo})
    query = PLAN_PARAMS.clean(request.GET).get("q", "")
    found = selectors.halls_matching(expo=expo, query=query)
    if found:
        hall = found[0][0]
    return redirect(f"{hall.get_absolute_url()}?{urlencode({'q': query})}" if query else hall.get_absolute_url())


@require_safe
def floor_plan_hall(request, code: str):
    def build() -> HttpResponse:
        expo = _current_expo(request)
        hall = selectors.hall_by_code(expo=expo, code=code)
        query = request.GET.get("q", "")
        plan = plans.public_plan(hall=hall, query=query)
        elsewhere = [
            (other, count) for other, count in selectors.halls_matching(expo=expo, query=query) if other != hall
        ]
        context = {
            "expo": expo,
            "hall": hall,
            "halls": selectors.halls_of_expo(expo=expo),
            "svg": plan.svg,
            "stalls": plan.stalls,
            "stall_table": plan.stall_table,
            "query": query,
            "matches": plan.matches,
            "elsewhere": elsewhere,
            "legend": plans.legend("allocated", "free"),
        }
        return render(request, "pavilions/hall.html", context)

    # A search is answered from the cached plan data; caching each query string's whole page would let
    # anyone fill the cache with pages of up to a megabyte.
    return caching.cached_public_page(
        request,
        version_key=FLOOR_PLAN_VERSION_KEY,
        also_versions=[DIRECTORY_VERSION_KEY],
        params=PLAN_PARAMS,
        uncached_with=["q"],
        build=build,
    )


@require_safe
def floor_plan_pdf(request, code: str):
    """The hall plan on one landscape A2 page, for the venue to print."""

    def build() -> HttpResponse:
        from weasyprint import HTML  # heavy: imported by the one view that prints

        expo = _current_expo(request)
        hall = selectors.hall_by_code(expo=expo, code=code)
        plan = plans.public_plan(hall=hall)
        html = render_to_string(
            "pavilions/hall_pdf.html", {"expo": expo, "hall": hall, "svg": plan.svg, "stalls": plan.stalls}
        )
        return HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")

    # Drawn without the request, so one copy serves signed-in people too: 1–2 s of CPU a drawing.
    return caching.cached_public_page(
        request,
        version_key=FLOOR_PLAN_VERSION_KEY,
        also_versions=[DIRECTORY_VERSION_KEY],
        personal=False,
        build=build,
    )


urlpatterns = [
    path("floor-plan/", floor_plan, name="floor_plan"),
    path("floor-plan/<str:code>/", floor_plan_hall, name="floor_plan_hall"),
    path("floor-plan/<str:code>/plan.pdf", floor_plan_pdf, name="floor_plan_pdf"),
]
