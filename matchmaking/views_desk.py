"""The matchmaking desk acting for a participant (on the phone, at the desk), and the desk's print-outs of a day.

Acting for a participant goes through the very services the participant's own pages call, with the member of
staff passed as ``by``: a request is recorded as sent by them (``sent_by``), an answer as given by them
(``decided_by``), availability as set by them (``availability_set_by``). The print-outs are the schedule of each
lounge table (a page per table) and the lounge's day sheet (every meeting of the day by slot and table).

Every page is a staff page (``expo.staff.staff_page``): the permission it needs, and the staff MFA. Anyone
else gets a 404, like for a page that does not exist.
"""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from expo.selectors import expo_current
from expo.staff import staff_page

from . import desk_selectors, selectors, services
from .forms import AvailabilityForm, DeclineForm, RequestForm
from .models import Participant

# Acting for a participant needs the desk's right to change requests; printing needs the right to see meetings.
ACT = "matchmaking.change_meetingrequest"
PRINT = "matchmaking.view_meeting"


def _expo():
    expo = expo_current()
    if expo is None:
        raise Http404
    return expo


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


def _actor(participant: Participant) -> selectors.Actor:
    """The participant as the selectors see an actor, for the lists of whom they may ask."""
    return selectors.Actor(
        expo=participant.expo,
        exhibitor=participant.exhibitor,
        registration=participant.registration,
        participant=participant,
    )


# --- Acting for a participant ----------------------------------------------------------------------------


@require_safe
@staff_page(ACT)
def participants(request):
    expo = _expo()
    query = request.GET.get("q", "")
    found = desk_selectors.participant_search(expo=expo, query=query) if query.strip() else []
    return render(request, "matchmaking/desk/participants.html", {"expo": expo, "query": query, "found": found})


@require_safe
@staff_page(ACT)
def participant(request, pk: int):
    participant = desk_selectors.desk_participant(expo=_expo(), pk=pk)
    rows = [
        {
            "request": meeting_request,
            "sent": meeting_request.sender_id == participant.pk,
            "other": meeting_request.receiver
            if meeting_request.sender_id == participant.pk
            else meeting_request.sender,
        }
        for meeting_request in selectors.requests_of(participant=participant).select_related("sent_by", "decided_by")
    ]
    context = {
        "participant": participant,
        "rows": rows,
        "sent_count": selectors.sent_count(participant=participant),
        "cap": selectors.settings_for(participant.expo).request_cap,
    }
    return render(request, "matchmaking/desk/participant.html", context)


def _target(request, participant: Participant) -> tuple[int | None, int | None, str]:
    """Whom the desk asks for, from the query string: ``(exhibitor_id, participant_id, name)``, or all None."""
    raw_exhibitor, raw_participant = request.GET.get("exhibitor", ""), request.GET.get("participant", "")
    actor = _actor(participant)
    if raw_exhibitor.isdigit():
        exhibitor = selectors.exhibitors_to_meet(actor=actor).filter(pk=int(raw_exhibitor)).first()
        if exhibitor is None:
            raise Http404
        return exhibitor.pk, None, exhibitor.name
    if raw_participant.isdigit() and participant.is_exhibitor:
        other = selectors.visitors_to_meet(actor=actor).filter(pk=int(raw_participant)).first()
        if other is None:
            raise Http404
        return None, other.pk, other.organisation
    return None, None, ""


@require_http_methods(["GET", "POST"])
@staff_page(ACT)
def ask(request, pk: int):
    participant = desk_selectors.desk_participant(expo=_expo(), pk=pk)
    exhibitor_id, participant_id, name = _target(request, participant)
    if exhibitor_id is None and participant_id is None:
        if request.method == "POST":
            raise Http404
        query = request.GET.get("q", "").strip()
        actor = _actor(participant)
        exhibitors = visitors = []
        if query:
            exhibitors = selectors.exhibitors_to_meet(actor=actor).filter(name__icontains=query)[:20]
            if participant.is_exhibitor:
                visitors = selectors.visitors_to_meet(actor=actor).filter(organisation__icontains=query)[:20]
        context = {"participant": participant, "query": query, "exhibitors": exhibitors, "visitors": visitors}
        return render(request, "matchmaking/desk/ask_whom.html", context)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_send(
                sender=participant,
                exhibitor_id=exhibitor_id,
                participant_id=participant_id,
                message=form.cleaned_data["message"],
                priority=form.cleaned_data["priority"],
                at_stall=form.cleaned_data["at_stall"],
                by=request.user,
                site_url=_site_url(request),
            )
        except services.MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The request is sent for %(name)s.") % {"name": participant.organisation})
            return redirect("mm_desk_participant", participant.pk)
    context = {"participant": participant, "form": form, "name": name}
    return render(request, "matchmaking/desk/ask.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(ACT)
def request_decide(request, pk: int, request_pk: int, action: str):
    if action not in ("accept", "decline", "withdraw"):
        raise Http404
    participant = desk_selectors.desk_participant(expo=_expo(), pk=pk)
    meeting_request = selectors.requests_of(participant=participant).filter(pk=request_pk).first()
    if meeting_request is None:
        raise Http404
    form = DeclineForm(request.POST or None) if action == "decline" else None
    context = {"participant": participant, "form": form, "meeting_request": meeting_request}
    if request.method == "GET":
        if form is None:
            raise Http404
        return render(request, "matchmaking/desk/decline.html", context)
    common = {
        "meeting_request": meeting_request,
        "by_participant": participant,
        "by": request.user,
        "site_url": _site_url(request),
    }
    try:
        if action == "accept":
            services.request_accept(**common)
            messages.success(request, _("The request is accepted for %(name)s.") % {"name": participant})
        elif action == "withdraw":
            services.request_withdraw(**common)
            messages.success(request, _("The request is withdrawn for %(name)s.") % {"name": participant})
        else:
            if not form.is_valid():
                return render(request, "matchmaking/desk/decline.html", context)
            services.request_decline(**common, reason=form.cleaned_data["reason"])
            messages.success(request, _("The request is declined for %(name)s.") % {"name": participant})
    except services.MatchmakingError as error:
        messages.error(request, str(error))
    return redirect("mm_desk_participant", participant.pk)


@require_http_methods(["GET", "POST"])
@staff_page(ACT)
def availability(request, pk: int):
    participant = desk_selectors.desk_participant(expo=_expo(), pk=pk)
    offered = selectors.default_slots(expo=participant.expo, registration=participant.registration)
    form = AvailabilityForm(
        request.POST or None,
        offered=offered,
        initial={"slots": sorted(selectors.available_slot_ids(participant=participant))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set(
                participant=participant, available_slot_ids=form.cleaned_data["slots"], by=request.user
            )
        except services.MatchmakingError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("The availability of %(name)s is saved.") % {"name": participant})
            return redirect("mm_desk_participant", participant.pk)
    context = {"participant": participant, "form": form, "offered": offered}
    return render(request, "matchmaking/desk/availability.html", context)


# --- Print-outs ----------------------------------------------------------------------------------------------


def _day(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as error:
        raise Http404 from error


@require_safe
@staff_page(PRINT)
def print_index(request):
    expo = _expo()
    return render(
        request, "matchmaking/desk/print_index.html", {"expo": expo, "days": desk_selectors.meeting_days(expo=expo)}
    )


@require_safe
@staff_page(PRINT)
def print_tables(request, day: str):
    expo = _expo()
    schedule = desk_selectors.day_schedule(expo=expo, day=_day(day))
    context = {"expo": expo, "day": schedule.day, "sheets": desk_selectors.table_sheets(schedule)}
    return render(request, "matchmaking/desk/print_tables.html", context)


@require_safe
@staff_page(PRINT)
def print_day(request, day: str):
    expo = _expo()
    schedule = desk_selectors.day_schedule(expo=expo, day=_day(day))
    context = {"expo": expo, "day": schedule.day, "rows": desk_selectors.slot_sheet(schedule)}
    return render(request, "matchmaking/desk/print_day.html", context)


urlpatterns = [
    path("staff/matchmaking/participants/", participants, name="mm_desk_participants"),
    path("staff/matchmaking/participants/<int:pk>/", participant, name="mm_desk_participant"),
    path("staff/matchmaking/participants/<int:pk>/ask/", ask, name="mm_desk_ask"),
    path("staff/matchmaking/participants/<int:pk>/availability/", availability, name="mm_desk_availability"),
    path(
        "staff/matchmaking/participants/<int:pk>/requests/<int:request_pk>/<str:action>/",
        request_decide,
        name="mm_desk_request_decide",
    ),
    path("staff/matchmaking/print/", print_index, name="mm_desk_print"),
    path("staff/matchmaking/print/<str:day>/tables/", print_tables, name="mm_desk_print_tables"),
    path("staff/matchmaking/print/<str:day>/day/", print_day, name="mm_desk_print_day"),
]
