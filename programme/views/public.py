"""The public programme of the current expo: the timetable day by day, a page per session and per speaker.

Anonymous responses are cached whole (``expo.caching``) under the programme's version, which the services
bump after every write (``services.programme_changed``), and keyed on the filters the timetable reads
(``TIMETABLE_PARAMS``), normalised; other query parameters are dropped.
"""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from expo import caching
from expo import selectors as core_selectors

from .. import selectors, services
from ..models import Session

TIMETABLE_PARAMS = caching.Params(
    day=caching.text(10),
    kind=caching.choice(Session.Kind.values),
    sector=caching.integer(2**63 - 1),
)


def _day_chosen(expo, value: str) -> datetime.date:
    """The day asked for when it is one of the edition's, else its first day."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return expo.start_date
    return day if day in expo.days else expo.start_date


@require_safe
def timetable(request):
    def build() -> HttpResponse:
        expo = core_selectors.expo_current_for(request)
        context = {"expo": expo}
        if expo is not None:
            day = _day_chosen(expo, request.GET.get("day", ""))
            kind = request.GET.get("kind", "")
            sector_id = int(request.GET["sector"]) if request.GET.get("sector") else None
            sessions = selectors.programme_day(expo=expo, day=day, kind=kind, sector_id=sector_id)
            context |= {
                "day": day,
                "kind": kind,
                "sector_id": sector_id,
                "sessions": sessions,
                "rooms": selectors.rooms_of(sessions),
                "kinds": Session.Kind.choices,
                "sectors": list(selectors.programme_sectors(expo=expo)),
                "filtered": bool(kind or sector_id),
            }
        return render(request, "programme/timetable.html", context)

    return caching.cached_public_page(
        request, version_key=services.PROGRAMME_VERSION_KEY, params=TIMETABLE_PARAMS, build=build
    )


@require_safe
def session_detail(request, pk: int):
    def build() -> HttpResponse:
        expo = core_selectors.expo_current_for(request)
        if expo is None:
            raise Http404
        return render(
            request, "programme/session.html", {"session": selectors.session_public(expo=expo, pk=pk), "expo": expo}
        )

    return caching.cached_public_page(request, version_key=services.PROGRAMME_VERSION_KEY, build=build)


@require_safe
def speaker_detail(request, pk: int):
    def build() -> HttpResponse:
        expo = core_selectors.expo_current_for(request)
        if expo is None:
            raise Http404
        return render(
            request, "programme/speaker.html", {"speaker": selectors.speaker_public(expo=expo, pk=pk), "expo": expo}
        )

    return caching.cached_public_page(request, version_key=services.PROGRAMME_VERSION_KEY, build=build)


urlpatterns = [
    path("programme/", timetable, name="programme"),
    path("programme/sessions/<int:pk>/", session_detail, name="programme_session"),
    path("programme/speakers/<int:pk>/", speaker_detail, name="programme_speaker"),
]
