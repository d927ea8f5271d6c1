"""The staff follow-up desk: the expo's leads and support requests, filtered from the URL, summarised by stage,
acted on in bulk and exported as CSV or XLSX through ``expo.exports``.

Every page needs the follow-up desk's permission and an authenticator (``expo.staff.staff_page``). Acting on
support requests in bulk needs the support desk's permission too; without it the action is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from expo import exports
from expo import selectors as core_selectors
from expo.staff import staff_access, staff_page
from matchmaking.models import Lead

from .. import access, followup_desk, services
from ..forms import DeskFilterForm, LeadBulkForm, RequestBulkForm
from ..models import SupportRequest
from .staff import query_without_page

DESK_PAGE_SIZE = 100
EXTENSIONS = ("csv", "xlsx")


def _lead_filter_form(request) -> DeskFilterForm:
    return DeskFilterForm(request.GET or None, stages=Lead.Status.choices, with_value=True)


def _request_filter_form(request) -> DeskFilterForm:
    return DeskFilterForm(request.GET or None, stages=SupportRequest.Status.choices, with_value=False)


def _page_context(request, form: DeskFilterForm, rows, now) -> dict:
    return {
        "expo": core_selectors.expo_current_for(request),
        "form": form,
        "page": Paginator(rows, DESK_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "now": now,
    }


def _leads(request, form: DeskFilterForm, now):
    filters = form.filters()
    if filters is None:
        return Lead.objects.none()
    return followup_desk.desk_leads(expo=core_selectors.expo_current_for(request), filters=filters, now=now)


def _requests(request, form: DeskFilterForm, now):
    filters = form.filters()
    if filters is None:
        return SupportRequest.objects.none()
    return followup_desk.desk_requests(expo=core_selectors.expo_current_for(request), filters=filters, now=now)


@require_safe
@staff_page(access.FOLLOWUP_PERMISSION)
def leads(request):
    return _leads_page(request, bulk_form=None)


def _leads_page(request, *, bulk_form: LeadBulkForm | None):
    now = timezone.now()
    form = _lead_filter_form(request)
    rows = _leads(request, form, now)
    context = _page_context(request, form, rows, now)
    context |= {
        "summary": followup_desk.lead_summary(rows),
        "bulk_form": bulk_form or LeadBulkForm(expo=context["expo"]),
        "tab": "leads",
    }
    return render(request, "support/followup/leads.html", context)


@require_safe
@staff_page(access.FOLLOWUP_PERMISSION)
def requests(request):
    return _requests_page(request, bulk_form=None)


def _requests_page(request, *, bulk_form: RequestBulkForm | None):
    now = timezone.now()
    form = _request_filter_form(request)
    rows = _requests(request, form, now)
    context = _page_context(request, form, rows, now)
    context |= {
        "summary": followup_desk.request_summary(rows),
        "bulk_form": bulk_form or RequestBulkForm(expo=context["expo"]),
        "may_act": request.user.has_perm(access.QUEUE_PERMISSION),
        "tab": "requests",
    }
    return render(request, "support/followup/requests.html", context)


def _back(request, name: str) -> HttpResponseRedirect:
    """Back to the desk's list with the filters it was showing: the bulk form posts to a URL that keeps them."""
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse(name) + (f"?{query}" if query else ""))


@require_POST
@staff_page(access.FOLLOWUP_PERMISSION)
def leads_bulk(request):
    expo = core_selectors.expo_current_for(request)
    form = LeadBulkForm(request.POST, expo=expo)
    if not form.is_valid():
        return _leads_page(request, bulk_form=form)
    chosen, note = form.cleaned_data["leads"], form.cleaned_data["note"]
    if form.cleaned_data["action"] == LeadBulkForm.MARK_LOST:
        count = followup_desk.leads_mark_lost(leads=chosen, note=note, by=request.user)
        messages.success(request, _("%(count)s leads marked lost.") % {"count": count})
    else:
        count = followup_desk.leads_note_add(leads=chosen, note=note, by=request.user)
        messages.success(request, _("A note is added to %(count)s leads.") % {"count": count})
    return _back(request, "followup_leads")


@require_POST
@staff_page(access.FOLLOWUP_PERMISSION)
def requests_bulk(request):
    staff_access(request.user, access.QUEUE_PERMISSION)
    expo = core_selectors.expo_current_for(request)
    form = RequestBulkForm(request.POST, expo=expo)
    if not form.is_valid():
        return _requests_page(request, bulk_form=form)
    data, site_url = form.cleaned_data, request.build_absolute_uri("/")
    if data["action"] == RequestBulkForm.ASSIGN:
        count = services.support_requests_assign(
            requests=data["requests"], owner=data["owner"], team=data["team"], by=request.user, site_url=site_url
        )
        messages.success(request, _("%(count)s requests assigned.") % {"count": count})
    else:
        count = services.support_requests_close(
            requests=data["requests"], note=data["note"], by=request.user, site_url=site_url
        )
        messages.success(request, _("%(count)s requests closed.") % {"count": count})
    return _back(request, "followup_requests")


def _export(rows, *, extension: str, name: str):
    if extension not in EXTENSIONS:
        raise Http404
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.{extension}"
    if extension == "csv":
        return exports.csv_response(rows, filename=filename)
    return exports.xlsx_response([(name, rows)], filename=filename)


@require_safe
@staff_page(access.FOLLOWUP_PERMISSION)
def leads_export(request, extension: str):
    now = timezone.now()
    rows = _leads(request, _lead_filter_form(request), now)
    return _export(followup_desk.lead_rows(rows, now=now), extension=extension, name="leads")


@require_safe
@staff_page(access.FOLLOWUP_PERMISSION)
def requests_export(request, extension: str):
    now = timezone.now()
    rows = _requests(request, _request_filter_form(request), now)
    return _export(followup_desk.request_rows(rows, now=now), extension=extension, name="support-requests")


urlpatterns = [
    path("staff/follow-up/", leads, name="followup_leads"),
    path("staff/follow-up/leads/bulk/", leads_bulk, name="followup_leads_bulk"),
    path("staff/follow-up/leads/export.<str:extension>", leads_export, name="followup_leads_export"),
    path("staff/follow-up/requests/", requests, name="followup_requests"),
    path("staff/follow-up/requests/bulk/", requests_bulk, name="followup_requests_bulk"),
    path("staff/follow-up/requests/export.<str:extension>", requests_export, name="followup_requests_export"),
]
