"""A participant's matchmaking pages: taking part and the profile, availability, whom to meet, requests.

Each page exists twice with the same view: under the exhibitor's dashboard for its members (signed in), and
under a confirmed visitor's signed manage link. ``participant_page`` turns either into an ``Actor`` through
``selectors.actor_for``, the app's one permission check: anyone else gets a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import calendar, selectors, services
from .forms import AvailabilityForm, DeclineForm, ProfileForm, RequestForm
from .models import MeetingRequest

PAGE_SIZE = 30


def participant_page(view):
    """Give the view the actor of the exhibitor or visitor URL it was reached by; keep the page out of caches."""

    @wraps(view)
    def wrapped(request, exhibitor_pk: int | None = None, token: str | None = None, **kwargs):
        actor = selectors.actor_for(request.user, exhibitor_pk=exhibitor_pk, token=token)
        response = view(request, actor, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def _joined(actor: selectors.Actor) -> None:
    """The pages past the profile need the actor to take part."""
    if actor.participant is None or not actor.participant.active:
        raise Http404


def _render(request, actor, template: str, context: dict, *, section: str):
    context = {"actor": actor, "exhibitor": actor.exhibitor, "tab": "matchmaking", "section": section, **context}
    return render(request, f"matchmaking/{template}", context)


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


@require_safe
@participant_page
def home(request, actor):
    participant = actor.participant
    context = {}
    if participant is not None and participant.active:
        requests = selectors.requests_of(participant=participant)
        context = {
            "received_pending": requests.filter(receiver=participant, status=MeetingRequest.Status.PENDING).count(),
            "sent_count": selectors.sent_count(participant=participant),
            "cap": selectors.settings_for(actor.expo).request_cap,
        }
    return _render(request, actor, "home.html", context, section="home")


@require_http_methods(["GET", "POST"])
@participant_page
def profile(request, actor):
    participant = actor.participant
    if participant is not None:
        initial = None
        instance = participant
    else:
        instance = None
        source = actor.exhibitor or actor.registration
        initial = {
            "organisation": actor.exhibitor.name if actor.exhibitor else actor.registration.organisation,
            "country": "PK" if actor.exhibitor else actor.registration.country,
            "clusters": [actor.exhibitor.cluster_id] if actor.exhibitor else list(source.interests.all()),
            "target_markets": actor.exhibitor.export_markets if actor.exhibitor else "",
        }
    form = ProfileForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        delegation=actor.registration is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_join(
                exhibitor=actor.exhibitor,
                registration=actor.registration,
                profile=form.profile(),
                clusters=form.cleaned_data["clusters"],
                sectors=form.cleaned_data["sectors"],
            )
        except services.MatchmakingError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Your matchmaking profile is saved."))
            return redirect(actor.url("home"))
    return _render(request, actor, "profile.html", {"form": form}, section="profile")


@require_POST
@participant_page
def leave(request, actor):
    _joined(actor)
    services.participant_leave(participant=actor.participant)
    messages.success(request, _("You no longer take part in matchmaking. Your requests stay as they are."))
    return redirect(actor.url("home"))


@require_http_methods(["GET", "POST"])
@participant_page
def availability(request, actor):
    _joined(actor)
    participant = actor.participant
    offered = selectors.default_slots(expo=actor.expo, registration=actor.registration)
    form = AvailabilityForm(
        request.POST or None,
        offered=offered,
        initial={"slots": sorted(selectors.available_slot_ids(participant=participant))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set(participant=participant, available_slot_ids=form.cleaned_data["slots"])
        except services.MatchmakingError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Your availability is saved."))
            return redirect(actor.url("availability"))
    return _render(request, actor, "availability.html", {"form": form, "offered": offered}, section="availability")


@require_safe
@participant_page
def browse(request, actor):
    _joined(actor)
    side = "visitors" if actor.is_exhibitor and request.GET.get("side") == "visitors" else "exhibitors"
    rows = selectors.visitors_to_meet(actor=actor) if side == "visitors" else selectors.exhibitors_to_meet(actor=actor)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, actor, "browse.html", {"page": page, "side": side}, section="browse")


def _target(request, actor):
    """What the request form is about: ``(exhibitor_id, participant_id, name)`` from the query string."""
    raw_exhibitor, raw_participant = request.GET.get("exhibitor", ""), request.GET.get("participant", "")
    if raw_exhibitor.isdigit():
        exhibitor = selectors.exhibitors_to_meet(actor=actor).filter(pk=int(raw_exhibitor)).first()
        return int(raw_exhibitor), None, exhibitor.name if exhibitor else ""
    if raw_participant.isdigit() and actor.is_exhibitor:
        other = selectors.visitors_to_meet(actor=actor).filter(pk=int(raw_participant)).first()
        return None, int(raw_participant), other.organisation if other else ""
    raise Http404


@require_http_methods(["GET", "POST"])
@participant_page
def ask(request, actor):
    _joined(actor)
    exhibitor_id, participant_id, name = _target(request, actor)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_send(
                sender=actor.participant,
                exhibitor_id=exhibitor_id,
                participant_id=participant_id,
                message=form.cleaned_data["message"],
                priority=form.cleaned_data["priority"],
                at_stall=form.cleaned_data["at_stall"],
                by=request.user if request.user.is_authenticated else None,
                site_url=_site_url(request),
            )
        except services.MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Your request is sent. We email you when it is answered."))
            return redirect(actor.url("requests"))
    return _render(request, actor, "ask.html", {"form": form, "name": name}, section="browse")


@require_safe
@participant_page
def requests(request, actor):
    _joined(actor)
    participant = actor.participant
    rows = [
        {
            "request": meeting_request,
            "sent": meeting_request.sender_id == participant.pk,
            "other": meeting_request.receiver
            if meeting_request.sender_id == participant.pk
            else meeting_request.sender,
        }
        for meeting_request in selectors.requests_of(participant=participant)
    ]
    for row in rows:
        # The other side's contact only once the meeting is agreed.
        if row["request"].status == MeetingRequest.Status.ACCEPTED:
            row["contact"] = selectors.contact_of(row["other"])
    context = {"rows": rows, "decline_form": DeclineForm()}
    return _render(request, actor, "requests.html", context, section="requests")


@require_http_methods(["GET", "POST"])
@participant_page
def request_decide(request, actor, pk: int, action: str):
    if action not in ("accept", "decline", "withdraw"):
        raise Http404
    meeting_request = selectors.request_for(actor=actor, pk=pk)
    form = DeclineForm(request.POST or None) if action == "decline" else None
    if request.method == "GET":
        if form is None:
            raise Http404
        return _render(
            request, actor, "decline.html", {"form": form, "meeting_request": meeting_request}, section="requests"
        )
    try:
        common = {
            "meeting_request": meeting_request,
            "by_participant": actor.participant,
            "site_url": _site_url(request),
        }
        if action == "accept":
            services.request_accept(**common)
            messages.success(request, _("You accepted the request. The desk will give it a time and a table."))
        elif action == "withdraw":
            services.request_withdraw(**common)
            messages.success(request, _("Your request is withdrawn."))
        else:
            if not form.is_valid():
                return _render(
                    request,
                    actor,
                    "decline.html",
                    {"form": form, "meeting_request": meeting_request},
                    section="requests",
                )
            services.request_decline(**common, reason=form.cleaned_data["reason"])
            messages.success(request, _("You declined the request."))
    except services.MatchmakingError as error:
        messages.error(request, str(error))
    return redirect(actor.url("requests"))


@require_safe
@participant_page
def agenda(request, actor):
    if actor.participant is None:
        raise Http404
    items = selectors.agenda_of(participant=actor.participant)
    return _render(request, actor, "agenda.html", {"items": items}, section="agenda")


@require_safe
@participant_page
def agenda_ics(request, actor):
    if actor.participant is None:
        raise Http404
    body = calendar.agenda_ics(items=selectors.agenda_of(participant=actor.participant), expo=actor.expo)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="b2b-meetings.ics"'
    return response


PAGES = [
    ("", home, "home"),
    ("profile/", profile, "profile"),
    ("leave/", leave, "leave"),
    ("availability/", availability, "availability"),
    ("browse/", browse, "browse"),
    ("ask/", ask, "ask"),
    ("requests/", requests, "requests"),
    ("requests/<int:pk>/<str:action>/", request_decide, "request_decide"),
    ("agenda/", agenda, "agenda"),
    ("agenda.ics", agenda_ics, "agenda_ics"),
]

urlpatterns = [
    *(
        path(f"exhibitor/<int:exhibitor_pk>/matchmaking/{route}", login_required(view), name=f"mm_exhibitor_{name}")
        for route, view, name in PAGES
    ),
    *(path(f"matchmaking/<str:token>/{route}", view, name=f"mm_visitor_{name}") for route, view, name in PAGES),
]
