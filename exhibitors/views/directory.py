"""The public exhibitor directory of the current expo: search, filters, pages of cards, one page per exhibitor.

Anonymous responses are cached whole (``expo.caching``) under the directory's version, which the
services bump after every profile or product write (``services.directory_changed``), and keyed on
the filters the page reads (``DIRECTORY_PARAMS``), normalised; other query parameters are dropped.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from expo import caching
from expo import selectors as core_selectors

from .. import selectors, services
from ..forms.profile import DirectoryFilterForm

PAGE_SIZE = 24
RESULTS_TARGET = "directory-results"


def _choices(name: str) -> caching.Normaliser:
    return caching.choice(value for value, _label in DirectoryFilterForm.base_fields[name].choices if value)


# Ids are bounded only so that a made-up number cannot be longer than a real one.
DIRECTORY_PARAMS = caching.Params(
    q=caching.text(DirectoryFilterForm.base_fields["q"].max_length),
    sector=caching.integer(2**63 - 1),
    cluster=caching.integer(2**63 - 1),
    province=_choices("province"),
    size_class=_choices("size_class"),
    women_led=caching.flag,
    export_ready=caching.flag,
    # Past the last page the paginator shows the last one; a thousand pages is 24,000 exhibitors.
    page=caching.integer(1000),
)


def whatsapp_digits(number: str) -> str:
    """The number as wa.me wants it: international, digits only (a Pakistani 03xx number gets its 92)."""
    digits = "".join(character for character in number if character.isdigit())
    if number.strip().startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "92" + digits[1:]
    return digits


def _wants_fragment(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == RESULTS_TARGET


@require_safe
def directory(request):
    fragment = _wants_fragment(request)

    def build() -> HttpResponse:
        expo = core_selectors.expo_current_for(request)
        form = DirectoryFilterForm(request.GET)
        filters = selectors.DirectoryFilters(**form.filters())
        page = page_range = None
        if expo is not None:
            paginator = Paginator(selectors.directory(expo=expo, filters=filters), PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            page_range = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        context = {
            "expo": expo,
            "form": form,
            "page": page,
            "page_range": page_range,
            "ellipsis": Paginator.ELLIPSIS,
            "filtered": any(value for value in vars(filters).values()),
        }
        template = "exhibitors/directory/results.html" if fragment else "exhibitors/directory/list.html"
        return render(request, template, context)

    return caching.cached_public_page(
        request,
        version_key=services.DIRECTORY_VERSION_KEY,
        params=DIRECTORY_PARAMS,
        variant="fragment" if fragment else "page",
        build=build,
    )


@require_safe
def directory_detail(request, slug: str):
    def build() -> HttpResponse:
        expo = core_selectors.expo_current_for(request)
        if expo is None:
            raise Http404
        exhibitor = selectors.directory_exhibitor(expo=expo, slug=slug)
        context = {
            "exhibitor": exhibitor,
            "whatsapp_digits": whatsapp_digits(exhibitor.whatsapp),
        }
        return render(request, "exhibitors/directory/detail.html", context)

    return caching.cached_public_page(request, version_key=services.DIRECTORY_VERSION_KEY, build=build)


urlpatterns = [
    path("exhibitors/", directory, name="directory"),
    path("exhibitors/<slug:slug>/", directory_detail, name="directory_detail"),
]
