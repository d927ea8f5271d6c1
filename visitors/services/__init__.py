"""Writes of the visitors app: registrations and their waitlist, badges and their PDFs, print batches, gate scans.

Every function takes keyword arguments, runs in one transaction and raises ``RegistrationError`` with a message
the user can read. PDFs are made by tasks enqueued after the commit. Emails go through the outbox, queued in the
same transaction as the change they tell of; a badge PDF is attached when the email goes out
(``badge_attachment``), so the outbox's sweep covers a broker outage for both.

One module per concern (``registration``, ``desk``, ``badges``, ``revocation``, ``batches``, ``gate``); the names
the rest of the portal uses are all here, so ``visitors.services.<name>`` is the one way to reach them.
"""

from .badges import (
    badge_attachment,
    badge_issue,
    badge_render,
    badge_update,
    badges_for_booth_staff,
    booth_staff_badges_sync,
)
from .batches import (
    BATCH_CHUNK,
    badge_batch_create,
    badge_batch_fail,
    badge_batch_run,
    badge_batches_requeue,
)
from .common import BADGE_ATTACHMENT, CategoryStatus, Outcome, RegistrationError, Status
from .desk import registration_category_decide, registration_email_again
from .emails import Email
from .gate import MAX_CLOCK_AHEAD, MAX_OFFLINE_AGE, badge_judge, gate_ensure, scan_record
from .registration import (
    registration_cancel,
    registration_change_confirm,
    registration_change_days,
    registration_changes_purge_expired,
    registration_create,
)
from .revocation import badge_revocation_lift, badge_revoke

__all__ = [
    "BADGE_ATTACHMENT",
    "BATCH_CHUNK",
    "MAX_CLOCK_AHEAD",
    "MAX_OFFLINE_AGE",
    "CategoryStatus",
    "Email",
    "Outcome",
    "RegistrationError",
    "Status",
    "badge_attachment",
    "badge_batch_create",
    "badge_batch_fail",
    "badge_batch_run",
    "badge_batches_requeue",
    "badge_issue",
    "badge_judge",
    "badge_render",
    "badge_revocation_lift",
    "badge_revoke",
    "badge_update",
    "badges_for_booth_staff",
    "booth_staff_badges_sync",
    "gate_ensure",
    "registration_cancel",
    "registration_category_decide",
    "registration_change_confirm",
    "registration_change_days",
    "registration_changes_purge_expired",
    "registration_create",
    "registration_email_again",
    "scan_record",
]
