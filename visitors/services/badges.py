"""Badges: issuing one with a unique number, keeping what it prints in line with its registration or booth staff
member, and drawing its PDF (after the commit, or when an email going out first needs it)."""

import secrets
from functools import partial

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from expo import services as core
from expo.models import Expo

from .. import badges as badge_pdfs
from .. import qr
from ..models import Badge, BadgeType, Registration
from .common import RegistrationError, Status, enqueue


def _new_badge_number() -> str:
    return "".join(secrets.choice(qr.NUMBER_ALPHABET) for _ in range(qr.NUMBER_LENGTH))


def badge_issue(
    *,
    expo: Expo,
    type: str,
    full_name: str,
    organisation: str = "",
    category: str = "",
    registration: Registration | None = None,
    booth_staff=None,
) -> Badge:
    """A new badge with a random number unique within the expo; its PDF is rendered after the commit."""
    with transaction.atomic():
        for _attempt in range(10):
            try:
                with transaction.atomic():
                    badge = Badge.objects.create(
                        expo=expo,
                        number=_new_badge_number(),
                        type=type,
                        full_name=full_name,
                        organisation=organisation,
                        category=category,
                        registration=registration,
                        booth_staff=booth_staff,
                    )
            except IntegrityError:
                if registration is not None and Badge.objects.filter(registration=registration).exists():
                    raise
                if booth_staff is not None and Badge.objects.filter(booth_staff=booth_staff).exists():
                    raise
                continue
            break
        else:  # pragma: no cover - 26^8 numbers; ten collisions in a row mean something else is wrong
            raise RegistrationError(_("No free badge number could be found. Please try again."))
        if registration is None:
            transaction.on_commit(partial(_enqueue_render, badge.pk))
    return badge


def _enqueue_render(badge_id: int) -> None:
    from ..tasks import render_badge

    enqueue(render_badge, badge_id)


def badge_update(*, badge: Badge, full_name: str, organisation: str) -> Badge:
    """Change what the badge shows: a new version (older printouts stop working) and a new PDF."""
    with transaction.atomic():
        badge = Badge.objects.select_for_update().get(pk=badge.pk)
        if (badge.full_name, badge.organisation) == (full_name, organisation):
            return badge
        badge.full_name, badge.organisation = full_name, organisation
        badge.version += 1
        badge.save(update_fields=["full_name", "organisation", "version"])
        transaction.on_commit(partial(_enqueue_render, badge.pk))
    return badge


def badge_sync(registration: Registration) -> Badge:
    """Bring the registration's badge in line with it: what it prints (a new version when that changes) and
    whether it opens the gate (not while the registration is cancelled or staff revoked it)."""
    badge = Badge.objects.select_for_update().get(registration=registration)
    printed = (registration.full_name, registration.organisation, registration.badge_category, registration.badge_type)
    changed = printed != (badge.full_name, badge.organisation, badge.category, badge.type)
    badge.full_name, badge.organisation, badge.category, badge.type = printed
    badge.revoked = badge.staff_revoked or registration.status == Status.CANCELLED
    if changed:
        badge.version += 1
    badge.save(update_fields=["full_name", "organisation", "category", "type", "revoked", "version"])
    return badge


def badge_render(*, badge_id: int) -> Badge:
    """Make the badge's PDF if it is missing or older than the badge. Safe to run twice."""
    with transaction.atomic():
        badge = Badge.objects.select_for_update(of=("self",)).select_related("expo", "registration").get(pk=badge_id)
        if badge.pdf_is_current:
            return badge
        language = badge.registration.language if badge.registration else "en"
        content = badge_pdfs.badge_pdf(badge, language=language)
        old = badge.pdf.name if badge.pdf else ""
        badge.pdf.save(f"{badge.number}.pdf", ContentFile(content), save=False)
        badge.pdf_version = badge.version
        badge.save(update_fields=["pdf", "pdf_version"])
        if old:
            transaction.on_commit(partial(badge.pdf.storage.delete, old))
    return badge


def badge_attachment(badge_id: str) -> core.Attachment | None:
    """The badge's PDF for an email going out now, made first if it is not current; None if the badge is gone.

    The outbox's maker ``BADGE_ATTACHMENT`` (``EXPO_ATTACHMENT_MAKERS``).
    """
    if not Badge.objects.filter(pk=badge_id).exists():
        return None
    badge = badge_render(badge_id=int(badge_id))
    with badge.pdf.open("rb") as pdf:
        return core.Attachment(content=pdf.read(), filename=f"badge-{badge.number}.pdf", mimetype="application/pdf")


def booth_staff_badges_sync(*, expo: Expo) -> tuple[int, int]:
    """Issue badges to new booth staff and bring the others' badges up to date with their names and exhibitor.

    Exhibitors edit their booth staff in their own app, which knows nothing of badges; a beat task runs this.
    Returns (issued, updated).
    """
    from exhibitors.models import BoothStaff

    issued = badges_for_booth_staff(expo=expo)
    updated = 0
    people = BoothStaff.objects.filter(exhibitor__expo=expo, badge__isnull=False).select_related("exhibitor", "badge")
    for person in people:
        badge = person.badge
        if (badge.full_name, badge.organisation) != (person.full_name, person.exhibitor.name):
            badge_update(badge=badge, full_name=person.full_name, organisation=person.exhibitor.name)
            updated += 1
    return issued, updated


def badges_for_booth_staff(*, expo: Expo) -> int:
    """Issue a badge to every booth staff member of the expo's exhibitors who has none. Returns how many."""
    from exhibitors.models import BoothStaff

    people = BoothStaff.objects.filter(exhibitor__expo=expo, badge__isnull=True).select_related("exhibitor")
    count = 0
    with transaction.atomic():
        for person in people:
            badge_issue(
                expo=expo,
                type=BadgeType.EXHIBITOR,
                full_name=person.full_name,
                organisation=person.exhibitor.name,
                booth_staff=person,
            )
            count += 1
    return count
