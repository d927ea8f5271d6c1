"""URLs of the awards: each view module lists its patterns beside its views."""

from .views import candidacy, jury

urlpatterns = [*candidacy.urlpatterns, *jury.urlpatterns]
