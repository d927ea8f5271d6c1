"""The matchmaking desk's pages: scheduler runs (start, progress, preview, publish, discard) and meetings by hand.

Every page is a staff page (``expo.staff.staff_page``): the permission it needs, and the staff MFA. Anyone
else gets a 404, like for a page that does not exist.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expo.selectors import expo_current
from expo.staff import staff_page

from . import scheduler, selectors, services, slots
from .forms import HandMeetingForm, SlotGenerateForm, SwapForm, slot_label
from .models import Meeting, MeetingRequest, SchedulerRun, Slot, Table

RUN = "matchmaking.run_scheduler"
MEETINGS = "matchmaking.change_meeting"
SLOTS = "matchmaking.add_slot"


def _expo():
    expo = expo_current()
    if expo is None:
        raise Http404
    return expo


@require_safe
@staff_page(RUN)
def runs(request):
    expo = _expo()
    context = {
        "expo": expo,
        "runs": selectors.scheduler_runs(expo=expo)[:20],
        "accepted": MeetingRequest.objects.filter(expo=expo, status=MeetingRequest.Status.ACCEPTED).count(),
        "scheduled": Meeting.objects.filter(expo=expo, state=Meeting.State.SCHEDULED).count(),
    }
    return render(request, "matchmaking/staff/runs.html", context)


@require_POST
@staff_page(RUN)
def run_start(request):
    try:
        run = services.scheduler_run_start(
            expo=_expo(), by=request.user, move_published=request.POST.get("move_published") == "on"
        )
    except services.MatchmakingError as error:
        messages.error(request, str(error))
        return redirect("mm_staff_runs")
    return redirect("mm_staff_run", run.pk)


def _unscheduled_rows(run: SchedulerRun) -> list[dict]:
    rows = []
    for item in run.result.get("unscheduled", []):
        reason = scheduler.Reason(item["code"], item["params"])
        rows.append({**item, "reason": reason.describe(_)})
    return rows


def _moved_rows(run: SchedulerRun) -> list[dict]:
    """Who a run moves, from where to where, with the slots and tables read in one query each."""
    moved = run.result.get("moved", [])
    slot_ids = {m[key] for m in moved for key in ("from_slot", "slot")}
    table_ids = {m[key] for m in moved for key in ("from_table", "table")} - {None}
    slot_of = Slot.objects.in_bulk(slot_ids)
    table_of = Table.objects.in_bulk(table_ids)

    def place(slot_id, table_id) -> str:
        slot = slot_of.get(slot_id)
        where = str(table_of[table_id]) if table_id in table_of else _("At the stall")
        return f"{slot_label(slot) if slot else '—'}, {where}"

    return [
        {**m, "before": place(m["from_slot"], m["from_table"]), "after": place(m["slot"], m["table"])} for m in moved
    ]


@require_safe
@staff_page(RUN)
def run_detail(request, pk: int):
    run = selectors.scheduler_run_for(expo=_expo(), pk=pk)
    result = run.result
    context = {
        "run": run,
        "new_count": sum(1 for m in result.get("meetings", []) if m["new"]),
        "meeting_count": len(result.get("meetings", [])),
        "ratio": (run.value / run.bound * 100) if run.bound else None,
        "unscheduled": _unscheduled_rows(run),
        "moved": _moved_rows(run),
        "load": result.get("load", []),
    }
    return render(request, "matchmaking/staff/run.html", context)


@require_safe
@staff_page(RUN)
def run_progress(request, pk: int):
    """The progress bar, polled by htmx until the preview is ready (then the page reloads)."""
    run = selectors.scheduler_run_for(expo=_expo(), pk=pk)
    response = render(request, "matchmaking/staff/includes/progress.html", {"run": run})
    if run.status not in {SchedulerRun.Status.QUEUED, SchedulerRun.Status.RUNNING}:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@staff_page(RUN)
def run_decide(request, pk: int, action: str):
    run = selectors.scheduler_run_for(expo=_expo(), pk=pk)
    try:
        if action == "publish":
            count = services.scheduler_run_publish(run=run, by=request.user, site_url=request.build_absolute_uri("/"))
            messages.success(request, _("Published: %(count)s new meetings.") % {"count": count})
            if run.result.get("moved"):
                messages.success(
                    request,
                    _("%(count)s published meetings moved; both sides of each are emailed.")
                    % {"count": len(run.result["moved"])},
                )
        elif action == "discard":
            services.scheduler_run_discard(run=run, by=request.user)
            messages.success(request, _("The run is discarded; nothing changed."))
        else:
            raise Http404
    except services.MatchmakingError as error:
        messages.error(request, str(error))
    return redirect("mm_staff_run", run.pk)


@require_safe
@staff_page(MEETINGS)
def meetings(request):
    expo = _expo()
    context = {
        "expo": expo,
        "meetings": selectors.meetings_of_expo(expo=expo),
        "waiting": selectors.accepted_unscheduled(expo=expo),
    }
    return render(request, "matchmaking/staff/meetings.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(MEETINGS)
def meeting_book(request, pk: int):
    expo = _expo()
    meeting_request = selectors.accepted_unscheduled(expo=expo).filter(pk=pk).first()
    if meeting_request is None:
        raise Http404
    form = HandMeetingForm(request.POST or None, expo=expo)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_book(
                meeting_request=meeting_request,
                slot=form.cleaned_data["slot"],
                table=form.cleaned_data["table"],
                by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except services.MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The meeting is booked."))
            return redirect("mm_staff_meetings")
    context = {"form": form, "meeting_request": meeting_request}
    return render(request, "matchmaking/staff/meeting_form.html", context)


@require_http_methods(["GET", "POST"])
@staff_page(MEETINGS)
def meeting_move(request, pk: int):
    expo = _expo()
    meeting = selectors.meetings_of_expo(expo=expo).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    form = HandMeetingForm(
        request.POST or None, expo=expo, initial={"slot": meeting.slot_id, "table": meeting.table_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_move(
                meeting=meeting,
                slot=form.cleaned_data["slot"],
                table=form.cleaned_data["table"],
                by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except services.MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The meeting is moved."))
            return redirect("mm_staff_meetings")
    context = {"form": form, "meeting_request": meeting.request}
    return render(request, "matchmaking/staff/meeting_form.html", context)


@require_POST
@staff_page(MEETINGS)
def meeting_cancel(request, pk: int):
    meeting = selectors.meetings_of_expo(expo=_expo()).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    services.meeting_cancel(meeting=meeting, by=request.user, site_url=request.build_absolute_uri("/"))
    messages.success(request, _("The meeting is cancelled; the request stays accepted."))
    return redirect("mm_staff_meetings")


@require_http_methods(["GET", "POST"])
@staff_page(MEETINGS)
def meeting_swap(request, pk: int):
    expo = _expo()
    scheduled = selectors.meetings_of_expo(expo=expo)
    meeting = scheduled.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    form = SwapForm(request.POST or None, meetings=scheduled.exclude(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_swap(
                first=meeting,
                second=form.cleaned_data["other"],
                by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except services.MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The two meetings are swapped; their four participants are emailed."))
            return redirect("mm_staff_meetings")
    return render(request, "matchmaking/staff/meeting_swap.html", {"form": form, "meeting": meeting})


@require_http_methods(["GET", "POST"])
@staff_page(SLOTS)
def slot_generate(request):
    """The meeting days, windows and breaks (edited in the admin) and the slot length; "generate" makes the slots."""
    expo = _expo()
    form = SlotGenerateForm(request.POST or None, initial={"slot_minutes": selectors.settings_for(expo).slot_minutes})
    conflicts = []
    if request.method == "POST" and form.is_valid():
        try:
            changes = slots.slots_generate(expo=expo, slot_minutes=form.cleaned_data["slot_minutes"])
        except slots.SlotConflictError as error:
            form.add_error(None, str(error))
            conflicts = error.conflicts
        except services.MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request,
                _("Slots generated: %(created)s new, %(kept)s kept, %(removed)s removed, %(retired)s retired.")
                % {
                    "created": changes.created,
                    "kept": changes.kept,
                    "removed": changes.removed,
                    "retired": changes.retired,
                },
            )
            return redirect("mm_staff_slots")
    context = {"expo": expo, "form": form, "conflicts": conflicts, **slots.slots_overview(expo=expo)}
    return render(request, "matchmaking/staff/slots.html", context)


urlpatterns = [
    path("staff/matchmaking/slots/", slot_generate, name="mm_staff_slots"),
    path("staff/matchmaking/", runs, name="mm_staff_runs"),
    path("staff/matchmaking/runs/start/", run_start, name="mm_staff_run_start"),
    path("staff/matchmaking/runs/<int:pk>/", run_detail, name="mm_staff_run"),
    path("staff/matchmaking/runs/<int:pk>/progress/", run_progress, name="mm_staff_run_progress"),
    path("staff/matchmaking/runs/<int:pk>/<str:action>/", run_decide, name="mm_staff_run_decide"),
    path("staff/matchmaking/meetings/", meetings, name="mm_staff_meetings"),
    path("staff/matchmaking/requests/<int:pk>/book/", meeting_book, name="mm_staff_meeting_book"),
    path("staff/matchmaking/meetings/<int:pk>/move/", meeting_move, name="mm_staff_meeting_move"),
    path("staff/matchmaking/meetings/<int:pk>/cancel/", meeting_cancel, name="mm_staff_meeting_cancel"),
    path("staff/matchmaking/meetings/<int:pk>/swap/", meeting_swap, name="mm_staff_meeting_swap"),
]
