"""The personal calendar feed: issued (and re-issued, which revokes the old link) from the RSVP page, read by
calendar apps at its secret link. A link that was revoked or never made is a 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from .. import calendar, selectors, services
from .rsvp import _registration


@require_POST
def calendar_issue(request, token: str):
    registration = _registration(token)
    feed_token = services.calendar_feed_issue(registration=registration)
    feed_url = request.build_absolute_uri(reverse("programme_calendar_feed", args=[feed_token]))
    # Shown once: only the token's hash is kept.
    return render(request, "programme/calendar_issued.html", {"token": token, "feed_url": feed_url})


@require_safe
def calendar_feed(request, feed_token: str):
    found = selectors.calendar_feed_rsvps(token_hash=services.feed_token_hash(feed_token))
    if found is None:
        raise Http404
    feed, rsvps = found
    response = HttpResponse(calendar.feed(expo=feed.registration.expo, rsvps=rsvps), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="programme.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("programme/rsvp/<str:token>/calendar/", calendar_issue, name="programme_calendar_issue"),
    path("programme/calendar/<str:feed_token>.ics", calendar_feed, name="programme_calendar_feed"),
]
