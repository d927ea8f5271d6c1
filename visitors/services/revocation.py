"""Staff revoking a badge and lifting the revocation, each with a reason kept in ``BadgeRevocation`` and emailed to
the holder.

The holder's own cancellation is a different thing and never lifts a staff revocation."""

from django.db import transaction
from django.utils.translation import gettext as _

from expo.models import User

from ..models import Badge, BadgeRevocation
from .common import RegistrationError, Status
from .emails import badge_revocation_email


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Give the reason: it is kept in the badge's history."))
    return reason


def badge_revoke(*, badge: Badge, reason: str, by: User | None) -> Badge:
    """Staff take the badge out of use: no gate lets it in until staff lift the revocation, whatever its holder
    does with the registration. The reason is kept with who gave it and emailed to the holder."""
    reason = _reason(reason)
    with transaction.atomic():
        badge = Badge.objects.select_for_update().get(pk=badge.pk)
        if badge.staff_revoked:
            return badge
        badge.staff_revoked = badge.revoked = True
        badge.save(update_fields=["staff_revoked", "revoked"])
        revocation = BadgeRevocation.objects.create(badge=badge, revoked=True, reason=reason, by=by)
        badge_revocation_email(badge, revocation=revocation)
    return badge


def badge_revocation_lift(*, badge: Badge, reason: str, by: User | None) -> Badge:
    """Staff lift their revocation: the badge opens the gate again unless its registration is cancelled. The holder
    is told, with the reason."""
    reason = _reason(reason)
    with transaction.atomic():
        badge = Badge.objects.select_for_update(of=("self",)).select_related("registration").get(pk=badge.pk)
        if not badge.staff_revoked:
            return badge
        badge.staff_revoked = False
        badge.revoked = badge.registration is not None and badge.registration.status == Status.CANCELLED
        badge.save(update_fields=["staff_revoked", "revoked"])
        revocation = BadgeRevocation.objects.create(badge=badge, revoked=False, reason=reason, by=by)
        badge_revocation_email(badge, revocation=revocation)
    return badge
