"""How the public API pages its lists and how many requests an anonymous client may make."""

from django.conf import settings
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.throttling import AnonRateThrottle


class ApiCursorPagination(CursorPagination):
    """Pages of ``page_size`` rows behind an opaque cursor: a page stays stable while rows are added, and no
    count query runs. The order is the view's ``cursor_ordering`` (its first field must not change)."""

    page_size = 50

    def get_ordering(self, request, queryset, view):
        return view.cursor_ordering


class JsonOnly(BaseContentNegotiation):
    """The endpoints answer JSON whatever the client accepts: there is nothing to negotiate, so no Accept
    header is parsed and no client gets a 406."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AnonymousRateThrottle(AnonRateThrottle):
    """Requests one client address may make to the API in a window of the rate's period, from
    ``EXPO_API_ANON_RATE`` (e.g. ``120/minute``, read at each request so that it follows the settings);
    past it the answer is 429 with Retry-After, the seconds until the window ends.

    DRF's own throttle keeps the time of every request of the period in one cache entry, read and written
    whole at each request: its cost grows with the rate, and two workers can overwrite each other's count.
    This one counts in fixed windows with the cache's atomic increment: two cache calls whatever the rate.
    """

    def get_rate(self) -> str:
        return settings.EXPO_API_ANON_RATE

    def allow_request(self, request, view) -> bool:
        key = self.get_cache_key(request, view)
        if self.rate is None or key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        counter = f"{key}:{window}"
        self.cache.add(counter, 0, self.duration + 1)
        try:
            count = self.cache.incr(counter)
        except ValueError:  # evicted between the two calls
            self.cache.set(counter, 1, self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        return max(self.window_ends - self.now, 1)
