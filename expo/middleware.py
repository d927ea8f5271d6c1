"""Keeps staff without a TOTP authenticator out of every staff page: the admin, and the pages that call
``expo.staff.staff_access`` (the gate, the registration desk, ...)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .staff import StaffMFARequired, staff_mfa_enforce


def _wants_json(request) -> bool:
    """A script's request (the gate's scans and day list): it reads JSON and cannot follow a page to set up MFA."""
    accept = request.headers.get("Accept", "")
    return request.content_type == "application/json" or ("application/json" in accept and "text/html" not in accept)


class StaffMFARequiredMiddleware:
    """Send a member of staff who has not set up TOTP to the MFA setup page before any staff page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        user = request.user
        if request.path.startswith(self.admin_prefix) and user.is_authenticated and user.is_staff:
            try:
                staff_mfa_enforce(user)
            except StaffMFARequired:
                return self.refuse(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StaffMFARequired):
            return self.refuse(request)
        return None

    @staticmethod
    def refuse(request) -> HttpResponse:
        setup_url = reverse("mfa_activate_totp")
        message = _("Staff must set up an authenticator app before opening staff pages.")
        if _wants_json(request):
            return JsonResponse({"error": message, "mfa_setup_url": setup_url}, status=403)
        if getattr(request, "htmx", False):
            # A fragment swapped into a page cannot show the setup page: htmx loads it as a whole page instead.
            response = HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
            response["HX-Redirect"] = setup_url
            return response
        messages.warning(request, message)
        return redirect(f"{setup_url}?{urlencode({'next': request.get_full_path()})}")
