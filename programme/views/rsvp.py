"""A registered visitor's RSVPs, reached from their registration's manage link: the same signed token opens both
pages (``visitors.links``), and a token that was altered or never made is a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from visitors import links

from .. import selectors, services
from ..models import Rsvp, Session


def _registration(token: str):
    registration = links.registration_for_token(token)
    if registration is None:
        raise Http404
    return registration


def rsvp_list(request, token: str):
    registration = _registration(token)
    sessions = selectors.rsvp_sessions(registration=registration)
    return render(
        request,
        "programme/rsvp.html",
        {"registration": registration, "sessions": sessions, "token": token, "clash": None},
    )


@require_POST
def rsvp_change(request, token: str, pk: int):
    registration = _registration(token)
    session = get_object_or_404(Session, pk=pk, expo_id=registration.expo_id, rsvp_required=True)
    if request.POST.get("action") == "cancel":
        rsvp = Rsvp.objects.filter(session=session, registration=registration).first()
        if rsvp is not None:
            services.rsvp_cancel(rsvp=rsvp)
            messages.success(request, _("Your place is given up."))
        return redirect("programme_rsvp", token=token)
    try:
        rsvp = services.rsvp_create(
            session=session, registration=registration, accept_clash=request.POST.get("accept_clash") == "1"
        )
    except services.RsvpClash as clash:
        sessions = selectors.rsvp_sessions(registration=registration)
        context = {"registration": registration, "sessions": sessions, "token": token, "clash": clash, "asked": session}
        return render(request, "programme/rsvp.html", context, status=409)
    except services.ProgrammeError as error:
        messages.error(request, str(error))
    else:
        if rsvp.status == Rsvp.Status.CONFIRMED:
            messages.success(request, _("Your place is confirmed."))
        else:
            messages.info(request, _("The room is full: you are on the waiting list."))
    return redirect("programme_rsvp", token=token)


urlpatterns = [
    path("programme/rsvp/<str:token>/", rsvp_list, name="programme_rsvp"),
    path("programme/rsvp/<str:token>/<int:pk>/", rsvp_change, name="programme_rsvp_change"),
]
