"""Cached, conditional answers of the public API: the directory's versioned caching, plus ETag and Last-Modified.

An answer is kept whole under ``expo.caching.page_key``: the address (scheme, host and path, since the
pagination links are absolute), the query parameters the endpoint declares (normalised; any others are
dropped before the answer is built), and the versions of the data it shows, the very versions the public
pages use. A write that renews a public page therefore renews the API's answers too, and changes their ETag
(a hash of the content) and Last-Modified (when the content was built). A client sending the ETag back in
If-None-Match, or that time in If-Modified-Since, gets a 304 without a body. Answers do not depend on who
asks (the API reads no session), so everyone shares them.
"""

import base64
import datetime
import hashlib
import time
from collections.abc import Callable, Sequence
from urllib import parse

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer

from expo import caching

CONTENT_TYPE = "application/json"


def cursor(value: str) -> str:
    """A pagination cursor in its one canonical encoding, or "" for one that is not well formed (the first page).

    The cursor is base64 of ``o`` (an offset), ``r`` (reverse) and ``p`` (a position) as DRF writes them.
    """
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=False).decode("ascii")
        tokens = parse.parse_qs(decoded, keep_blank_values=True)
    except (ValueError, UnicodeError):
        return ""
    offset = caching.integer(10_000)(tokens.get("o", ["0"])[0])
    reverse = tokens.get("r", ["0"])[0] == "1"
    position = tokens.get("p", [""])[0][:100]
    canonical = {key: item for key, item in (("o", offset), ("r", "1" if reverse else ""), ("p", position)) if item}
    return (
        base64.b64encode(parse.urlencode(canonical, doseq=False).encode("ascii")).decode("ascii") if canonical else ""
    )


def boolean(value: str) -> str:
    """``true`` or ``false`` as django-filter's boolean filters read them; anything else is not given."""
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return "true"
    if lowered in ("false", "0"):
        return "false"
    return ""


def date(value: str) -> str:
    """An ISO date (YYYY-MM-DD); anything else is not given."""
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return ""


def _render(data) -> bytes:
    return JSONRenderer().render(data)


def cached_answer(
    request, *, versions: Sequence[str], params: caching.Params, build: Callable[[], object]
) -> HttpResponse:
    """The answer to ``request`` (a DRF request) from the cache, or built by ``build()`` (a DRF response) and kept.

    The query is cleaned first (``params``), so the filters and the paginator read exactly what the key holds.
    Only 200 answers are kept; an error (a 404) is returned as built.
    """
    django_request = request._request
    django_request.GET = params.clean(django_request.GET)
    django_request.META["QUERY_STRING"] = django_request.GET.urlencode()
    key = caching.page_key(
        path=django_request.build_absolute_uri(django_request.path),
        query=django_request.GET,
        versions=versions,
        language="-",
        variant="api",
    )
    entry = cache.get(key)
    if entry is None:
        response = build()
        if response.status_code != 200:
            return response
        content = _render(response.data)
        entry = {
            "content": content,
            "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
            "last_modified": int(time.time()),
        }
        cache.set(key, entry, caching.TIMEOUT)
    conditional = get_conditional_response(
        django_request, etag=entry["etag"], last_modified=entry["last_modified"], response=None
    )
    answer = conditional if conditional is not None else HttpResponse(entry["content"], content_type=CONTENT_TYPE)
    answer["ETag"] = entry["etag"]
    answer["Last-Modified"] = http_date(entry["last_modified"])
    # Clients and proxies may keep the answer but must ask again each time; the ETag makes asking cheap.
    patch_cache_control(answer, no_cache=True, public=True)
    return answer
