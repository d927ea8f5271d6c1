"""What every part of the visitors' services shares: the domain error, the status names and the enqueueing that
survives a broker outage."""

import logging

from kombu.exceptions import OperationalError as BrokerUnavailable

from expo import services as core

from ..models import Registration, Scan

logger = logging.getLogger("visitors.services")

Status = Registration.Status
CategoryStatus = Registration.CategoryStatus
Outcome = Scan.Outcome
BADGE_ATTACHMENT = "visitors.badge"


class RegistrationError(core.ExpoError):
    """A registration operation that cannot be done; the message says why."""


def enqueue(task, *args) -> None:
    """Queue ``task`` now; a broker that is down is logged, not raised: what the task does is done again later."""
    try:
        task.delay(*args)
    except BrokerUnavailable:
        # Nothing is lost: a badge PDF is made whenever it is first needed (an email going out, a download, a
        # sheet), and a sheet left queued is sent again by `badge_batches_requeue`.
        logger.warning(
            "Broker unavailable; %s%s not queued: a badge is drawn when next needed, a sheet by the sweep.",
            task.name,
            args,
        )
