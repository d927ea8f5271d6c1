"""Leads captured at the stall: booth staff scan a visitor's badge with a phone and note what the visitor wants.

The phone may be offline: it keeps each scan with an id it made and uploads it later, maybe twice. The scan id
makes the upload count once (``Lead.scan_id``); a visitor scanned again by the same exhibitor finds the lead
already there and adds the new note, rating and interest to it (one lead per visitor per exhibitor), and the same
note uploaded twice is kept once. Only a visitor's badge makes a lead: booth staff, jury and organisers' badges
are refused with the reason.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor
from expo.models import User

from .badge_reading import badge_read
from .models import Lead, LeadEvent

# What a capture may set on the lead; an empty value leaves what is there.
INTEREST_FIELDS = ("rating", "interest_product", "quantity", "next_step")
# A phone's clock may be off, and a scan may wait offline for the whole expo: older than this, it is "now".
OLDEST_SCAN = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Capture:
    """The answer to one uploaded scan: the lead it made or added to, or the reason it was refused."""

    scan_id: uuid.UUID
    lead: Lead | None
    created: bool = False
    refusal: str = ""

    @property
    def ok(self) -> bool:
        return self.lead is not None

    @property
    def message(self) -> str:
        if self.refusal:
            return self.refusal
        name = self.lead.registration.full_name
        if self.created:
            return _("New lead: %(name)s") % {"name": name}
        return _("Added to the lead of %(name)s") % {"name": name}


def _when(scanned_at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    if scanned_at is None or scanned_at > now or scanned_at < now - OLDEST_SCAN:
        return now
    return scanned_at


def _add_note(lead: Lead, *, note: str, at: datetime.datetime, by: User | None) -> None:
    """Keep the note once, even when the phone uploads the same scan again."""
    note = note.strip()
    if not note:
        return
    if LeadEvent.objects.filter(lead=lead, kind=LeadEvent.Kind.NOTE, at=at, note=note).exists():
        return
    LeadEvent.objects.create(
        lead=lead, at=at, by=by, side=LeadEvent.Side.EXHIBITOR, kind=LeadEvent.Kind.NOTE, note=note
    )


def _apply(lead: Lead, interest: dict) -> None:
    changed = [name for name in INTEREST_FIELDS if interest.get(name) and getattr(lead, name) != interest[name]]
    for name in changed:
        setattr(lead, name, interest[name])
    if changed:
        lead.save(update_fields=[*changed, "updated_at"])


def stall_lead_capture(
    *,
    exhibitor: Exhibitor,
    code: str,
    scan_id: uuid.UUID,
    by: User | None,
    note: str = "",
    scanned_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
    **interest: str,
) -> Capture:
    """Make a lead of the visitor whose badge ``code`` names for ``exhibitor``, or add to it; ``interest`` holds
    any of ``INTEREST_FIELDS``. The same ``scan_id`` again changes nothing and answers the same lead."""
    now = now or timezone.now()
    when = _when(scanned_at, now)
    earlier = Lead.objects.filter(scan_id=scan_id).select_related("registration").first()
    if earlier is not None:
        if earlier.exhibitor_id != exhibitor.pk:
            return Capture(scan_id, None, refusal=_("This scan was already uploaded for another exhibitor."))
        return Capture(scan_id, earlier)
    reading = badge_read(expo_id=exhibitor.expo_id, code=code)
    if reading.badge is None:
        return Capture(scan_id, None, refusal=reading.refusal)
    registration = reading.badge.registration
    if registration is None:
        return Capture(
            scan_id,
            None,
            refusal=_("%(name)s wears a staff or exhibitor badge: leads are for visitors.")
            % {"name": reading.badge.full_name},
        )
    try:
        with transaction.atomic():
            lead = Lead.objects.select_for_update().filter(exhibitor=exhibitor, registration=registration).first()
            created = lead is None
            if created:
                lead = Lead.objects.create(
                    expo_id=exhibitor.expo_id,
                    exhibitor=exhibitor,
                    registration=registration,
                    source=Lead.Source.STALL_SCAN,
                    scan_id=scan_id,
                    captured_by=by,
                    created_at=when,
                    **{name: interest.get(name) or "" for name in INTEREST_FIELDS},
                )
            else:
                _apply(lead, interest)
            _add_note(lead, note=note, at=when, by=by)
    except IntegrityError:
        # The same visitor or the same scan written at the same moment by another upload: that one stands.
        with transaction.atomic():
            lead = Lead.objects.select_for_update().get(exhibitor=exhibitor, registration=registration)
            _apply(lead, interest)
            _add_note(lead, note=note, at=when, by=by)
        created = False
    lead.registration = registration
    return Capture(scan_id, lead, created=created)


def stall_lead_update(
    *, lead: Lead, by: User | None, note: str = "", now: datetime.datetime | None = None, **interest
) -> Lead:
    """The exhibitor changes the lead's rating or interest, or adds a note. An emptied field is emptied."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Lead.objects.select_for_update().get(pk=lead.pk)
        changed = [name for name in INTEREST_FIELDS if name in interest and getattr(current, name) != interest[name]]
        for name in changed:
            setattr(current, name, interest[name])
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
        _add_note(current, note=note, at=now, by=by)
    return current
