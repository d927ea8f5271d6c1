"""Outcomes of leads: what each side says came of a contact, and the lead's way from new to won or lost.

A lead moves forward only: new → in talks → quote or sample → won (order, subcontract, investment or financing)
or lost. A closed lead (won or lost) keeps its status. ``status_change_error`` is the one place this rule lives;
the outcome form, the one-click answers of the follow-up emails and staff pages all ask it. Every change is a
``LeadEvent``: the lead's history is never rewritten, only added to.

An outcome recorded for a meeting needs the meeting's lead: ``meeting_lead`` finds or makes the exhibitor's lead
of that meeting (taking over the visitor's lead from a stall scan, so that one person stays one lead).
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exhibitors.models import Exhibitor
from expo.models import User

from .models import Currency, Lead, LeadEvent, Meeting, NextStep, Participant
from .services import MatchmakingError

# The open stages in their order: a lead never goes back to an earlier one.
OPEN_STAGES = (Lead.Status.NEW, Lead.Status.TALKS, Lead.Status.QUOTE)
MAX_VALUE = Decimal("999999999999.99")  # what fits Lead.value_amount (14 digits, 2 after the point)
# The one-click answers of the follow-up emails, in the words the email and the history show.
ANSWER_LABELS = {
    "order": gettext_lazy("Order placed"),
    "talks": gettext_lazy("Still talking"),
    "no_deal": gettext_lazy("No deal"),
    "value": gettext_lazy("Estimated value given"),
}


def status_change_error(current: str, new: str) -> str | None:
    """Why a lead in ``current`` cannot move to ``new``, or None when it can (staying where it is always can)."""
    if current == new:
        return None
    labels = dict(Lead.Status.choices)
    if current in Lead.CLOSED:
        return _("This lead is closed (%(status)s): its status cannot change any more.") % {"status": labels[current]}
    if new in OPEN_STAGES and OPEN_STAGES.index(new) < OPEN_STAGES.index(current):
        return _("A lead moves forward only: it cannot go back from “%(current)s” to “%(new)s”.") % {
            "current": labels[current],
            "new": labels[new],
        }
    return None


def _check_value(amount: Decimal | None, currency: str) -> None:
    if currency not in Currency.values:
        raise MatchmakingError(_("Choose PKR or USD."), field="value_currency")
    if amount is not None and not (Decimal(0) <= amount <= MAX_VALUE):
        raise MatchmakingError(_("Give a value from 0 to 999,999,999,999.99."), field="value_amount")


def _apply_status(lead: Lead, status: str, *, now) -> None:
    lead.status = status
    lead.closed_at = now if status in Lead.CLOSED else None


def lead_outcome_record(
    *,
    lead: Lead,
    side: str,
    by: User | None,
    status: str,
    next_step: str,
    rating: str,
    interest_product: str,
    value_amount: Decimal | None,
    value_currency: str,
    note: str,
) -> LeadEvent:
    """Record one side's outcome of ``lead``: its interest, next step, estimated value, status and a dated note.

    Refuses a backward or closed-lead status change, a value out of range and a submission that changes nothing,
    with the field it belongs to; then nothing is saved. The lead is locked, so two sides answering at once are
    applied one after the other, each checked against what the other left.
    """
    if status not in Lead.Status.values:
        raise MatchmakingError(_("Choose a status from the list."), field="status")
    if next_step and next_step not in NextStep.values:
        raise MatchmakingError(_("Choose a next step from the list."), field="next_step")
    if rating and rating not in Lead.Rating.values:
        raise MatchmakingError(_("Choose hot, warm or cold."), field="rating")
    _check_value(value_amount, value_currency)
    with transaction.atomic():
        current = Lead.objects.select_for_update().get(pk=lead.pk)
        error = status_change_error(current.status, status)
        if error:
            raise MatchmakingError(error, field="status")
        changes = {
            "next_step": next_step,
            "rating": rating,
            "interest_product": interest_product.strip(),
            "value_amount": value_amount,
            "value_currency": value_currency,
        }
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if value_amount is None and changed == ["value_currency"]:
            changed = []  # a currency with no amount says nothing
        if not changed and status == current.status and not note.strip():
            raise MatchmakingError(_("Nothing changed: give a new status, next step, value or a note."))
        status_from = current.status
        now = timezone.now()
        for name in changed:
            setattr(current, name, changes[name])
        _apply_status(current, status, now=now)
        current.save()
        lines = []
        if "next_step" in changed and next_step:
            lines.append(_("Next step: %(step)s") % {"step": NextStep(next_step).label})
        if note.strip():
            lines.append(note.strip())
        event = LeadEvent.objects.create(
            lead=current,
            at=now,
            by=by,
            side=side,
            kind=LeadEvent.Kind.STATUS if status != status_from else LeadEvent.Kind.OUTCOME,
            status_from=status_from if status != status_from else "",
            status_to=status if status != status_from else "",
            note="\n".join(lines),
            value_amount=current.value_amount if "value_amount" in changed else None,
            value_currency=current.value_currency if "value_amount" in changed else None,
        )
    lead.refresh_from_db()
    return event


def lead_answer_apply(
    *, lead: Lead, side: str, answer: str, value_amount: Decimal | None, value_currency: str
) -> LeadEvent:
    """Apply one side's one-click answer of a follow-up email to a locked, open ``lead`` (the caller holds the
    lock): "order" wins it as an order, "no_deal" loses it, "talks" moves a new lead into talks, "value" records
    the value. A value given with any answer is kept. The event's note says the answer in words."""
    _check_value(value_amount, value_currency)
    if answer not in ANSWER_LABELS:
        raise MatchmakingError(_("This answer is not one of the email's."))
    if answer == "value" and value_amount is None:
        raise MatchmakingError(_("Give the estimated value."), field="value_amount")
    target = {
        "order": Lead.Status.WON_ORDER,
        "no_deal": Lead.Status.LOST,
        "talks": Lead.Status.TALKS if lead.status == Lead.Status.NEW else lead.status,
    }.get(answer, lead.status)
    if status_change_error(lead.status, target):
        target = lead.status
    now = timezone.now()
    status_from = lead.status
    _apply_status(lead, target, now=now)
    if value_amount is not None:
        lead.value_amount, lead.value_currency = value_amount, value_currency
    lead.save()
    return LeadEvent.objects.create(
        lead=lead,
        at=now,
        side=side,
        kind=LeadEvent.Kind.ANSWER,
        note=str(ANSWER_LABELS[answer]),
        status_from=status_from if target != status_from else "",
        status_to=target if target != status_from else "",
        value_amount=value_amount,
        value_currency=value_currency if value_amount is not None else None,
    )


def meeting_sides(meeting: Meeting) -> tuple[Participant, Participant]:
    return meeting.request.sender, meeting.request.receiver


def meeting_lead(*, meeting: Meeting, exhibitor: Exhibitor, by: User | None) -> Lead:
    """The lead of ``exhibitor`` for ``meeting``, made when missing: its counterpart is the other side. A lead the
    exhibitor already has for the same visitor (a badge scanned at the stall) becomes the meeting's lead rather
    than a second lead of the same person."""
    existing = Lead.objects.filter(exhibitor=exhibitor, meeting=meeting).first()
    if existing is not None:
        return existing
    sender, receiver = meeting_sides(meeting)
    counterpart = receiver if sender.exhibitor_id == exhibitor.pk else sender
    with transaction.atomic():
        if counterpart.registration_id:
            by_person = (
                Lead.objects.select_for_update()
                .filter(exhibitor=exhibitor, registration_id=counterpart.registration_id, meeting__isnull=True)
                .first()
            )
            if by_person is not None:
                by_person.meeting, by_person.counterpart = meeting, counterpart
                by_person.save(update_fields=["meeting", "counterpart", "updated_at"])
                return by_person
        taken = Lead.objects.filter(exhibitor=exhibitor, registration_id=counterpart.registration_id).exists()
        try:
            with transaction.atomic():
                return Lead.objects.create(
                    expo=meeting.expo,
                    exhibitor=exhibitor,
                    registration_id=None if taken else counterpart.registration_id,
                    counterpart=counterpart,
                    meeting=meeting,
                    source=Lead.Source.MEETING,
                    captured_by=by,
                )
        except IntegrityError:
            # The other side (or a second click) made it a moment ago.
            return Lead.objects.get(exhibitor=exhibitor, meeting=meeting)


def meeting_outcome_record(*, meeting: Meeting, exhibitor: Exhibitor, side: str, by: User | None, **outcome) -> Lead:
    """Record one side's outcome of a meeting on the exhibitor's lead of it, made if missing; a refused outcome
    leaves no lead behind either. ``outcome`` holds the keyword arguments of ``lead_outcome_record``."""
    with transaction.atomic():
        lead = meeting_lead(meeting=meeting, exhibitor=exhibitor, by=by)
        lead_outcome_record(lead=lead, side=side, by=by, **outcome)
    return lead
