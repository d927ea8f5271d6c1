"""Views of the site shell: home, dashboards, invitations, health."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import caching, selectors, services
from .celery import app as celery_app
from .forms import InvitationAcceptForm

HOME_VERSION_KEY = "expo:home-version"


@require_GET
def home(request):
    """The current edition's home page, cached for anonymous visitors until an edition, sector or cluster changes."""
    return caching.cached_public_page(
        request,
        version_key=HOME_VERSION_KEY,
        build=lambda: render(request, "expo/home.html", {"sectors": selectors.sectors_with_clusters()}),
    )


@login_required
def dashboard(request):
    """Send each person to the page their role starts from."""
    if request.user.is_staff:
        return redirect("admin:index")
    trade_bodies = list(selectors.trade_bodies_for_user(request.user))
    exhibitors = list(request.user.exhibitors.order_by("-expo__year", "name"))
    # The site menu and this page list the venue pages too (``venue_pages``, from the context processor).
    venue_urls = [url for url, label in selectors.venue_pages_for_user(request.user)]
    destinations = [item.get_absolute_url() for item in trade_bodies + exhibitors] + venue_urls
    if len(destinations) == 1:
        return redirect(destinations[0])
    return render(request, "expo/dashboard.html", {"trade_bodies": trade_bodies, "exhibitors": exhibitors})


@never_cache
def invitation_accept(request, token: str):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "expo/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if invitation.accepted_at is not None:
        return render(request, "expo/invitation_invalid.html", {"reason": "used"}, status=410)
    if invitation.is_expired:
        return render(request, "expo/invitation_invalid.html", {"reason": "expired"}, status=410)

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept_as(invitation=invitation, user=request.user)
            except services.ExpoError as error:
                messages.error(request, str(error))
                return redirect("home")
            messages.success(request, _("You are now a member of %(name)s.") % {"name": invitation.organisation})
            return redirect(invitation.organisation)
        return render(request, "expo/invitation_join.html", {"invitation": invitation})

    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except services.ExpoError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(invitation.organisation)
    return render(request, "expo/invitation_accept.html", {"invitation": invitation, "form": form})


@require_GET
def language_switch(request, code: str):
    """Switch the interface language by a plain link: public pages then carry no per-visitor token and can be cached.

    Only a preference cookie changes, so a GET is safe here.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


def admin_login(request):
    """The admin signs in through allauth, so that MFA and rate limits apply there too.

    A signed-in person who is not staff is refused outright rather than sent round a login loop.
    """
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied
    next_url = request.GET.get("next", reverse("admin:index"))
    # Encoded, so that the value cannot carry a second parameter (``/admin/&next=https://elsewhere``).
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


@require_GET
def favicon(request):
    """The site's icon where a browser looks for it unasked: on answers with no page around them (JSON, files)."""
    return redirect(static("favicon.svg"), permanent=True)


@require_GET
@never_cache
def healthz(request):
    """Report the state of the database, the cache and the broker as JSON; 503 if any is down."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure, whatever its type
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: value not kept"
    except Exception as exc:  # noqa: BLE001 - as above
        checks["cache"] = f"error: {type(exc).__name__}"
    if celery_app.conf.task_always_eager:
        checks["broker"] = "eager"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001 - as above
            checks["broker"] = f"error: {type(exc).__name__}"
    healthy = all(value in {"ok", "eager"} for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
