"""The visitor's choice to share their email and phone with exhibitors, made at registration and changed later.

Exhibitors read it live (``matchmaking.lead_access.contact_of``) and keep no copy of the email or phone, so a
visitor who withdraws the consent on their manage page is hidden from every exhibitor's leads and exports at once.
"""

from django.utils import timezone

from .models import Registration


def contact_sharing_set(*, registration: Registration, share: bool) -> None:
    Registration.objects.filter(pk=registration.pk).update(
        share_contact_with_exhibitors=share, updated_at=timezone.now()
    )
