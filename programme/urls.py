"""URLs of the programme: each view module lists its patterns beside its views."""

from .views import calendar, door, public, rsvp, screens, speaker

urlpatterns = [
    *public.urlpatterns,
    *speaker.urlpatterns,
    *rsvp.urlpatterns,
    *calendar.urlpatterns,
    *screens.urlpatterns,
    *door.urlpatterns,
]
