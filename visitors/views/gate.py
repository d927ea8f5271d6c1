"""The gate: a page for gate staff, the scan and offline-sync endpoints, and the day's list for offline use.

Only holders of ``visitors.scan_badges`` (the Gate staff role, superusers) may open any of them; everyone else
gets a 404.
Answers are JSON. Nothing secret is sent: the day list carries the public key, badge numbers,
versions and names.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import access, selectors, services
from ..forms import ScanForm
from ..models import Gate

MAX_SYNC_SCANS = 500


def _json_body(request):
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _payload(value) -> str:
    # A scanner types anything; whatever arrives is judged (and refused) as a code, never an error.
    return value if isinstance(value, str) else ""


def _gates(expo) -> dict[int, Gate]:
    """The expo's gates by id, read once a request: a scan naming another expo's gate finds none."""
    return {gate.pk: gate for gate in selectors.gates(expo)}


def _clean_scan(gates: dict[int, Gate], item):
    if not isinstance(item, dict):
        return None, {"error": _("A scan must be an object.")}
    form = ScanForm({key: item.get(key) for key in ("scan_id", "gate", "scanned_at")})
    if not form.is_valid():
        return None, {"error": _("The scan is incomplete."), "fields": form.errors.get_json_data()}
    gate = gates.get(form.cleaned_data["gate"])
    if gate is None:
        return None, {"error": _("Unknown gate.")}
    return {
        "payload": _payload(item.get("payload")),
        "scan_id": form.cleaned_data["scan_id"],
        "scanned_at": form.cleaned_data["scanned_at"],
        "gate": gate,
    }, None


@login_required
@require_safe
def gate_page(request):
    expo = access.expo_for_gate_staff(request)
    return render(request, "visitors/gate.html", {"expo": expo, "gates": selectors.gates(expo)})


@login_required
@require_safe
def gate_day_list(request):
    expo = access.expo_for_gate_staff(request)
    today = timezone.localdate()
    response = JsonResponse(selectors.day_list(expo=expo, day=today))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def gate_scan(request):
    expo = access.expo_for_gate_staff(request)
    scan, error = _clean_scan(_gates(expo), _json_body(request))
    if error:
        return JsonResponse(error, status=400)
    result = services.scan_record(
        gate=scan["gate"],
        payload=scan["payload"],
        scan_id=scan["scan_id"],
        scanned_at=scan["scanned_at"],
        user=request.user,
    )
    return JsonResponse(result)


@require_POST
def gate_sync(request):
    """Upload the scans a gate queued offline: each is recorded once, however often it is sent."""
    expo = access.expo_for_gate_staff(request)
    body = _json_body(request)
    items = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > MAX_SYNC_SCANS:
        return JsonResponse({"error": _("Send a list of at most %(n)d scans.") % {"n": MAX_SYNC_SCANS}}, status=400)
    gates = _gates(expo)
    results = []
    for item in items:
        scan, error = _clean_scan(gates, item)
        if error:
            results.append({"scan_id": str(item.get("scan_id", "")) if isinstance(item, dict) else "", **error})
            continue
        results.append(
            services.scan_record(
                gate=scan["gate"],
                payload=scan["payload"],
                scan_id=scan["scan_id"],
                scanned_at=scan["scanned_at"],
                offline=True,
                user=request.user,
            )
        )
    return JsonResponse({"results": results})


urlpatterns = [
    path("gate/", gate_page, name="gate"),
    path("gate/day-list/", gate_day_list, name="gate_day_list"),
    path("gate/scan/", gate_scan, name="gate_scan"),
    path("gate/sync/", gate_sync, name="gate_sync"),
]
