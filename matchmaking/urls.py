"""URLs of the matchmaking app: each view module lists its patterns beside its views."""

from . import views, views_staff

urlpatterns = [*views_staff.urlpatterns, *views.urlpatterns]
