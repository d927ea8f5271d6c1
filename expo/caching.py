"""Whole-page caching of public pages for anonymous visitors, invalidated by a version per kind of data.

Thousands of visitors open the public pages at the venue. A page is kept whole in the cache
(its own Redis in production, bounded by ``maxmemory``) under a key built here and nowhere else:
the path, the *versions* of the data behind the page, the language, a variant (an htmx
fragment) and the query parameters the page declares it reads (``Params``), each normalised.
Parameters a page does not declare are dropped before the page is built, so ``?junk=1`` and
``?junk=2`` are one entry and one render, and a shared page cannot echo what a visitor made up.
Writers bump a version (``bump``) after the data changes, so the next request renders afresh and
old entries simply expire. Signed-in people, non-GET requests and pages showing a visitor's
messages are never shared.

A shared page must carry nothing of one visitor: public pages have no CSRF token (the language
switcher is a plain link). A page with a form is either rendered for each request, or kept as
parts (``cached_parts``) between which the view puts the visitor's own token at each request.
"""

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers

# Entries go stale by version or by this timeout, which bounds what an edit made around the
# services (in the admin, say) can leave behind.
TIMEOUT = 10 * 60

T = TypeVar("T")

# A normaliser turns what a visitor sent for one parameter into its canonical form, "" for "not given".
Normaliser = Callable[[str], str]


def text(max_length: int) -> Normaliser:
    """Free text: whitespace collapsed, trimmed, cut to ``max_length`` characters."""

    def normalise(value: str) -> str:
        return " ".join(value.split())[:max_length].strip()

    return normalise


def integer(maximum: int) -> Normaliser:
    """A whole number from 1 to ``maximum``, without leading zeros; anything else is not given."""

    def normalise(value: str) -> str:
        digits = value.strip().lstrip("0")
        if not digits.isascii() or not digits.isdigit() or len(digits) > len(str(maximum)):
            return ""
        return digits if int(digits) <= maximum else ""

    return normalise


def choice(values: Iterable[str]) -> Normaliser:
    """One of ``values``; anything else is not given."""
    allowed = frozenset(values)

    def normalise(value: str) -> str:
        return value if value in allowed else ""

    return normalise


def flag(value: str) -> str:
    """A checkbox as Django's ``CheckboxInput`` reads it: "on" unless empty or "false"."""
    return "" if value.strip().lower() in ("", "false") else "on"


class Params:
    """The query parameters a page reads, each with its normaliser."""

    def __init__(self, **normalisers: Normaliser) -> None:
        self.normalisers = normalisers

    def clean(self, query: QueryDict) -> QueryDict:
        """Only the declared parameters, one normalised value each (the last given), in a fixed order."""
        cleaned = QueryDict(mutable=True)
        for name in sorted(self.normalisers):
            value = self.normalisers[name](query.get(name, ""))
            if value:
                cleaned[name] = value
        cleaned._mutable = False
        return cleaned


NO_PARAMS = Params()


def _fresh_version() -> int:
    """The clock in microseconds: above any version counted up from an earlier start, and within the 64-bit
    integers the cache's INCR takes for centuries to come (nanoseconds overflow them after the year 2262)."""
    return time.time_ns() // 1000


def version(key: str) -> int:
    current = cache.get(key)
    if current is None:
        # A version no earlier entry can carry, in case the cache evicted the key while entries remained.
        cache.add(key, _fresh_version(), timeout=None)
        current = cache.get(key, 0)
    return current


def bump(key: str) -> None:
    """Invalidate every page cached under the version ``key``."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh_version(), timeout=None)


def page_key(*, path: str, query: QueryDict, versions: Sequence[str], language: str, variant: str) -> str:
    """The one cache key of a page: path and normalised query (hashed), data versions, language, variant."""
    address = hashlib.sha256(f"{path}?{query.urlencode()}".encode()).hexdigest()
    stamp = ":".join(f"{key}={version(key)}" for key in versions)
    return f"page:{stamp}:{language}:{variant}:{address}"


def _shareable(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # A page showing this visitor's messages ("You have signed out") is theirs alone.
    return not len(messages.get_messages(request))


def _respond(content: bytes, content_type: str, *, shared: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # Browsers ask again every time (freshness is the server cache's job, which the versions keep
    # exact); a page made for one person is kept out of shared caches.
    patch_cache_control(response, no_cache=True, **({} if shared else {"private": True}))
    # The language comes from a cookie; htmx may ask for a fragment.
    patch_vary_headers(response, ["HX-Request", "Cookie"])
    return response


def cached_public_page(
    request,
    *,
    version_key: str,
    build: Callable[[], HttpResponse],
    params: Params = NO_PARAMS,
    also_versions: Sequence[str] = (),
    variant: str = "page",
    uncached_with: Sequence[str] = (),
    personal: bool = True,
) -> HttpResponse:
    """Serve the response from the cache, or ``build()`` it and keep it when it may be shared.

    Before anything else ``request.GET`` (and the query string) become ``params.clean(request.GET)``:
    ``build`` sees exactly what the key holds. ``version_key`` and ``also_versions`` name the data the
    page shows; ``variant`` separates responses of one URL that differ by a header (an htmx fragment).
    A page with any parameter of ``uncached_with`` is built afresh and not kept (a free-text search on a
    large page). ``personal=False`` says the response never depends on who asks (a PDF drawn without the
    request), so signed-in people share it too.
    """
    request.GET = params.clean(request.GET)
    request.META["QUERY_STRING"] = request.GET.urlencode()
    shared = (not personal and request.method in ("GET", "HEAD")) or _shareable(request)
    key = None
    if shared and not any(name in request.GET for name in uncached_with):
        key = page_key(
            path=request.path,
            query=request.GET,
            versions=[version_key, *also_versions],
            language=request.LANGUAGE_CODE,
            variant=variant,
        )
        cached = cache.get(key)
        if cached is not None:
            return _respond(cached["content"], cached["content_type"], shared=True)
    response = build()
    if response.status_code != 200:
        return response
    if key is not None:
        cache.set(key, {"content": response.content, "content_type": response["Content-Type"]}, TIMEOUT)
    return _respond(response.content, response["Content-Type"], shared=shared)


def cached_parts(
    request, *, version_key: str, variant: str, build: Callable[[], T], params: Params = NO_PARAMS
) -> T | None:
    """The shared parts of a page with a form (its text around the visitor's CSRF token, and what the view
    needs to put it together), from the cache or ``build()``; None when the page may not be shared, for the
    caller to render it whole. The query is cleaned first, as for ``cached_public_page``."""
    request.GET = params.clean(request.GET)
    request.META["QUERY_STRING"] = request.GET.urlencode()
    if not _shareable(request):
        return None
    key = page_key(
        path=request.path,
        query=request.GET,
        versions=[version_key],
        language=request.LANGUAGE_CODE,
        variant=f"parts:{variant}",
    )
    parts = cache.get(key)
    if parts is None:
        parts = build()
        cache.set(key, parts, TIMEOUT)
    return parts
