"""URLs of the exhibitors app: each view module lists its patterns beside its views."""

from .views import directory, exhibitor, imports, nominations

urlpatterns = [
    *nominations.urlpatterns,
    *imports.urlpatterns,
    *exhibitor.urlpatterns,
    *directory.urlpatterns,
]
