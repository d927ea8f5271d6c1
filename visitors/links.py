"""The signed link that lets a person manage their registration without an account."""

from django.core import signing
from django.urls import reverse

from .models import Registration

SALT = "visitors.manage"


def manage_token(registration: Registration) -> str:
    return signing.Signer(salt=SALT).sign(registration.manage_token.hex)


def manage_path(registration: Registration) -> str:
    return reverse("registration_manage", args=[manage_token(registration)])


def manage_url(registration: Registration) -> str:
    return registration.site_url.rstrip("/") + manage_path(registration)


def registration_for_token(token: str) -> Registration | None:
    """The registration the link names, or None for a link that was altered or never made."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("expo").filter(manage_token=value).first()
