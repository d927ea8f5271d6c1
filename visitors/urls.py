"""URLs of the visitors app: each view module lists its patterns beside its views."""

from .views import registration, staff

urlpatterns = [
    *registration.urlpatterns,
    *staff.urlpatterns,
]
