"""URLs of the awards: each view module lists its patterns beside its views."""

from .views import candidacy, jury, results

urlpatterns = [*candidacy.urlpatterns, *jury.urlpatterns, *results.urlpatterns]
