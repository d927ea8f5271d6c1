"""URLs of the programme: each view module lists its patterns beside its views."""

from .views import public, speaker

urlpatterns = [
    *public.urlpatterns,
    *speaker.urlpatterns,
]
