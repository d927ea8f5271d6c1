"""Public pages: register for the current expo, the confirmation, and managing a registration by its signed link.

The links emailed to the person are the only keys to a registration: an altered or unknown link is a 404.
The form answers every registration the same way ("check your email"), whether the address is new or
known, so that it tells no one whether an address is registered; the confirmation page is reached from
the email. New answers for a known address change nothing until that address confirms them.
"""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expo import selectors as core_selectors

from .. import links, ratelimit, selectors, services
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


@require_http_methods(["GET", "POST"])
def register(request):
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
    context = {"expo": expo, "form": form, "days_left": selectors.days_left(expo)}
    return render(request, "visitors/register.html", context)


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
    path("register/manage/<str:token>/badge.pdf", registration_badge, name="registration_badge"),
    path("register/confirm/<str:token>/", registration_change, name="registration_change"),
]
