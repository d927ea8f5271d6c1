"""The personal calendar feed: one secret link per person, read by calendar apps, with their sessions and their
B2B meetings (``programme.calendar``). A visitor makes (and re-makes, which revokes the old link) or stops
theirs from the RSVP page; an exhibitor's member from their exhibitor's pages. A link that was revoked or
never made is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from exhibitors.selectors import exhibitor_for_user

from .. import calendar, selectors, services
from .rsvp import _registration


def _feed_url(request, feed_token: str) -> str:
    return request.build_absolute_uri(reverse("programme_calendar_feed", args=[feed_token]))


@require_POST
def calendar_issue(request, token: str):
    registration = _registration(token)
    feed_token = services.calendar_feed_issue(registration=registration)
    # Shown once: only the token's hash is kept.
    return render(
        request, "programme/calendar_issued.html", {"token": token, "feed_url": _feed_url(request, feed_token)}
    )


@require_POST
def calendar_revoke(request, token: str):
    registration = _registration(token)
    services.calendar_feed_revoke(registration=registration)
    messages.success(request, _("Your calendar link no longer works."))
    return redirect("programme_rsvp", token=token)


@require_safe
def calendar_feed(request, feed_token: str):
    owner = selectors.calendar_feed_owner(token_hash=services.feed_token_hash(feed_token))
    if owner is None:
        raise Http404
    owner = calendar.Owner(**owner)
    response = HttpResponse(
        calendar.write(expo=owner.expo, entries=calendar.entries_of(owner)), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'inline; filename="programme.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def member_calendar(request, exhibitor_pk: int):
    """A member's own calendar link for their exhibitor: made (shown once), made again, or stopped."""
    exhibitor = exhibitor_for_user(request.user, exhibitor_pk)
    context = {"exhibitor": exhibitor, "tab": "calendar", "feed_url": None}
    action = request.POST.get("action")
    if action == "issue":
        feed_token = services.member_calendar_feed_issue(exhibitor=exhibitor, user=request.user)
        context["feed_url"] = _feed_url(request, feed_token)
    elif action == "revoke":
        services.member_calendar_feed_revoke(exhibitor=exhibitor, user=request.user)
        messages.success(request, _("Your calendar link no longer works."))
        return redirect("programme_member_calendar", exhibitor_pk=exhibitor.pk)
    elif request.method == "POST":
        raise Http404
    context["feed"] = selectors.member_calendar_feed(exhibitor=exhibitor, user=request.user)
    response = render(request, "programme/member_calendar.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("programme/rsvp/<str:token>/calendar/", calendar_issue, name="programme_calendar_issue"),
    path("programme/rsvp/<str:token>/calendar/revoke/", calendar_revoke, name="programme_calendar_revoke"),
    path("programme/calendar/<str:feed_token>.ics", calendar_feed, name="programme_calendar_feed"),
    path("exhibitor/<int:exhibitor_pk>/calendar/", member_calendar, name="programme_member_calendar"),
]
