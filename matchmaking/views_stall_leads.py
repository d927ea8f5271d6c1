"""The exhibitor's leads: the stall's phone capture (online or queued offline), the list, one lead, the export.

Every page is for the exhibitor's members, signed in; ``lead_access`` finds the exhibitor and its leads and
answers 404 to anyone else. The phone page uploads its queued scans to ``sync`` as JSON, once or many times:
each scan counts once (``stall_leads``).
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expo import exports

from . import lead_access, stall_leads
from .models import LeadEvent
from .stall_forms import LeadInterestForm, StallScanForm

PAGE_SIZE = 30
MAX_SYNC_SCANS = 200


def _render(request, exhibitor, template: str, context: dict):
    return render(request, f"matchmaking/stall/{template}", {"exhibitor": exhibitor, "tab": "leads", **context})


@require_safe
@login_required
def leads(request, exhibitor_pk: int):
    exhibitor, rows = lead_access.leads_for(request.user, exhibitor_pk)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(lead, lead_access.contact_of(lead)) for lead in page.object_list],
        "form": LeadInterestForm(),
    }
    return _render(request, exhibitor, "leads.html", context)


def _scan_error(form: StallScanForm) -> str:
    return "; ".join(f"{form.fields[name].label or name}: {' '.join(errors)}" for name, errors in form.errors.items())


@require_POST
@login_required
def sync(request, exhibitor_pk: int):
    """Upload the scans the phone queued (``{"scans": [...]}``): each answered with its lead or its refusal."""
    exhibitor = lead_access.exhibitor_for(request.user, exhibitor_pk)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    items = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > MAX_SYNC_SCANS:
        return JsonResponse({"error": _("Send a list of at most %(n)d scans.") % {"n": MAX_SYNC_SCANS}}, status=400)
    results = []
    for item in items:
        form = StallScanForm(item if isinstance(item, dict) else {})
        if not form.is_valid():
            scan_id = str(item.get("scan_id", "")) if isinstance(item, dict) else ""
            results.append({"scan_id": scan_id, "ok": False, "message": _scan_error(form)})
            continue
        data = form.cleaned_data
        capture = stall_leads.stall_lead_capture(
            exhibitor=exhibitor,
            code=data["code"],
            scan_id=data["scan_id"],
            by=request.user,
            note=data["note"],
            scanned_at=data["scanned_at"],
            **form.interest(),
        )
        result = {"scan_id": str(capture.scan_id), "ok": capture.ok, "message": capture.message}
        if capture.ok:
            result["url"] = reverse("stall_lead", args=[exhibitor.pk, capture.lead.pk])
        results.append(result)
    return JsonResponse({"results": results})


@require_http_methods(["GET", "POST"])
@login_required
def lead(request, exhibitor_pk: int, pk: int):
    found = lead_access.lead_for(request.user, exhibitor_pk=exhibitor_pk, pk=pk)
    initial = {name: getattr(found, name) for name in stall_leads.INTEREST_FIELDS}
    form = LeadInterestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        stall_leads.stall_lead_update(lead=found, by=request.user, note=form.cleaned_data["note"], **form.interest())
        messages.success(request, _("The lead is saved."))
        return redirect("stall_lead", exhibitor_pk, found.pk)
    context = {
        "lead": found,
        "contact": lead_access.contact_of(found),
        "events": found.events.select_related("by").order_by("-at", "-pk"),
        "form": form,
    }
    return _render(request, found.exhibitor, "lead.html", context)


EXPORT_HEADER = [
    gettext_lazy("Captured"),
    gettext_lazy("Name"),
    gettext_lazy("Organisation"),
    gettext_lazy("Email"),
    gettext_lazy("Phone"),
    gettext_lazy("Source"),
    gettext_lazy("Rating"),
    gettext_lazy("Product of interest"),
    gettext_lazy("Quantity"),
    gettext_lazy("Next step"),
    gettext_lazy("Status"),
    gettext_lazy("Estimated value"),
    gettext_lazy("Currency"),
    gettext_lazy("Notes"),
]


def _export_rows(rows):
    yield [str(title) for title in EXPORT_HEADER]
    for found in rows:
        contact = lead_access.contact_of(found)
        notes = " | ".join(event.note for event in found.events.all())
        yield [
            timezone.localtime(found.created_at).strftime("%Y-%m-%d %H:%M"),
            contact.name,
            contact.organisation,
            contact.email,
            contact.phone,
            found.get_source_display(),
            found.get_rating_display(),
            found.interest_product,
            found.quantity,
            found.get_next_step_display(),
            found.get_status_display(),
            found.value_amount,
            found.value_currency if found.value_amount is not None else "",
            notes,
        ]


@require_safe
@login_required
def export(request, exhibitor_pk: int, kind: str):
    """The exhibitor's leads as CSV or XLSX, through ``expo.exports`` (no cell runs as a formula)."""
    if kind not in ("csv", "xlsx"):
        raise Http404
    _exhibitor, rows = lead_access.leads_for(request.user, exhibitor_pk)
    # The exhibitor's own notes only: the visitor's and SMEDA staff's notes are theirs.
    notes = (
        LeadEvent.objects.filter(kind=LeadEvent.Kind.NOTE, side=LeadEvent.Side.EXHIBITOR)
        .exclude(note="")
        .order_by("at", "pk")
    )
    rows = rows.prefetch_related(Prefetch("events", queryset=notes))
    filename = f"leads-{timezone.localdate():%Y-%m-%d}.{kind}"
    if kind == "csv":
        return exports.csv_response(_export_rows(rows), filename=filename)
    return exports.xlsx_response([(_("Leads"), _export_rows(rows))], filename=filename)


urlpatterns = [
    path("exhibitor/<int:exhibitor_pk>/leads/", leads, name="stall_leads"),
    path("exhibitor/<int:exhibitor_pk>/leads/sync/", sync, name="stall_leads_sync"),
    path("exhibitor/<int:exhibitor_pk>/leads/<int:pk>/", lead, name="stall_lead"),
    path("exhibitor/<int:exhibitor_pk>/leads/export.<str:kind>", export, name="stall_leads_export"),
]
