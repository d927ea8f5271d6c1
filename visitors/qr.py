"""Signed badge codes: what a badge's QR code carries and how a gate checks it. Pure Python, no Django.

A code is ``B1.`` followed by the base64url (no padding) of 79 bytes::

    format (1) | expo id (4, big-endian) | badge number (8, ASCII) | badge version (2) | Ed25519 signature (64)

The signature covers the first 15 bytes. Only the server holds the private key; gates (and the
browser's offline check) hold the public key, so a forged or altered code is refused without a
database. Whether a badge is revoked, or replaced by a newer version, needs the list of badges.

``verify`` never raises: any input, however long or malformed, gives a result with a reason.
"""

import base64
import binascii
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "B1."
FORMAT = 1
NUMBER_LENGTH = 8
_BODY = struct.Struct(">BI8sH")
SIGNATURE_LENGTH = 64
RAW_LENGTH = _BODY.size + SIGNATURE_LENGTH
# Longer input is refused before any decoding: a scanner may type anything.
MAX_LENGTH = len(PREFIX) + (RAW_LENGTH * 4 + 2) // 3
NUMBER_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"

MALFORMED = "malformed"
FORGED = "forged"


@dataclass(frozen=True)
class BadgeCode:
    expo_id: int
    number: str
    version: int


@dataclass(frozen=True)
class Verdict:
    """``code`` is set when the signature is good; ``reason`` says why not otherwise."""

    code: BadgeCode | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.code is not None


def _body(code: BadgeCode) -> bytes:
    number = code.number.encode("ascii")
    if len(number) != NUMBER_LENGTH or not 0 < code.expo_id < 2**32 or not 0 < code.version < 2**16:
        raise ValueError("badge code out of range")
    return _BODY.pack(FORMAT, code.expo_id, number, code.version)


def sign(code: BadgeCode, private_key: Ed25519PrivateKey) -> str:
    body = _body(code)
    raw = body + private_key.sign(body)
    return PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def verify(payload: str | bytes, public_key: Ed25519PublicKey) -> Verdict:
    """Check a scanned code's form and signature. Says nothing of revocation or the day."""
    if isinstance(payload, bytes):
        if len(payload) > MAX_LENGTH * 2:
            return Verdict(None, MALFORMED)
        try:
            payload = payload.decode("ascii")
        except UnicodeDecodeError:
            return Verdict(None, MALFORMED)
    if not isinstance(payload, str):
        return Verdict(None, MALFORMED)
    payload = payload.strip()
    if len(payload) > MAX_LENGTH or not payload.startswith(PREFIX):
        return Verdict(None, MALFORMED)
    encoded = payload[len(PREFIX) :]
    if not encoded.isascii() or not all(c.isalnum() or c in "-_" for c in encoded):
        return Verdict(None, MALFORMED)
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return Verdict(None, MALFORMED)
    if len(raw) != RAW_LENGTH:
        return Verdict(None, MALFORMED)
    # Canonical form only: a second spelling of the same bytes (stray low bits) is not a badge code.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != encoded:
        return Verdict(None, MALFORMED)
    body, signature = raw[: _BODY.size], raw[_BODY.size :]
    try:
        public_key.verify(signature, body)
    except InvalidSignature:
        return Verdict(None, FORGED)
    fmt, expo_id, number, version = _BODY.unpack(body)
    if fmt != FORMAT:
        return Verdict(None, MALFORMED)
    try:
        text = number.decode("ascii")
    except UnicodeDecodeError:
        return Verdict(None, MALFORMED)
    return Verdict(BadgeCode(expo_id=expo_id, number=text, version=version))


# --- Keys ------------------------------------------------------------------------


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A private key given as PEM (PKCS#8) or as the base64 of its 32 raw bytes."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the badge signing key must be an Ed25519 key")
        return key
    raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text else None)
    if len(raw) != 32:
        raise ValueError("a raw Ed25519 private key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def private_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def public_key_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_b64url(key: Ed25519PublicKey) -> str:
    """The public key as the gate page imports it with WebCrypto (``importKey('raw', …)``)."""
    return base64.urlsafe_b64encode(public_key_raw(key)).rstrip(b"=").decode("ascii")
