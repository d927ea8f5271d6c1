"""How the public API pages its lists and how many requests an anonymous client may make."""

from django.conf import settings
from rest_framework.pagination import CursorPagination
from rest_framework.throttling import AnonRateThrottle


class ApiCursorPagination(CursorPagination):
    """Pages of ``page_size`` rows behind an opaque cursor: a page stays stable while rows are added, and no
    count query runs. The order is the view's ``cursor_ordering`` (its first field must not change)."""

    page_size = 50

    def get_ordering(self, request, queryset, view):
        return view.cursor_ordering


class AnonymousRateThrottle(AnonRateThrottle):
    """Requests one client address may make to the API, from ``EXPO_API_ANON_RATE`` (e.g. ``120/minute``),
    counted in the cache; past it the answer is 429 with Retry-After. The rate is read at each request so
    that it follows the settings."""

    def get_rate(self) -> str:
        return settings.EXPO_API_ANON_RATE
