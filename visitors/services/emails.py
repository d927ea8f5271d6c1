"""The emails a badge's holder is sent: each queued through the outbox in the same transaction as the change it tells
of, in the registration's language."""

from enum import StrEnum

from django.conf import settings

from expo import services as core

from ..models import Badge, BadgeRevocation, Registration
from .common import BADGE_ATTACHMENT, CategoryStatus, Status


class Email(StrEnum):
    """Which registration email is sent: its templates read it as ``kind``."""

    CONFIRMATION = "confirmation"
    RESEND = "resend"
    UPDATED = "updated"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"
    # Someone registered again with the address: the stored details stand until the address confirms the new.
    CHANGE_REQUESTED = "change_requested"
    CATEGORY_CONFIRMED = "category_confirmed"
    CATEGORY_REFUSED = "category_refused"


def registration_email(registration: Registration, kind: str, *, change_url: str = "") -> None:
    """Queue the email about the registration's new state; while a day is confirmed and the badge opens the gate
    it carries the badge PDF, made when the email goes out (``badge_attachment``)."""
    from .. import links

    badge = Badge.objects.filter(registration=registration).first()
    with_badge = badge is not None and not badge.revoked and registration.status == Status.CONFIRMED
    core.email_queue(
        to=registration.email,
        template="visitor_registration",
        language=registration.language,
        attachment=(BADGE_ATTACHMENT, badge.pk) if with_badge else None,
        context={
            "registration": registration,
            "kind": kind,
            "days": list(registration.days.all()),
            "has_badge": with_badge,
            "badge_withdrawn": badge is not None and badge.staff_revoked,
            "category_requested": registration.category_status == CategoryStatus.REQUESTED,
        },
        # Links that open the registration: never stored readable in the outbox.
        secret_context={
            "done_url": links.done_url(registration),
            "manage_url": links.manage_url(registration),
            "change_url": change_url,
        },
    )


def badge_revocation_email(badge: Badge, *, revocation: BadgeRevocation) -> bool:
    """Tell the badge's holder that staff revoked it, or lifted the revocation, with the reason staff gave and where
    to ask: a holder turned away at the gate without a word would only learn it there. Sent to the registration's
    address in its language, or to a booth staff member's address if the exhibitor gave one; False when the holder
    has no address to write to (a badge staff issued by hand, booth staff without an email)."""
    from .. import links

    registration = badge.registration
    if registration is not None:
        to, language = registration.email, registration.language
    elif badge.booth_staff is not None and badge.booth_staff.email:
        to, language = badge.booth_staff.email, settings.LANGUAGE_CODE
    else:
        return False
    core.email_queue(
        to=to,
        template="visitor_badge_revocation",
        language=language,
        context={
            "badge": badge,
            "expo": badge.expo,
            "revoked": revocation.revoked,
            "reason": revocation.reason,
            # Lifted, the badge may still stay shut: its registration is cancelled.
            "opens_gate": not badge.revoked,
        },
        secret_context={
            "manage_url": links.manage_url(registration)
            if registration is not None and registration.status != Status.CANCELLED
            else "",
        },
    )
    return True
