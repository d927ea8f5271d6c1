"""The emails a registration's holder is sent: each queued through the outbox in the same transaction as the change
it tells of, in the registration's language."""

from enum import StrEnum

from expo import services as core

from ..models import Badge, Registration
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
