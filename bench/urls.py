"""The portal's URLs plus `/bench/bare/`, the baseline: a view behind the same middleware that does nothing."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("expo.urls")),
]
