"""URLs of the support desk: each view module lists its patterns beside its views."""

from .views import exhibitor, followup, staff

urlpatterns = [*exhibitor.urlpatterns, *staff.urlpatterns, *followup.urlpatterns]
