"""A speaker's own page: confirm and edit the profile the programme shows (members only, see ``access``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from .. import access, services
from ..forms import SpeakerProfileForm


@login_required
def speaker_edit(request, pk: int):
    speaker = access.speaker_for_member(request, pk)
    form = SpeakerProfileForm(request.POST or None, request.FILES or None, instance=speaker)
    if request.method == "POST" and form.is_valid():
        try:
            services.speaker_profile_update(speaker=speaker, user=request.user, data=form.profile_data())
        except services.ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your speaker profile is saved and confirmed."))
            return redirect("programme_speaker_edit", pk=speaker.pk)
    return render(request, "programme/speaker_edit.html", {"speaker": speaker, "form": form})


urlpatterns = [
    path("programme/speakers/<int:pk>/edit/", speaker_edit, name="programme_speaker_edit"),
]
