"""Who may open the staff pages of the visitors app: holders of the page's permission (granted to the Gate staff
and Registration desk roles by migration, and held by superusers); a 404 for everyone else."""

from django.http import Http404

from expo.models import Expo
from expo.selectors import expo_current_for

SCAN_BADGES = "visitors.scan_badges"
USE_REGISTRATION_DESK = "visitors.use_registration_desk"


def _current_expo_for(request, permission: str) -> Expo:
    """The current expo, for a holder of ``permission``; anyone else gets a 404, exactly like a missing page."""
    expo = expo_current_for(request) if request.user.has_perm(permission) else None
    if expo is None:
        raise Http404
    return expo


def expo_for_gate_staff(request) -> Expo:
    return _current_expo_for(request, SCAN_BADGES)


def expo_for_registration_desk(request) -> Expo:
    return _current_expo_for(request, USE_REGISTRATION_DESK)
