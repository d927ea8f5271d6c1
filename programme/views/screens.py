"""The screens at the venue: a "now and next" page per hall, in large type, that refreshes itself.

The page asks htmx to fetch it again every ``REFRESH_SECONDS`` in the other language (``?show=ur`` then
``?show=en``), so the screen alternates between English and Urdu and picks up changes on the way. Each
answer is cached for everyone (``expo.caching``) under the programme's version, the language shown and
the minute: a screen is at most a minute behind the clock, and a change to the programme shows at the
next refresh.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from expo import caching
from expo import selectors as core_selectors
from pavilions import selectors as pavilion_selectors

from .. import selectors, services

REFRESH_SECONDS = 15
LANGUAGES = ("en", "ur")
SCREEN_PARAMS = caching.Params(show=caching.choice(LANGUAGES))


@require_safe
def screens(request):
    """The halls of the current edition, each with its screen's address: where staff find what to open."""

    def build() -> HttpResponse:
        expo = core_selectors.expo_current_for(request)
        halls = list(pavilion_selectors.halls_of_expo(expo=expo).order_by("order", "code")) if expo else []
        return render(request, "programme/screens.html", {"expo": expo, "halls": halls})

    return caching.cached_public_page(request, version_key=services.PROGRAMME_VERSION_KEY, build=build)


@require_safe
def hall_screen(request, code: str):
    # The minute the screen shows: every answer within it is the same page.
    now = timezone.now().replace(second=0, microsecond=0)

    def build() -> HttpResponse:
        expo = core_selectors.expo_current_for(request)
        if expo is None:
            raise Http404
        hall = pavilion_selectors.hall_by_code(expo=expo, code=code)
        show = request.GET.get("show") or ("ur" if request.LANGUAGE_CODE == "ur" else "en")
        current, upcoming = selectors.hall_screen(expo=expo, hall=hall, now=now)
        context = {
            "expo": expo,
            "hall": hall,
            "now": now,
            "show": show,
            "other": "en" if show == "ur" else "ur",
            "current": current,
            "upcoming": upcoming,
            "refresh_seconds": REFRESH_SECONDS,
        }
        with translation.override(show):
            return render(request, "programme/screen.html", context)

    return caching.cached_public_page(
        request,
        version_key=services.PROGRAMME_VERSION_KEY,
        params=SCREEN_PARAMS,
        variant=f"screen:{now:%Y%m%d%H%M}",
        build=build,
    )


urlpatterns = [
    path("programme/screens/", screens, name="programme_screens"),
    path("programme/screens/<str:code>/", hall_screen, name="programme_screen"),
]
