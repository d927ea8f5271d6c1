"""Meetings held: each side's agenda (scan the other's badge, confirm, report a no-show) and the lounge desk's
page (scan badges at the tables, the tally of held and missed meetings per day and per table).

The agenda's actions exist for the exhibitor's members (signed in) and the visitor's signed link, through
``views.participant_page`` like every participant page. The desk's page is a staff page
(``expo.staff.staff_page``): reading needs the right to see attendance, scanning the right to record it.
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from expo.selectors import expo_current
from expo.staff import staff_page

from . import attendance, attendance_selectors
from .forms import BadgeCodeForm
from .services import MatchmakingError
from .views import participant_page

VIEW = "matchmaking.view_meetingattendance"
RECORD = "matchmaking.add_meetingattendance"


def _user(request):
    return request.user if request.user.is_authenticated else None


def _back_to_agenda(actor):
    return redirect(actor.url("agenda"))


# --- A side's agenda -----------------------------------------------------------------------------------------


@require_POST
@participant_page
def scan(request, actor, pk: int):
    if actor.participant is None:
        raise Http404
    meeting = attendance_selectors.participant_meeting(participant=actor.participant, pk=pk)
    form = BadgeCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scan a badge or type its number."))
        return _back_to_agenda(actor)
    try:
        result = attendance.attendance_scan(
            meeting=meeting, code=form.cleaned_data["code"], by=_user(request), scanner=actor.participant
        )
    except MatchmakingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, result.message)
    return _back_to_agenda(actor)


@require_POST
@participant_page
def confirm(request, actor, pk: int):
    if actor.participant is None:
        raise Http404
    meeting = attendance_selectors.participant_meeting(participant=actor.participant, pk=pk)
    try:
        held = attendance.attendance_confirm(meeting=meeting, participant=actor.participant, by=_user(request))
    except MatchmakingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Both sides confirmed: the meeting is held.") if held else _("Thank you: waiting for the other side."),
        )
    return _back_to_agenda(actor)


@require_POST
@participant_page
def no_show(request, actor, pk: int):
    if actor.participant is None:
        raise Http404
    meeting = attendance_selectors.participant_meeting(participant=actor.participant, pk=pk)
    try:
        attendance.no_show_report(meeting=meeting, reporter=actor.participant, by=_user(request))
    except MatchmakingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The no-show is recorded."))
    return _back_to_agenda(actor)


# --- The lounge desk -----------------------------------------------------------------------------------------


def _expo():
    expo = expo_current()
    if expo is None:
        raise Http404
    return expo


def _chosen_day(raw: str, days: list[datetime.date]) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        day = timezone.localdate()
    if day in days:
        return day
    return days[0] if days else None


@require_safe
@staff_page(VIEW)
def desk(request):
    expo = _expo()
    tallies = attendance_selectors.attendance_by_day(expo=expo, stall_label=_("At the stall"))
    days = [row.day for row in tallies]
    day = _chosen_day(request.GET.get("day", ""), days)
    context = {
        "expo": expo,
        "tallies": tallies,
        "day": day,
        "meetings": attendance_selectors.day_meetings(expo=expo, day=day) if day else [],
        "form": BadgeCodeForm(),
        "can_record": request.user.has_perm(RECORD),
    }
    return render(request, "matchmaking/desk/attendance.html", context)


@require_POST
@staff_page(RECORD)
def desk_scan(request, pk: int):
    meeting = attendance_selectors.desk_meeting(expo=_expo(), pk=pk)
    form = BadgeCodeForm(request.POST)
    if form.is_valid():
        try:
            result = attendance.attendance_scan(meeting=meeting, code=form.cleaned_data["code"], by=request.user)
        except MatchmakingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, result.message)
    else:
        messages.error(request, _("Scan a badge or type its number."))
    return _back_to_desk(meeting)


def _back_to_desk(meeting):
    day = meeting.slot.start.astimezone(ZoneInfo(meeting.expo.time_zone)).date()
    return redirect(f"{reverse('mm_desk_attendance')}?day={day.isoformat()}#meeting-{meeting.pk}")


@require_POST
@staff_page(RECORD)
def desk_seen(request, pk: int, participant_pk: int):
    """The desk records a side as there without its badge (a delegate without one, a badge left behind)."""
    meeting = attendance_selectors.desk_meeting(expo=_expo(), pk=pk)
    side = next(
        (side for side in (meeting.request.sender, meeting.request.receiver) if side.pk == participant_pk), None
    )
    if side is None:
        raise Http404
    held = attendance.attendance_record_by_desk(meeting=meeting, participant=side, by=request.user)
    messages.success(
        request,
        _("Both sides are here: the meeting is held.") if held else _("%(side)s is recorded as here.") % {"side": side},
    )
    return _back_to_desk(meeting)


PAGES = [
    ("agenda/<int:pk>/scan/", scan, "meeting_scan"),
    ("agenda/<int:pk>/confirm/", confirm, "meeting_confirm"),
    ("agenda/<int:pk>/no-show/", no_show, "meeting_no_show"),
]

urlpatterns = [
    *(
        path(f"exhibitor/<int:exhibitor_pk>/matchmaking/{route}", login_required(view), name=f"mm_exhibitor_{name}")
        for route, view, name in PAGES
    ),
    *(path(f"matchmaking/<str:token>/{route}", view, name=f"mm_visitor_{name}") for route, view, name in PAGES),
    path("staff/matchmaking/attendance/", desk, name="mm_desk_attendance"),
    path("staff/matchmaking/attendance/<int:pk>/scan/", desk_scan, name="mm_desk_attendance_scan"),
    path("staff/matchmaking/attendance/<int:pk>/seen/<int:participant_pk>/", desk_seen, name="mm_desk_attendance_seen"),
]
