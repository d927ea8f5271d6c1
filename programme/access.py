"""Who may open the programme's pages outside the admin: a speaker's profile only by its members (the person
who accepted the speaker's invitation), a 404 for everyone else; staff pages through ``expo.staff.staff_access``."""

from django.http import Http404

from expo.models import Expo
from expo.selectors import expo_current_for
from expo.staff import staff_access

from .models import Speaker


def speaker_for_member(request, pk: int) -> Speaker:
    """The speaker profile ``pk`` if the signed-in user is one of its members; a 404 otherwise, like a missing one."""
    if not request.user.is_authenticated:
        raise Http404
    speaker = Speaker.objects.filter(pk=pk, members=request.user).select_related("expo").first()
    if speaker is None:
        raise Http404
    return speaker


SCAN_SESSION_BADGES = "programme.scan_session_badges"
VIEW_ATTENDANCE = "programme.view_attendance"


def _current_expo_for(request, permission: str) -> Expo:
    """The current expo, for a holder of ``permission`` with an authenticator (``expo.staff.staff_access``); a 404
    for anyone without the permission, exactly like a missing page."""
    staff_access(request.user, permission)
    expo = expo_current_for(request)
    if expo is None:
        raise Http404
    return expo


def expo_for_door_staff(request) -> Expo:
    """Door staff check badges in at session doors (granted to the Gate staff role)."""
    return _current_expo_for(request, SCAN_SESSION_BADGES)


def expo_for_attendance(request) -> Expo:
    """Who came to each session (granted to the Gate staff and Floor managers roles)."""
    return _current_expo_for(request, VIEW_ATTENDANCE)
