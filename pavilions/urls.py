"""URLs of the pavilions app."""

from . import views

urlpatterns = [*views.urlpatterns]
