"""Who may open which support request: the one place every support view asks.

An exhibitor's members see only their exhibitor's requests; any other request, another exhibitor's included, is a
404 exactly like one that does not exist. Staff pages pass ``expo.staff.staff_page`` (the permission and an
authenticator) and then reach any request.
"""

import datetime

from django.http import Http404

from exhibitors import selectors as exhibitor_selectors
from exhibitors.models import Exhibitor
from expo.models import User

from .models import SupportRequest
from .selectors import with_overdue

QUEUE_PERMISSION = "support.change_supportrequest"
CREATE_PERMISSION = "support.add_supportrequest"
FOLLOWUP_PERMISSION = "support.use_followup_desk"


def exhibitor_for_member(user: User, pk: int) -> Exhibitor:
    return exhibitor_selectors.exhibitor_for_user(user, pk)


def request_of_exhibitor(*, exhibitor: Exhibitor, pk: int, today: datetime.date) -> SupportRequest:
    """The request ``pk``, marked ``overdue`` or not, if ``exhibitor`` asked it; a 404 otherwise."""
    requests = SupportRequest.objects.filter(pk=pk, exhibitor=exhibitor).select_related("team", "expo", "enterprise")
    request = with_overdue(requests, today=today).first()
    if request is None:
        raise Http404
    return request


def request_for_staff(pk: int, *, today: datetime.date) -> SupportRequest:
    """Any request, marked ``overdue`` or not, for a page already behind the desk's permission."""
    requests = SupportRequest.objects.filter(pk=pk).select_related(
        "expo", "enterprise", "exhibitor", "team", "owner", "created_by"
    )
    request = with_overdue(requests, today=today).first()
    if request is None:
        raise Http404
    return request
