"""Who may open the staff pages of the visitors app: the role's members (and superusers), a 404 for everyone else."""

from django.http import Http404

from expo import roles
from expo.models import Expo
from expo.selectors import expo_current


def has_role(user, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=role).exists()


def _current_expo_for(user, role: str) -> Expo:
    """The current expo, for a member of ``role``; anyone else gets a 404, exactly like a page that does not exist."""
    expo = expo_current() if has_role(user, role) else None
    if expo is None:
        raise Http404
    return expo


def expo_for_gate_staff(request) -> Expo:
    return _current_expo_for(request.user, roles.GATE_STAFF)


def expo_for_registration_desk(request) -> Expo:
    return _current_expo_for(request.user, roles.REGISTRATION_DESK)
