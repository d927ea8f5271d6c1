"""Who may open the staff pages of the visitors app: holders of the page's permission (granted to the Gate staff
and Registration desk roles by migration, and held by superusers) who have set up staff MFA
(``expo.staff.staff_access``); a 404 for everyone else."""

from django.http import Http404

from expo.models import Expo
from expo.selectors import expo_current_for
from expo.staff import staff_access

SCAN_BADGES = "visitors.scan_badges"
USE_REGISTRATION_DESK = "visitors.use_registration_desk"


def _current_expo_for(request, permission: str) -> Expo:
    """The current expo, for a holder of ``permission`` with an authenticator; anyone without the permission gets
    a 404, exactly like a missing page, and a holder without an authenticator is sent to set one up."""
    staff_access(request.user, permission)
    expo = expo_current_for(request)
    if expo is None:
        raise Http404
    return expo


def expo_for_gate_staff(request) -> Expo:
    return _current_expo_for(request, SCAN_BADGES)


def expo_for_registration_desk(request) -> Expo:
    return _current_expo_for(request, USE_REGISTRATION_DESK)
