"""A deploy check: production must have the badge signing key, or badges and gates fail at the first visitor."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from . import qr


@register(Tags.security, deploy=True)
def badge_signing_key_check(app_configs, **kwargs) -> list[Error]:
    if settings.EXPO_BADGE_LOCAL_KEY and not settings.EXPO_BADGE_SIGNING_KEY:
        return []  # the local mode makes its own key in var/
    if not settings.EXPO_BADGE_SIGNING_KEY:
        return [
            Error(
                "EXPO_BADGE_SIGNING_KEY is not set: no badge can be signed and no gate can check one.",
                hint="Set it to an Ed25519 private key (see the README's environment table).",
                id="visitors.E001",
            )
        ]
    try:
        qr.load_private_key(settings.EXPO_BADGE_SIGNING_KEY)
    except ValueError as error:  # binascii.Error is one
        return [Error(f"EXPO_BADGE_SIGNING_KEY cannot be read: {error}.", id="visitors.E002")]
    return []
