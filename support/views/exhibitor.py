"""The exhibitor's support tab: its requests and their status, and a form to ask for support.

Every view starts from ``access.exhibitor_for_member``: a person who is not a member of the exhibitor gets a 404,
and a request is loaded through the exhibitor, so another exhibitor's request is a 404 too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import access, selectors, services
from ..forms import ExhibitorRequestForm


@require_safe
@login_required
def exhibitor_requests(request, pk: int):
    exhibitor = access.exhibitor_for_member(request.user, pk)
    requests = selectors.requests_of_exhibitor(exhibitor=exhibitor, today=timezone.localdate())
    context = {"exhibitor": exhibitor, "requests": requests, "tab": "support"}
    return render(request, "support/exhibitor/requests.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def exhibitor_request_new(request, pk: int):
    exhibitor = access.exhibitor_for_member(request.user, pk)
    form = ExhibitorRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            support_request = services.support_request_create(
                expo=exhibitor.expo,
                enterprise=exhibitor.enterprise,
                exhibitor=exhibitor,
                kind=form.cleaned_data["kind"],
                province=exhibitor.province,
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except services.SupportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request is sent to SMEDA. You will be told by email of each step."))
            return redirect("support_exhibitor_request", exhibitor.pk, support_request.pk)
    return render(
        request, "support/exhibitor/request_form.html", {"exhibitor": exhibitor, "form": form, "tab": "support"}
    )


@require_safe
@login_required
def exhibitor_request(request, pk: int, request_pk: int):
    exhibitor = access.exhibitor_for_member(request.user, pk)
    support_request = access.request_of_exhibitor(exhibitor=exhibitor, pk=request_pk, today=timezone.localdate())
    context = {
        "exhibitor": exhibitor,
        "support_request": support_request,
        "history": selectors.shared_history(request=support_request),
        "tab": "support",
    }
    return render(request, "support/exhibitor/request.html", context)


urlpatterns = [
    path("exhibitor/<int:pk>/support/", exhibitor_requests, name="support_exhibitor"),
    path("exhibitor/<int:pk>/support/new/", exhibitor_request_new, name="support_exhibitor_new"),
    path("exhibitor/<int:pk>/support/<int:request_pk>/", exhibitor_request, name="support_exhibitor_request"),
]
