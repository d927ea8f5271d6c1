"""The badge signing key: from ``EXPO_BADGE_SIGNING_KEY``, or in the local mode a key kept in ``var/``.

The private key never leaves the server; pages get only the public key.
"""

import functools
import os
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import qr

LOCAL_KEY_FILE = "badge-signing-key"


def _local_key() -> Ed25519PrivateKey:
    """Made once per ``var/`` directory; web and worker processes sharing it share the key."""
    path = settings.VAR_DIR / LOCAL_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(qr.private_key_text(qr.generate_private_key()))
    text = path.read_text()
    if not text.strip():  # another process is writing it this very moment
        time.sleep(0.2)
        text = path.read_text()
    return qr.load_private_key(text)


@functools.cache
def private_key() -> Ed25519PrivateKey:
    if settings.EXPO_BADGE_SIGNING_KEY:
        return qr.load_private_key(settings.EXPO_BADGE_SIGNING_KEY)
    # Decided when the settings load: the test runner turns DEBUG off later, the local mode stays.
    if not settings.EXPO_BADGE_LOCAL_KEY:
        raise ImproperlyConfigured("EXPO_BADGE_SIGNING_KEY must be set when DJANGO_DEBUG is off.")
    return _local_key()


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()
