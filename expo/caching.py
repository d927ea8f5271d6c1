"""Whole-page caching of public pages for anonymous visitors, invalidated by a version per kind of data.

Thousands of visitors open the public pages at the venue. A page is kept whole in the cache
(Redis in production) under a key that carries a *version* of the data behind it, the language
and the full path with its query string. Writers bump the version (``bump``) after the data
changes, so the next request renders afresh and old entries simply expire. Signed-in people,
non-GET requests and pages showing a visitor's messages are never shared.

A shared page must carry nothing of one visitor: public pages have no CSRF token (the language
switcher is a plain link). Anything with a form belongs on an uncached page.
"""

import hashlib
import time
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

# Entries go stale by version or by this timeout, which bounds what an edit made around the
# services (in the admin, say) can leave behind.
TIMEOUT = 10 * 60


def version(key: str) -> int:
    current = cache.get(key)
    if current is None:
        # A version no earlier entry can carry, in case the cache evicted the key while entries remained.
        cache.add(key, time.time_ns(), timeout=None)
        current = cache.get(key, 0)
    return current


def bump(key: str) -> None:
    """Invalidate every page cached under the version ``key``."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), timeout=None)


def _cache_key(request, *, version_key: str, variant: str) -> str | None:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        # A page showing this visitor's messages ("You have signed out") is theirs alone.
        return None
    full_path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{version_key}:{version(version_key)}:{request.LANGUAGE_CODE}:{variant}:{full_path}"


def _respond(content: bytes, content_type: str, *, shared: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # Browsers ask again every time (freshness is the server cache's job, which the versions keep
    # exact); a page made for one person is kept out of shared caches.
    patch_cache_control(response, no_cache=True, **({} if shared else {"private": True}))
    # The language comes from a cookie; htmx may ask for a fragment.
    patch_vary_headers(response, ["HX-Request", "Cookie"])
    return response


def cached_public_page(
    request, *, version_key: str, build: Callable[[], HttpResponse], variant: str = "page"
) -> HttpResponse:
    """Serve the response from the cache, or ``build()`` it and keep it when it may be shared.

    ``variant`` separates responses of one URL that differ by a header (an htmx fragment).
    """
    key = _cache_key(request, version_key=version_key, variant=variant)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return _respond(cached["content"], cached["content_type"], shared=True)
    response = build()
    if response.status_code != 200:
        return response
    if key is not None:
        cache.set(key, {"content": response.content, "content_type": response["Content-Type"]}, TIMEOUT)
    return _respond(response.content, response["Content-Type"], shared=key is not None)
