"""Public pages: register for the current expo, the confirmation, and managing a registration by its signed link.

The manage link is the only key to a registration: an altered or unknown link is a 404. A second
registration with the same email gets the same answer as a new one would on the page ("check your
email"), so that the form does not tell anyone whether an address is registered.
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
    None with the refusal added to the form. Emails link back to the site the person registered on."""
    try:
        return services.registration_create(
            expo=expo,
            **form.person(),
            source=source,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            site_url=request.build_absolute_uri("/"),
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
        registered = register_from_form(request, expo=expo, form=form) if form.is_valid() else None
        if registered is not None:
            registration, created = registered
            if not created:
                return render(request, "visitors/check_email.html", {"expo": expo})
            return redirect("registration_done", links.manage_token(registration))
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
    context = {"registration": registration, "days": _days_context(registration), "token": token}
    return render(request, "visitors/done.html", context)


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
]
