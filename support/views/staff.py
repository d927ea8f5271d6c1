"""The support desk's staff pages: the queue with its filters and overdue flags, a request for any enterprise,
and each request's page where the desk assigns it, changes its status with a note, records the outcome and keeps
notes.

Every page is a staff page (``expo.staff.staff_page``): the desk's permission and an authenticator. Other staff
roles, exhibitors and the public get a 404, like a page that does not exist.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expo import selectors as core_selectors
from expo.staff import staff_page

from .. import access, selectors, services
from ..forms import AssignForm, NoteForm, OutcomeForm, QueueFilterForm, StaffRequestForm, StatusForm

QUEUE_PAGE_SIZE = 50


def query_without_page(request) -> str:
    """The page's filters as a query string, to keep them on the links to other pages of the list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@staff_page(access.QUEUE_PERMISSION)
def queue(request):
    expo = core_selectors.expo_current_for(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.filters(user=request.user) if request.GET else selectors.QueueFilters()
    requests = selectors.support_queue(expo=expo, filters=filters, today=timezone.localdate())
    page = Paginator(requests, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"expo": expo, "form": form, "page": page, "query": query_without_page(request)}
    return render(request, "support/staff/queue.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_page(access.CREATE_PERMISSION)
def request_new(request):
    expo = core_selectors.expo_current_for(request)
    form = StaffRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = data["enterprise"]
        try:
            support_request = services.support_request_create(
                expo=expo,
                enterprise=enterprise,
                exhibitor=selectors.exhibitor_of_enterprise(enterprise=enterprise, expo=expo),
                kind=data["kind"],
                province=data["province"] or enterprise.province,
                description=data["description"],
                contact_email=data["contact_email"],
                by=request.user,
            )
        except services.SupportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Request #%(number)s is recorded.") % {"number": support_request.pk})
            return redirect(support_request)
    return render(request, "support/staff/request_form.html", {"expo": expo, "form": form})


def _detail(request, support_request, **forms):
    """The request's page with its forms, those given bound to the input they refused."""
    context = {
        "support_request": support_request,
        "history": selectors.history(request=support_request),
        "assign_form": AssignForm(initial={"owner": support_request.owner_id, "team": support_request.team_id}),
        "status_form": StatusForm(initial={"status": support_request.status}),
        "outcome_form": OutcomeForm(initial={"outcome": support_request.outcome}),
        "note_form": NoteForm(),
        **forms,
    }
    return render(request, "support/staff/request.html", context)


@require_safe
@staff_page(access.QUEUE_PERMISSION)
def request_detail(request, pk: int):
    return _detail(request, access.request_for_staff(pk, today=timezone.localdate()))


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


def _act(request, pk: int, form_class, form_name: str, act, done: str, error_field: str | None = None):
    """One of the request page's forms posted: ``act(support_request, cleaned_data)`` applies it and the page says
    ``done``; a form it refuses, or a ``services.SupportError`` (shown on ``error_field``, or above the form), shows
    the page again with that form bound to the input."""
    support_request = access.request_for_staff(pk, today=timezone.localdate())
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(support_request, form.cleaned_data)
        except services.SupportError as error:
            form.add_error(error_field, str(error))
        else:
            messages.success(request, done)
            return redirect(support_request)
    return _detail(request, support_request, **{form_name: form})


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_assign(request, pk: int):
    def assign(support_request, data):
        services.support_request_assign(
            request=support_request,
            owner=data["owner"],
            team=data["team"],
            by=request.user,
            site_url=_site_url(request),
        )

    return _act(request, pk, AssignForm, "assign_form", assign, _("The request is assigned."))


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_status(request, pk: int):
    def set_status(support_request, data):
        services.support_request_status_set(
            request=support_request,
            status=data["status"],
            note=data["note"],
            by=request.user,
            site_url=_site_url(request),
        )

    done = _("The status is changed and the exhibitor is told by email.")
    return _act(request, pk, StatusForm, "status_form", set_status, done, error_field="status")


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_outcome(request, pk: int):
    def record(support_request, data):
        services.support_request_outcome_record(request=support_request, outcome=data["outcome"], by=request.user)

    return _act(request, pk, OutcomeForm, "outcome_form", record, _("The outcome is recorded."))


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_note(request, pk: int):
    def add(support_request, data):
        services.support_note_add(request=support_request, text=data["text"], by=request.user)

    return _act(request, pk, NoteForm, "note_form", add, _("The note is added."))


urlpatterns = [
    path("staff/support/", queue, name="support_queue"),
    path("staff/support/new/", request_new, name="support_staff_new"),
    path("staff/support/<int:pk>/", request_detail, name="support_staff_request"),
    path("staff/support/<int:pk>/assign/", request_assign, name="support_staff_assign"),
    path("staff/support/<int:pk>/status/", request_status, name="support_staff_status"),
    path("staff/support/<int:pk>/outcome/", request_outcome, name="support_staff_outcome"),
    path("staff/support/<int:pk>/note/", request_note, name="support_staff_note"),
]
