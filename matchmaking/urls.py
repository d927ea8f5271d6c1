"""URLs of the matchmaking app: each view module lists its patterns beside its views."""

from . import views, views_desk, views_pdf, views_staff, views_suggest

urlpatterns = [
    *views_staff.urlpatterns,
    *views_desk.urlpatterns,
    *views.urlpatterns,
    *views_pdf.urlpatterns,
    *views_suggest.urlpatterns,
]
