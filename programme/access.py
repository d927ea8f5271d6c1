"""Who may open the programme's pages outside the admin: a speaker's profile only by its members (the person
who accepted the speaker's invitation), a 404 for everyone else; staff pages through ``expo.staff.staff_access``."""

from django.http import Http404

from .models import Speaker


def speaker_for_member(request, pk: int) -> Speaker:
    """The speaker profile ``pk`` if the signed-in user is one of its members; a 404 otherwise, like a missing one."""
    if not request.user.is_authenticated:
        raise Http404
    speaker = Speaker.objects.filter(pk=pk, members=request.user).select_related("expo").first()
    if speaker is None:
        raise Http404
    return speaker
