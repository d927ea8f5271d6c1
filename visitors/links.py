"""The links emailed to a person about their registration, the only keys to it they have.

The manage and confirmation-page links are signed. The link that confirms new details given for a known
email carries a random token that is stored only as its SHA-256, expires, and is used once.
"""

import datetime
import hashlib
import secrets

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Registration, RegistrationChange

SALT = "visitors.manage"
# Long enough to read one's email after a weekend; a new registration attempt sends a new link.
CHANGE_LINK_VALID_FOR = datetime.timedelta(days=7)


def manage_token(registration: Registration) -> str:
    return signing.Signer(salt=SALT).sign(registration.manage_token.hex)


def manage_path(registration: Registration) -> str:
    return reverse("registration_manage", args=[manage_token(registration)])


def _absolute(registration: Registration, path: str) -> str:
    return registration.site_url.rstrip("/") + path


def manage_url(registration: Registration) -> str:
    return _absolute(registration, manage_path(registration))


def done_url(registration: Registration) -> str:
    """The confirmation page, which the public form no longer shows itself: only the address's owner sees it."""
    return _absolute(registration, reverse("registration_done", args=[manage_token(registration)]))


def registration_for_token(token: str) -> Registration | None:
    """The registration the link names, or None for a link that was altered or never made."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("expo").filter(manage_token=value).first()


def new_change_token() -> str:
    return secrets.token_urlsafe(32)


def change_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def change_url(registration: Registration, token: str) -> str:
    return _absolute(registration, reverse("registration_change", args=[token]))


def change_for_token(token: str, *, now: datetime.datetime | None = None) -> RegistrationChange | None:
    """The pending change the link names, or None once it is used, expired, or for a link never made."""
    since = (now or timezone.now()) - CHANGE_LINK_VALID_FOR
    return (
        RegistrationChange.objects.select_related("registration__expo")
        .filter(token_hash=change_token_hash(token), created_at__gt=since)
        .first()
    )
