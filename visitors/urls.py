"""URLs of the visitors app: each view module lists its patterns beside its views."""

from .views import gate, registration, staff

urlpatterns = [
    *registration.urlpatterns,
    *gate.urlpatterns,
    *staff.urlpatterns,
]
