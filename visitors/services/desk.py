"""What the registration desk does to a registration besides registering walk-ins (``registration_create`` with
``category_confirmed_by``): deciding a requested category and sending a registration again."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import User

from ..models import PRIVILEGED_CATEGORIES, Registration
from .badges import badge_sync
from .common import CategoryStatus, RegistrationError, Status
from .emails import Email, registration_email


def registration_category_decide(
    *, registration: Registration, confirm: bool, by: User, now: datetime.datetime | None = None
) -> Registration:
    """The registration desk confirms or refuses a requested privileged category. Confirmed, the badge takes the
    category's type (a new version, emailed); refused, it stays a visitor's. Either way the person is told."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("expo").get(pk=registration.pk)
        if registration.category not in PRIVILEGED_CATEGORIES:
            raise RegistrationError(
                _("%(category)s needs no confirmation.") % {"category": registration.get_category_display()}
            )
        if registration.status == Status.CANCELLED:
            raise RegistrationError(_("This registration is cancelled."))
        status = CategoryStatus.CONFIRMED if confirm else CategoryStatus.REFUSED
        if registration.category_status == status:
            return registration
        registration.category_status = status
        registration.category_decided_by = by
        registration.category_decided_at = now or timezone.now()
        registration.save(update_fields=["category_status", "category_decided_by", "category_decided_at", "updated_at"])
        badge_sync(registration)
        registration_email(registration, Email.CATEGORY_CONFIRMED if confirm else Email.CATEGORY_REFUSED)
    return registration


def registration_email_again(*, registration: Registration) -> None:
    """Send the person their registration (and badge) again."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration_email(registration, Email.CANCELLED if registration.status == Status.CANCELLED else Email.RESEND)
