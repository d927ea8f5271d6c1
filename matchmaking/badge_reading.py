"""A badge as the lounge desk and the stalls read it: the signed QR code a camera or scanner gives, or the
badge number printed under it, typed by hand.

The QR code is checked as the gate checks it (``visitors.qr``: the signature, the expo, the version); a typed
number is looked up in the expo's badges (eight characters of a 26-letter alphabet, drawn at random, so not
guessed). A badge that opens no gate (revoked, replaced) is refused here too, with the reason.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from visitors import keys, qr
from visitors.models import Badge


@dataclass(frozen=True)
class BadgeReading:
    """The badge read, or the reason it was refused (a sentence for the person scanning)."""

    badge: Badge | None
    refusal: str = ""


def _normalised_number(text: str) -> str:
    return "".join(text.split()).upper()


def badge_read(*, expo_id: int, code: str) -> BadgeReading:
    """The badge of ``expo_id`` that ``code`` (a scanned QR payload or a typed badge number) names."""
    code = (code or "").strip()
    if not code:
        return BadgeReading(None, _("Scan a badge or type its number."))
    if code.startswith(qr.PREFIX):
        verdict = qr.verify(code, keys.public_key())
        if not verdict.ok:
            return BadgeReading(
                None, _("Forged or altered code") if verdict.reason == qr.FORGED else _("Not a badge code")
            )
        if verdict.code.expo_id != expo_id:
            return BadgeReading(None, _("Badge of another expo"))
        number, version = verdict.code.number, verdict.code.version
    else:
        number, version = _normalised_number(code), None
        if len(number) != qr.NUMBER_LENGTH or any(char not in qr.NUMBER_ALPHABET for char in number):
            return BadgeReading(
                None, _("Not a badge number: it has eight letters and digits, as printed on the badge.")
            )
    badge = (
        Badge.objects.filter(expo_id=expo_id, number=number)
        .select_related("registration", "booth_staff__exhibitor")
        .first()
    )
    if badge is None:
        return BadgeReading(None, _("Unknown badge"))
    if badge.revoked:
        return BadgeReading(None, _("Revoked badge"))
    if version is not None and version != badge.version:
        return BadgeReading(None, _("Replaced by a newer badge"))
    return BadgeReading(badge)
