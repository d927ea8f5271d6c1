"""Follow-up of leads after the expo: emails at +7, +30, +90 and +180 days, answered in one click, each sent once.

Celery beat runs ``follow_ups_send`` every hour. An expo's steps (``FollowUpStep``: the days and the English and
Urdu texts, staff's data) fall due at ``SEND_HOUR`` in the expo's time zone on the step's day after the expo's last
day. Each run sends the expo's latest due step to each side of every open lead made before that moment: a run
that comes late (the worker was down over a step's day) sends the step now due rather than every step it missed,
and a closed lead (won or lost) gets nothing more.

Each email is claimed once: the ``FollowUpEmail`` rows of (lead, step, side) are inserted in the transaction that
queues their emails in the outbox, on leads locked with SKIP LOCKED and re-read for claims once locked. A second
run, or a second worker at the same moment, finds them claimed or locked and sends nothing; a worker that dies
mid-run leaves either a whole committed chunk (whose emails the outbox sends, or its sweep re-sends) or nothing.
Leads are read in chunks of ``CHUNK`` with what the emails need, so the queries of a run grow with the number of
emails (the outbox writes one row each) and not with the reads per lead.

The emails carry signed links (``django.core.signing``, a salt of their own) naming the lead, the side, the
answer and the step: "order placed", "still talking", "no deal" and a value form, no sign-in. The first answer
of a (lead, step, side) updates the lead; the link used again shows what was recorded. An unsubscribe link
records a ``FollowUpOptOut`` holding only the SHA-256 of the address.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from exhibitors.models import ExhibitorMembership
from expo.models import Expo
from expo.services import email_queue

from . import outcomes
from .models import FollowUpEmail, FollowUpOptOut, FollowUpStep, Lead, LeadEvent
from .sequence_defaults import follow_up_steps_seed
from .services import MatchmakingError

ANSWER_SALT = "matchmaking.followup.answer"
UNSUBSCRIBE_SALT = "matchmaking.followup.unsubscribe"
SEND_HOUR = 9  # in the expo's time zone: the emails arrive at the start of a working day
CHUNK = 500
SIDES = (FollowUpEmail.Side.EXHIBITOR, FollowUpEmail.Side.VISITOR)


class FollowUpLinkError(MatchmakingError):
    """A link that was altered, or names what does not exist: refused with a page that says so."""


# --- Signed links ----------------------------------------------------------------------------------------------


def email_digest(address: str) -> str:
    """What an opt-out keeps of an address: the SHA-256 of it trimmed and in lower case."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    """What a one-click link says: on lead ``lead_id``, from ``side``, in the email of step ``step_id``."""

    lead_id: int
    side: str
    answer: str
    step_id: int


def answer_token(answer: Answer) -> str:
    payload = {"l": answer.lead_id, "s": answer.side, "a": answer.answer, "p": answer.step_id}
    return signing.dumps(payload, salt=ANSWER_SALT)


def answer_from_token(token: str) -> Answer:
    """The answer a link carries; ``FollowUpLinkError`` for a link that was altered or is not one of ours."""
    try:
        payload = signing.loads(token, salt=ANSWER_SALT)
        answer = Answer(lead_id=payload["l"], side=payload["s"], answer=payload["a"], step_id=payload["p"])
    except (signing.BadSignature, KeyError, TypeError):
        raise FollowUpLinkError(_("This link is not valid: it may have been altered or cut short.")) from None
    if answer.side not in SIDES or answer.answer not in outcomes.ANSWER_LABELS:
        raise FollowUpLinkError(_("This link is not valid: it may have been altered or cut short."))
    return answer


def unsubscribe_token(*, expo_id: int, address: str) -> str:
    return signing.dumps({"e": expo_id, "d": email_digest(address)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_from_token(token: str) -> tuple[Expo, str]:
    """The expo and the address digest an unsubscribe link names; ``FollowUpLinkError`` if it was altered."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        expo, digest = Expo.objects.filter(pk=payload["e"]).first(), str(payload["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        expo, digest = None, ""
    if expo is None or len(digest) != 64:
        raise FollowUpLinkError(_("This link is not valid: it may have been altered or cut short."))
    return expo, digest


def opt_out(*, expo: Expo, digest: str) -> bool:
    """Stop the expo's follow-up emails to the address of ``digest``; False when it had already asked."""
    _opt_out, created = FollowUpOptOut.objects.get_or_create(expo=expo, email_digest=digest)
    return created


def opted_out(*, expo: Expo, digest: str) -> bool:
    return FollowUpOptOut.objects.filter(expo=expo, email_digest=digest).exists()


# --- One-click answers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerOutcome:
    """What became of an answer: the lead as it is now, the answer recorded for the email, and whether this
    click recorded it (False: it was recorded before, or the lead was already closed)."""

    lead: Lead
    recorded: LeadEvent | None
    applied: bool


def _claim_of(answer: Answer) -> FollowUpEmail:
    claim = (
        FollowUpEmail.objects.select_related("step__expo")
        .filter(lead_id=answer.lead_id, step_id=answer.step_id, side=answer.side)
        .first()
    )
    if claim is None:
        # Signed by us but never sent (the lead or the step was deleted since): nothing to answer.
        raise FollowUpLinkError(_("This follow-up no longer exists."))
    return claim


def _answer_recorded(claim: FollowUpEmail) -> LeadEvent | None:
    """The answer given to ``claim``'s email: the side's first answer after that email and before its next one."""
    later = (
        FollowUpEmail.objects.filter(lead_id=claim.lead_id, side=claim.side, claimed_at__gt=claim.claimed_at)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    events = LeadEvent.objects.filter(
        lead_id=claim.lead_id, kind=LeadEvent.Kind.ANSWER, side=claim.side, at__gte=claim.claimed_at
    )
    if later is not None:
        events = events.filter(at__lt=later)
    return events.order_by("at", "pk").first()


def answer_state(answer: Answer) -> AnswerOutcome:
    """The lead and the answer recorded so far for the link's email, without changing anything."""
    claim = _claim_of(answer)
    return AnswerOutcome(lead=claim.lead, recorded=_answer_recorded(claim), applied=False)


def answer_record(*, answer: Answer, value_amount: Decimal | None, value_currency: str) -> AnswerOutcome:
    """Record the link's answer on its lead, once per email: the lead is locked, and an email already answered
    or a lead already closed is left as it is (the page then shows what was recorded)."""
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(pk=answer.lead_id).first()
        if lead is None:
            raise FollowUpLinkError(_("This follow-up no longer exists."))
        claim = _claim_of(answer)
        recorded = _answer_recorded(claim)
        if recorded is not None or not lead.is_open:
            return AnswerOutcome(lead=lead, recorded=recorded, applied=False)
        event = outcomes.lead_answer_apply(
            lead=lead, side=answer.side, answer=answer.answer, value_amount=value_amount, value_currency=value_currency
        )
    return AnswerOutcome(lead=lead, recorded=event, applied=True)


# --- The run ---------------------------------------------------------------------------------------------------


def step_due_at(step: FollowUpStep) -> datetime.datetime:
    """The moment ``step`` falls due: ``SEND_HOUR`` on its day after the expo's last day, in the expo's zone."""
    day = step.expo.end_date + datetime.timedelta(days=step.days_after)
    return datetime.datetime.combine(day, datetime.time(SEND_HOUR), tzinfo=ZoneInfo(step.expo.time_zone))


def due_steps(now: datetime.datetime) -> list[FollowUpStep]:
    """Each expo's latest active step that is due at ``now`` (at most one per expo)."""
    latest: dict[int, FollowUpStep] = {}
    for step in FollowUpStep.objects.filter(active=True).select_related("expo").order_by("expo_id", "days_after"):
        if step_due_at(step) <= now:
            latest[step.expo_id] = step
    return list(latest.values())


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str
    name: str


def _people(leads: list[Lead]) -> dict[int, list[str]]:
    """The active members' addresses of every exhibitor on either side of ``leads``, in one query."""
    exhibitor_ids = {lead.exhibitor_id for lead in leads}
    exhibitor_ids |= {lead.counterpart.exhibitor_id for lead in leads if lead.counterpart_id}
    exhibitor_ids.discard(None)
    members: dict[int, list[str]] = {}
    for exhibitor_id, address in (
        ExhibitorMembership.objects.filter(exhibitor_id__in=exhibitor_ids, user__is_active=True)
        .order_by("pk")
        .values_list("exhibitor_id", "user__email")
    ):
        members.setdefault(exhibitor_id, []).append(address)
    return members


def _recipients(lead: Lead, side: str, members: dict[int, list[str]]) -> tuple[list[Recipient], str]:
    """Who gets ``side``'s email of ``lead``, and the name of the other side to put in it."""
    registration = lead.registration or (lead.counterpart.registration if lead.counterpart_id else None)
    if registration is not None:
        visitor_name = registration.organisation or registration.full_name
    else:
        visitor_name = lead.counterpart.organisation if lead.counterpart_id else ""
    if side == FollowUpEmail.Side.EXHIBITOR:
        people = [
            Recipient(address, settings.LANGUAGE_CODE, lead.exhibitor.name)
            for address in members.get(lead.exhibitor_id, [])
        ]
        return people, visitor_name
    if registration is not None:
        # The visitor is greeted as a person; the organisation only when no name was given.
        greeting = registration.full_name or visitor_name
        return [Recipient(registration.email, registration.language, greeting)], lead.exhibitor.name
    if lead.counterpart_id and lead.counterpart.exhibitor_id:
        people = members.get(lead.counterpart.exhibitor_id, [])
        return [Recipient(address, settings.LANGUAGE_CODE, visitor_name) for address in people], lead.exhibitor.name
    return [], lead.exhibitor.name


def _site_url(lead: Lead) -> str:
    """Where the links point: the site the visitor registered on, else the portal's configured address."""
    registration = lead.registration or (lead.counterpart.registration if lead.counterpart_id else None)
    return ((registration.site_url if registration else "") or settings.EXPO_SITE_URL).rstrip("/")


def _queue(*, lead: Lead, step: FollowUpStep, side: str, recipient: Recipient, other: str):
    site = _site_url(lead)
    links = {
        f"{answer}_url": site + reverse("followup_answer", args=[answer_token(Answer(lead.pk, side, answer, step.pk))])
        for answer in outcomes.ANSWER_LABELS
    }
    links["unsubscribe_url"] = site + reverse(
        "followup_unsubscribe", args=[unsubscribe_token(expo_id=step.expo_id, address=recipient.address)]
    )
    urdu = recipient.language == "ur"
    context = {
        "expo": step.expo,
        "lead": lead,
        "name": recipient.name,
        "other": other,
        "subject": step.subject_ur if urdu and step.subject_ur else step.subject_en,
        "body": step.body_ur if urdu and step.body_ur else step.body_en,
    }
    return email_queue(
        to=recipient.address, template="followup", context=context, secret_context=links, language=recipient.language
    )


def _send_chunk(*, step: FollowUpStep, due_at: datetime.datetime, after: int, opted: set[str]) -> tuple[int, int]:
    """Claim and queue the emails of the next chunk of leads after pk ``after``; (last pk read, emails queued),
    the pk 0 when no lead is left. One transaction: the claims and their emails commit together or not at all."""
    with transaction.atomic():
        leads = list(
            Lead.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(expo_id=step.expo_id, status__in=outcomes.OPEN_STAGES, created_at__lt=due_at, pk__gt=after)
            .exclude(Exists(FollowUpEmail.objects.filter(lead=OuterRef("pk"), step=step)))
            .select_related("exhibitor", "registration", "counterpart__registration", "counterpart__exhibitor")
            .order_by("pk")[:CHUNK]
        )
        if not leads:
            return 0, 0
        # Locked now: a claim another worker committed while this one read is seen by this second read.
        claimed = set(
            FollowUpEmail.objects.filter(lead__in=leads, step=step).values_list("lead_id", flat=True).order_by()
        )
        leads_to_send = [lead for lead in leads if lead.pk not in claimed]
        claims = FollowUpEmail.objects.bulk_create(
            [FollowUpEmail(lead=lead, step=step, side=side) for lead in leads_to_send for side in SIDES]
        )
        members = _people(leads_to_send)
        queued, with_email = 0, []
        for claim in claims:
            recipients, other = _recipients(claim.lead, claim.side, members)
            for recipient in recipients:
                if email_digest(recipient.address) in opted:
                    continue
                email = _queue(lead=claim.lead, step=step, side=claim.side, recipient=recipient, other=other)
                queued += 1
                if claim.email_id is None:
                    claim.email = email
                    with_email.append(claim)
        FollowUpEmail.objects.bulk_update(with_email, ["email"], batch_size=CHUNK)
    return leads[-1].pk, queued


def _sequences_seed() -> None:
    """Give an expo with leads but no follow-up steps at all (created after the sequence's migration) the default
    sequence, so that its leads are followed up; staff stop a sequence by unticking its steps, not deleting them."""
    has_leads = Exists(Lead.objects.filter(expo=OuterRef("pk")))
    has_steps = Exists(FollowUpStep.objects.filter(expo=OuterRef("pk")))
    for expo in Expo.objects.filter(has_leads).exclude(has_steps).order_by("pk"):
        follow_up_steps_seed(expo)


def follow_ups_send(*, now: datetime.datetime) -> int:
    """Queue every follow-up email due at ``now`` not claimed yet; the number of emails queued.

    Safe to run twice and from two workers at once: each (lead, step, side) is claimed once.
    """
    _sequences_seed()
    count = 0
    for step in due_steps(now):
        due_at = step_due_at(step)
        opted = set(FollowUpOptOut.objects.filter(expo_id=step.expo_id).values_list("email_digest", flat=True))
        after = 0
        while True:
            after, queued = _send_chunk(step=step, due_at=due_at, after=after, opted=opted)
            count += queued
            if not after:
                break
    return count
