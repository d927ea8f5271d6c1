"""Staff access: the one check every staff page makes, in the admin and outside it.

A staff page is any page that needs a staff permission: the admin, and the venue pages (gate, registration desk,
and those of the desks to come). Whoever holds the permission must also have set up a TOTP authenticator, whether
or not they are admin users: gate staff and the registration desk are not ``is_staff`` but print valid badges and
let people in. A page calls ``staff_access`` (or is wrapped in ``staff_page``); ``StaffMFAMiddleware`` turns the
refusal into the MFA setup page for a browser, or a 403 JSON answer for a script.
"""

from functools import wraps

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404


class StaffMFARequired(PermissionDenied):
    """A holder of a staff permission who has not set up an authenticator. A 403 wherever it is not handled."""


def has_totp(user) -> bool:
    """Whether ``user`` has a TOTP authenticator; read once per request (the user object keeps the answer)."""
    if not hasattr(user, "_expo_has_totp"):
        user._expo_has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return user._expo_has_totp


def staff_mfa_enforce(user) -> None:
    """Refuse a member of staff without an authenticator, unless the local mode switched the requirement off.

    Call it once the user is known to hold the staff permission the page needs.
    """
    if settings.EXPO_STAFF_MFA_REQUIRED and not has_totp(user):
        raise StaffMFARequired


def staff_access(user, permission: str) -> None:
    """Let a holder of ``permission`` with an authenticator through; anyone else who lacks the permission gets
    a 404, exactly like a missing page, and a holder without an authenticator is sent to set one up."""
    if not (user.is_authenticated and user.is_active and user.has_perm(permission)):
        raise Http404
    staff_mfa_enforce(user)


def staff_page(permission: str):
    """Decorate a view that only holders of ``permission`` may open, with the staff MFA requirement."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            staff_access(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
