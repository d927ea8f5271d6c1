"""URLs of the matchmaking app: each view module lists its patterns beside its views."""

from . import (
    views,
    views_attendance,
    views_desk,
    views_leads,
    views_pdf,
    views_staff,
    views_stall_leads,
    views_suggest,
)

urlpatterns = [
    *views_staff.urlpatterns,
    *views_desk.urlpatterns,
    *views.urlpatterns,
    *views_pdf.urlpatterns,
    *views_suggest.urlpatterns,
    *views_attendance.urlpatterns,
    *views_stall_leads.urlpatterns,
    *views_leads.urlpatterns,
]
