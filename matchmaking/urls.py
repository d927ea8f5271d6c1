"""URLs of the matchmaking app: each view module lists its patterns beside its views."""

from . import views, views_staff, views_suggest

urlpatterns = [*views_staff.urlpatterns, *views.urlpatterns, *views_suggest.urlpatterns]
