"""Session doors: the gate page's session mode checks badges in at a session, online or offline, and staff see who
came to each session.

The scan endpoints follow the gate's (``visitors.views.gate``): JSON in and out, a scan id made by the door's
browser so that an upload sent twice counts once, and offline scans uploaded in batches. Door staff hold
``programme.scan_session_badges`` (the Gate staff role); the attendance pages need ``programme.view_attendance``
(Gate staff, Floor managers). Everyone else gets a 404, and staff without an authenticator are sent to set one up.
"""

import datetime
import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from expo import exports
from visitors.models import Scan

from .. import access, selectors, services
from ..forms import DoorScanForm
from ..models import Attendance

MAX_SYNC_SCANS = 500


def _json_body(request):
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _time(at: datetime.datetime) -> str:
    return timezone.localtime(at).strftime("%H:%M")


def _clean_scan(expo, item):
    """The scan's fields and its session, or an error answer. A scanner types anything: the payload is judged (and
    refused) as a code, never an error."""
    if not isinstance(item, dict):
        return None, {"error": _("A scan must be an object.")}
    form = DoorScanForm({key: item.get(key) for key in ("scan_id", "session", "scanned_at")})
    if not form.is_valid():
        return None, {"error": _("The scan is incomplete."), "fields": form.errors.get_json_data()}
    session = selectors.door_session(expo=expo, pk=form.cleaned_data["session"])
    if session is None:
        return None, {"error": _("Unknown session.")}
    payload = item.get("payload")
    return {**form.cleaned_data, "session": session, "payload": payload if isinstance(payload, str) else ""}, None


def _answer(scan_id, result: services.DoorScan) -> dict:
    """What the door shows for a scan's result: let in (``ok``), with a flag when they have no confirmed RSVP to a
    session that needs one, or refused with the gate's reason."""
    answer = {"scan_id": str(scan_id), "outcome": result.outcome, "ok": False}
    badge, attendance = result.badge, result.attendance
    if badge is not None:
        answer |= {"badge": badge.number, "name": badge.full_name}
    if result.outcome == services.DoorOutcome.WELCOME:
        session = attendance.session
        answer |= {"ok": True, "rsvp": attendance.rsvp, "flagged": attendance.flagged}
        message = _("Welcome, %(name)s — %(session)s") % {"name": badge.full_name, "session": session.display_title}
        if attendance.flagged:
            message += " · " + _("No RSVP: let in, flagged for the organisers")
        answer["message"] = message
    elif result.outcome == services.DoorOutcome.ALREADY:
        # Someone coming back in after a break: let in again, counted once.
        answer |= {"ok": True, "flagged": attendance.flagged}
        answer["message"] = _("%(name)s already checked in at %(time)s") % {
            "name": badge.full_name,
            "time": _time(attendance.scanned_at),
        }
    elif result.outcome == services.DoorOutcome.FULL:
        answer["message"] = _("Room full: no seat left for anyone without a confirmed RSVP")
    else:
        answer["message"] = str(Scan.Outcome(result.outcome).label)
    return answer


def _record(request, scan: dict, *, offline: bool = False) -> tuple[dict, int]:
    try:
        result = services.attendance_record(
            session=scan["session"],
            payload=scan["payload"],
            scan_id=scan["scan_id"],
            scanned_at=scan["scanned_at"],
            offline=offline,
            user=request.user,
        )
    except services.ProgrammeError as error:
        return {"scan_id": str(scan["scan_id"]), "error": str(error)}, 400
    return _answer(scan["scan_id"], result), 200


@login_required
@require_safe
def door_sessions(request):
    """Today's sessions, by room, with what a door needs to judge scans offline as the server does
    (``services.attendance_record``): the seats, the start (until which confirmed places are held), the number of
    confirmed RSVPs, the badge numbers among them and those already checked in. Names are in the gate's day list."""
    expo = access.expo_for_door_staff(request)
    today = timezone.localdate()
    sessions = selectors.door_sessions(expo=expo, day=today)
    response = JsonResponse(
        {
            "expo": expo.pk,
            "day": today.isoformat(),
            "sessions": [
                {
                    "id": session.pk,
                    "label": f"{session.room.display_name} · {_time(session.starts_at)}–{_time(session.ends_at)} · "
                    f"{session.display_title}",
                    "title": session.display_title,
                    "rsvp_required": session.rsvp_required,
                    "seats": session.room.capacity,
                    "starts_at": session.starts_at.isoformat(),
                    "confirmed": session.confirmed_rsvps,
                    "rsvps": session.rsvp_numbers,
                    "present": [{"n": number, "at": _time(at)} for number, at in session.present.items()],
                }
                for session in sessions
            ],
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def door_scan(request):
    expo = access.expo_for_door_staff(request)
    scan, error = _clean_scan(expo, _json_body(request))
    if error:
        return JsonResponse(error, status=400)
    answer, status = _record(request, scan)
    return JsonResponse(answer, status=status)


@require_POST
def door_sync(request):
    """Upload the scans a door let in while offline: each is recorded once, however often it is sent."""
    expo = access.expo_for_door_staff(request)
    body = _json_body(request)
    items = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > MAX_SYNC_SCANS:
        return JsonResponse({"error": _("Send a list of at most %(n)d scans.") % {"n": MAX_SYNC_SCANS}}, status=400)
    results = []
    for item in items:
        scan, error = _clean_scan(expo, item)
        if error:
            results.append({"scan_id": str(item.get("scan_id", "")) if isinstance(item, dict) else "", **error})
            continue
        results.append(_record(request, scan, offline=True)[0])
    return JsonResponse({"results": results})


def _day_chosen(expo, value: str) -> datetime.date:
    """The day asked for when it is one of the edition's; otherwise today during the expo, else its first day."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        day = timezone.localdate()
    return day if day in expo.days else expo.start_date


@login_required
@require_safe
def attendance(request):
    expo = access.expo_for_attendance(request)
    day = _day_chosen(expo, request.GET.get("day", ""))
    sessions = selectors.attendance_day(expo=expo, day=day)
    return render(request, "programme/attendance.html", {"expo": expo, "day": day, "sessions": sessions})


@login_required
@require_safe
def attendance_session(request, pk: int):
    expo = access.expo_for_attendance(request)
    session, present, absent = selectors.session_attendance(expo=expo, pk=pk)
    return render(
        request,
        "programme/attendance_session.html",
        {"expo": expo, "session": session, "present": present, "absent": absent},
    )


@login_required
@require_safe
def attendance_session_export(request, pk: int):
    """Who came to the session and who had a place but did not, as CSV (through ``expo.exports``)."""
    expo = access.expo_for_attendance(request)
    session, present, absent = selectors.session_attendance(expo=expo, pk=pk)
    rsvp_labels = dict(Attendance.RsvpState.choices)
    rows = [[_("Badge"), _("Name"), _("Organisation"), _("Checked in"), _("RSVP"), _("Scanned offline")]]
    rows += [
        [
            attendance.badge.number,
            attendance.badge.full_name,
            attendance.badge.organisation,
            formats.date_format(timezone.localtime(attendance.scanned_at), "SHORT_DATETIME_FORMAT"),
            str(rsvp_labels[attendance.rsvp]),
            _("yes") if attendance.offline else "",
        ]
        for attendance in present
    ]
    rows += [
        [
            getattr(getattr(rsvp.registration, "badge", None), "number", ""),
            rsvp.registration.full_name,
            rsvp.registration.organisation,
            "",
            _("Confirmed RSVP, absent"),
            "",
        ]
        for rsvp in absent
    ]
    return exports.csv_response(rows, filename=f"attendance-session-{session.pk}.csv")


urlpatterns = [
    path("programme/door/sessions/", door_sessions, name="programme_door_sessions"),
    path("programme/door/scan/", door_scan, name="programme_door_scan"),
    path("programme/door/sync/", door_sync, name="programme_door_sync"),
    path("programme/attendance/", attendance, name="programme_attendance"),
    path("programme/attendance/<int:pk>/", attendance_session, name="programme_attendance_session"),
    path("programme/attendance/<int:pk>.csv", attendance_session_export, name="programme_attendance_export"),
]
