"""The public exhibitor directory of the current expo: search, filters, pages of cards, one page per exhibitor.

Thousands of visitors open these pages at the venue, so anonymous responses are kept whole in
the cache (Redis in production). A cache key carries the directory version, which the services
bump after every profile or product write (``services.directory_changed``), the language and
the full path with its query string: a change is visible on the next request, and old entries
simply expire. Signed-in people always get a fresh page.

A shared page must carry nothing of one visitor: the language switcher is a plain link and
pages showing a visitor's messages are not shared. Should a form with a CSRF token ever appear
in the site shell, its token is rendered as a placeholder and filled in for each response, so
that one cached page still serves everybody and each visitor gets a token of their own.
"""

import hashlib
import time

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_safe

from expo import selectors as core_selectors

from .. import selectors, services
from ..forms.profile import DirectoryFilterForm

PAGE_SIZE = 24
# Entries go stale only by version (a write) or by this timeout, which bounds what an edit outside the
# services (the expo's name, a cluster renamed in the admin) can leave behind.
CACHE_TIMEOUT = 10 * 60
RESULTS_TARGET = "directory-results"
# Unguessable, so that an exhibitor cannot put it in a description to have it replaced.
CSRF_PLACEHOLDER = salted_hmac("exhibitors.directory", "csrf-placeholder").hexdigest()


def _directory_version() -> int:
    version = cache.get(services.DIRECTORY_VERSION_KEY)
    if version is None:
        # A version that no earlier entry can carry, in case Redis evicted the key while entries remained.
        cache.add(services.DIRECTORY_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(services.DIRECTORY_VERSION_KEY, 0)
    return version


def _cache_key(request, *, fragment: bool) -> str | None:
    """The cache key of this request's response, or None when the response must not be shared."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        # A page showing this visitor's messages ("You have signed out") is theirs alone.
        return None
    full_path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    kind = "fragment" if fragment else "page"
    return f"exhibitors:directory:{_directory_version()}:{request.LANGUAGE_CODE}:{kind}:{full_path}"


def _respond(request, content: bytes, content_type: str, *, shared: bool) -> HttpResponse:
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in content:
        content = content.replace(placeholder, get_token(request).encode())
        shared = False
    response = HttpResponse(content, content_type=content_type)
    # Browsers ask again every time (freshness is the server cache's job, which invalidation keeps
    # exact); a page made for one person (signed in, messages, a CSRF token) is kept out of shared caches.
    patch_cache_control(response, no_cache=True, **({} if shared else {"private": True}))
    # The language comes from a cookie; htmx asks for the results alone.
    patch_vary_headers(response, ["HX-Request", "Cookie"])
    return response


def _cached_page(request, *, fragment: bool, build):
    """Serve the response from the cache, or make it with ``build(shared)`` and keep it when it may be shared.

    ``build`` renders the page; ``shared`` tells it to render a CSRF token as the placeholder.
    """
    key = _cache_key(request, fragment=fragment)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return _respond(request, cached["content"], cached["content_type"], shared=True)
    response = build(key is not None)
    if response.status_code != 200:
        return response
    if key is not None:
        cache.set(key, {"content": response.content, "content_type": response["Content-Type"]}, CACHE_TIMEOUT)
    return _respond(request, response.content, response["Content-Type"], shared=key is not None)


def whatsapp_digits(number: str) -> str:
    """The number as wa.me wants it: international, digits only (a Pakistani 03xx number gets its 92)."""
    digits = "".join(character for character in number if character.isdigit())
    if number.strip().startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "92" + digits[1:]
    return digits


def _wants_fragment(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == RESULTS_TARGET


def _placeholder_context(shared: bool) -> dict:
    return {"csrf_token": CSRF_PLACEHOLDER} if shared else {}


@require_safe
def directory(request):
    fragment = _wants_fragment(request)

    def build(shared: bool) -> HttpResponse:
        expo = core_selectors.expo_current()
        form = DirectoryFilterForm(request.GET)
        filters = selectors.DirectoryFilters(**form.filters())
        page = page_range = None
        if expo is not None:
            paginator = Paginator(selectors.directory(expo=expo, filters=filters), PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            page_range = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        context = {
            "expo": expo,
            "form": form,
            "page": page,
            "page_range": page_range,
            "ellipsis": Paginator.ELLIPSIS,
            "filtered": any(value for value in vars(filters).values()),
            **_placeholder_context(shared),
        }
        template = "exhibitors/directory/results.html" if fragment else "exhibitors/directory/list.html"
        return render(request, template, context)

    return _cached_page(request, fragment=fragment, build=build)


@require_safe
def directory_detail(request, slug: str):
    def build(shared: bool) -> HttpResponse:
        expo = core_selectors.expo_current()
        if expo is None:
            raise Http404
        exhibitor = selectors.directory_exhibitor(expo=expo, slug=slug)
        context = {
            "exhibitor": exhibitor,
            "whatsapp_digits": whatsapp_digits(exhibitor.whatsapp),
            **_placeholder_context(shared),
        }
        return render(request, "exhibitors/directory/detail.html", context)

    return _cached_page(request, fragment=False, build=build)


urlpatterns = [
    path("exhibitors/", directory, name="directory"),
    path("exhibitors/<slug:slug>/", directory_detail, name="directory_detail"),
]
