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


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_assign(request, pk: int):
    support_request = access.request_for_staff(pk, today=timezone.localdate())
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _detail(request, support_request, assign_form=form)
    try:
        services.support_request_assign(
            request=support_request,
            owner=form.cleaned_data["owner"],
            team=form.cleaned_data["team"],
            by=request.user,
            site_url=_site_url(request),
        )
    except services.SupportError as error:
        form.add_error(None, str(error))
        return _detail(request, support_request, assign_form=form)
    messages.success(request, _("The request is assigned."))
    return redirect(support_request)


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_status(request, pk: int):
    support_request = access.request_for_staff(pk, today=timezone.localdate())
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, support_request, status_form=form)
    try:
        services.support_request_status_set(
            request=support_request,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            by=request.user,
            site_url=_site_url(request),
        )
    except services.SupportError as error:
        form.add_error("status", str(error))
        return _detail(request, support_request, status_form=form)
    messages.success(request, _("The status is changed and the exhibitor is told by email."))
    return redirect(support_request)


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_outcome(request, pk: int):
    support_request = access.request_for_staff(pk, today=timezone.localdate())
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _detail(request, support_request, outcome_form=form)
    services.support_request_outcome_record(
        request=support_request, outcome=form.cleaned_data["outcome"], by=request.user
    )
    messages.success(request, _("The outcome is recorded."))
    return redirect(support_request)


@require_POST
@staff_page(access.QUEUE_PERMISSION)
def request_note(request, pk: int):
    support_request = access.request_for_staff(pk, today=timezone.localdate())
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, support_request, note_form=form)
    services.support_note_add(request=support_request, text=form.cleaned_data["text"], by=request.user)
    messages.success(request, _("The note is added."))
    return redirect(support_request)


urlpatterns = [
    path("staff/support/", queue, name="support_queue"),
    path("staff/support/new/", request_new, name="support_staff_new"),
    path("staff/support/<int:pk>/", request_detail, name="support_staff_request"),
    path("staff/support/<int:pk>/assign/", request_assign, name="support_staff_assign"),
    path("staff/support/<int:pk>/status/", request_status, name="support_staff_status"),
    path("staff/support/<int:pk>/outcome/", request_outcome, name="support_staff_outcome"),
    path("staff/support/<int:pk>/note/", request_note, name="support_staff_note"),
]
