"""Public pages: register for the current expo, the confirmation, and managing a registration by its signed link.

The links emailed to the person are the only keys to a registration: an altered or unknown link is a 404.
The form answers every registration the same way ("check your email"), whether the address is new or
known, so that it tells no one whether an address is registered; the confirmation page is reached from
the email. New answers for a known address change nothing until that address confirms them.
"""

import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expo import caching
from expo import selectors as core_selectors
from expo.views import HOME_VERSION_KEY

from .. import consent, links, ratelimit, selectors, services
from ..forms import ChangeDaysForm, RegistrationForm
from ..models import Registration


def _registration(token: str) -> Registration:
    registration = links.registration_for_token(token)
    if registration is None:
        raise Http404
    return registration


def register_from_form(request, *, expo, form, source: str = Registration.Source.ONLINE):
    """Register the person of a valid ``form`` (online here, or at the desk): ``(registration, created)``, or
    None with the refusal added to the form. Emails link back to the site the person registered on. At the
    desk, the staff member who registers the walk-in confirms their category."""
    try:
        return services.registration_create(
            expo=expo,
            **form.person(),
            source=source,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            site_url=request.build_absolute_uri("/"),
            category_confirmed_by=request.user if source == Registration.Source.DESK else None,
        )
    except services.RegistrationError as error:
        form.add_error(None, str(error))
        return None


# Places left change with every registration, so they are counted for everyone at most this often rather
# than at every request. A figure two seconds old matters little beside the minutes a visitor spends on the
# form: the day is confirmed or waitlisted by the places left when the form is sent.
PLACES_LEFT_SECONDS = 2


def _days_left_html(expo, *, language: str) -> str:
    return cache.get_or_set(
        f"visitors:places-left:{expo.pk}:{language}",
        lambda: render_to_string("visitors/includes/days_left.html", {"days_left": selectors.days_left(expo)}),
        PLACES_LEFT_SECONDS,
    )


def _private(response: HttpResponse) -> HttpResponse:
    # The page carries this visitor's CSRF token (and, sent back with errors, their answers).
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _register_page_parts(request) -> dict:
    """The current expo and the empty form's page split around what differs at each request:
    [text, "csrf", text, "days_left", text]."""
    expo = core_selectors.expo_current_for(request)
    if expo is None:
        return {"expo": None, "parts": []}
    marker = secrets.token_hex(16)
    context = {
        "expo": expo,
        "form": RegistrationForm(expo=expo),
        "csrf_token": f"{marker}:csrf:",
        "days_left_html": f"{marker}:days_left:",
    }
    html = render_to_string("visitors/register.html", context, request)
    return {"expo": expo, "parts": re.split(f"{marker}:(csrf|days_left):", html)}


def _page_from_parts(request, *, expo, parts: list[str]) -> HttpResponse:
    between = {"csrf": get_token(request), "days_left": _days_left_html(expo, language=request.LANGUAGE_CODE)}
    return _private(HttpResponse("".join(between[part] if index % 2 else part for index, part in enumerate(parts))))


@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "GET":
        # The empty form is the same for every anonymous visitor in a language, until the current edition,
        # its sectors or clusters change: kept with the expo as parts, between which this visitor's CSRF
        # token and the places left go at each request, so that neither is ever kept or shared.
        page = caching.cached_parts(
            request, version_key=HOME_VERSION_KEY, variant="register", build=lambda: _register_page_parts(request)
        )
        if page is not None and page["expo"] is not None and page["expo"].registration_is_open():
            return _page_from_parts(request, **page)
    expo = core_selectors.expo_current_for(request)
    if expo is None or not expo.registration_is_open():
        return render(request, "visitors/closed.html", {"expo": expo}, status=200 if expo else 404)
    form = RegistrationForm(request.POST if request.method == "POST" else None, expo=expo)
    if request.method == "POST":
        allowed = ratelimit.hit(
            scope="register",
            key=ratelimit.client_address(request),
            limit=settings.EXPO_REGISTRATION_RATE_PER_HOUR,
            window=3600,
        )
        if not allowed:
            return render(request, "visitors/too_many.html", {"expo": expo}, status=429)
        if form.is_bot:
            # Answered like a success, so that a script learns nothing; nothing is saved.
            return render(request, "visitors/check_email.html", {"expo": expo})
        if form.is_valid() and register_from_form(request, expo=expo, form=form) is not None:
            # New or known address alike: what happened is told only to the address, by email.
            return render(request, "visitors/check_email.html", {"expo": expo})
    context = {"expo": expo, "form": form, "days_left_html": _days_left_html(expo, language=request.LANGUAGE_CODE)}
    return _private(render(request, "visitors/register.html", context))


def _days_context(registration: Registration) -> list:
    days = list(selectors.registration_days(registration).select_related("registration"))
    for day in days:
        day.position = selectors.waitlist_position(day)
    return days


@require_safe
def registration_done(request, token: str):
    registration = _registration(token)
    context = {
        "registration": registration,
        "days": _days_context(registration),
        "token": token,
        "badge": getattr(registration, "badge", None),
        "category_requested": registration.category_status == Registration.CategoryStatus.REQUESTED,
    }
    return render(request, "visitors/done.html", context)


@require_http_methods(["GET", "POST"])
def registration_change(request, token: str):
    """The link emailed to a known address when someone registered with it again: shows the new answers, and
    applies them when the owner confirms (a POST, so that a mail scanner opening the link changes nothing)."""
    change = links.change_for_token(token)
    if change is None:
        return render(request, "visitors/change.html", {"change": None}, status=404)
    error = None
    if request.method == "POST":
        try:
            registration = services.registration_change_confirm(change=change)
        except services.RegistrationError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Your new details are saved. We have emailed you your registration."))
            return redirect("registration_done", links.manage_token(registration))
    context = {"change": change, "details": selectors.change_details(change), "error": error}
    return render(request, "visitors/change.html", context)


@require_http_methods(["GET", "POST"])
def registration_manage(request, token: str):
    registration = _registration(token)
    form = ChangeDaysForm(
        request.POST if request.method == "POST" else None,
        expo=registration.expo,
        initial={"days": [day.date.isoformat() for day in selectors.registration_days(registration)]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_change_days(registration=registration, dates=form.cleaned_data["days"])
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your days are changed. We have emailed you the details."))
            return redirect("registration_manage", token)
    badge = getattr(registration, "badge", None)
    context = {
        "registration": registration,
        "category_requested": registration.category_status == Registration.CategoryStatus.REQUESTED,
        "days": _days_context(registration),
        "form": form,
        "token": token,
        "badge": badge,
        "cancelled": registration.status == Registration.Status.CANCELLED,
    }
    return render(request, "visitors/manage.html", context)


@require_POST
def registration_cancel(request, token: str):
    registration = _registration(token)
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("registration_manage", token)


@require_POST
def registration_share_contact(request, token: str):
    """The visitor gives or withdraws their consent to exhibitors seeing their email and phone."""
    registration = _registration(token)
    share = request.POST.get("share") == "1"
    consent.contact_sharing_set(registration=registration, share=share)
    if share:
        messages.success(request, _("Exhibitors who scan your badge now see your email and phone."))
    else:
        messages.success(request, _("Exhibitors now see only your name and organisation."))
    return redirect("registration_manage", token)


@require_safe
def registration_badge(request, token: str):
    registration = _registration(token)
    badge = getattr(registration, "badge", None)
    if badge is None or badge.revoked or registration.status != Registration.Status.CONFIRMED:
        raise Http404
    badge = services.badge_render(badge_id=badge.pk)
    response = FileResponse(badge.pdf.open("rb"), content_type="application/pdf", filename=f"badge-{badge.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("register/", register, name="register"),
    path("register/done/<str:token>/", registration_done, name="registration_done"),
    path("register/manage/<str:token>/", registration_manage, name="registration_manage"),
    path("register/manage/<str:token>/cancel/", registration_cancel, name="registration_cancel"),
    path("register/manage/<str:token>/share-contact/", registration_share_contact, name="registration_share_contact"),
    path("register/manage/<str:token>/badge.pdf", registration_badge, name="registration_badge"),
    path("register/confirm/<str:token>/", registration_change, name="registration_change"),
]
