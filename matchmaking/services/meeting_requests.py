"""Meeting requests: sending, answering and withdrawing them, with the email each step sends.

A request locks both participants' rows, so that the cap and the one-open-request-per-pair rule hold when both
sides click at once.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor
from expo.models import User
from expo.services import email_queue
from visitors import links

from .. import selectors
from ..models import Meeting, MeetingRequest, Participant, Priority
from .base import MatchmakingError, _lock
from .participants import exhibitor_participant_ensure


def _days(slot_ids: set[int], slots: dict) -> str:
    days = sorted({timezone.localtime(slots[pk].start).date() for pk in slot_ids})
    return ", ".join(formats.date_format(day, "D j M") for day in days)


def _check_common_time(*, asking: Participant, other: Participant) -> None:
    """Refuse a meeting between two participants who share no meeting slot they are both available in ("outside
    availability"), saying why. Before the desk has made any meeting slot there is nothing to hold them against."""
    slots = {slot.pk: slot for slot in selectors.meeting_slots(asking.expo)}
    if not slots:
        return
    mine = selectors.available_slot_ids(participant=asking)
    theirs = selectors.available_slot_ids(participant=other)
    if mine & theirs:
        return
    if not mine:
        message = _("Outside availability: you have no meeting slot open. Open some in your availability first.")
    elif not theirs:
        message = _("Outside availability: %(name)s has no meeting slot open.") % {"name": other}
    else:
        message = _(
            "Outside availability: you can meet on %(mine)s and %(name)s on %(theirs)s, never in the same slot."
        ) % {"mine": _days(mine, slots), "name": other, "theirs": _days(theirs, slots)}
    raise MatchmakingError(message, field="to")


def _receiver(*, sender: Participant, exhibitor_id: int | None, participant_id: int | None) -> Participant:
    if exhibitor_id is not None:
        exhibitor = Exhibitor.objects.filter(pk=exhibitor_id, expo=sender.expo, listed=True).first()
        if exhibitor is None:
            raise MatchmakingError(_("This exhibitor is not at this expo."), field="to")
        if sender.exhibitor_id == exhibitor.pk:
            raise MatchmakingError(_("You cannot ask yourself for a meeting."), field="to")
        receiver = exhibitor_participant_ensure(exhibitor=exhibitor)
    else:
        receiver = Participant.objects.filter(pk=participant_id, expo=sender.expo).first()
        if receiver is None:
            raise MatchmakingError(_("This participant is not at this expo."), field="to")
    if receiver.pk == sender.pk:
        raise MatchmakingError(_("You cannot ask yourself for a meeting."), field="to")
    if not receiver.active:
        raise MatchmakingError(_("This participant no longer takes meeting requests."), field="to")
    if not sender.is_exhibitor and not receiver.is_exhibitor:
        raise MatchmakingError(_("Visitors ask exhibitors for meetings, not each other."), field="to")
    return receiver


def request_send(
    *,
    sender: Participant,
    exhibitor_id: int | None = None,
    participant_id: int | None = None,
    message: str,
    priority: str,
    at_stall: bool = False,
    by: User | None = None,
    site_url: str,
) -> MeetingRequest:
    """Ask an exhibitor (by ``exhibitor_id``) or another participant for a meeting; the receiver is emailed."""
    if priority not in Priority.values:
        raise MatchmakingError(_("Choose a priority."), field="priority")
    with transaction.atomic():
        receiver = _receiver(sender=sender, exhibitor_id=exhibitor_id, participant_id=participant_id)
        _lock(sender, receiver)
        sender.refresh_from_db()
        if not sender.active:
            raise MatchmakingError(_("You no longer take part in matchmaking."))
        rules = selectors.settings_for(sender.expo)
        if not rules.requests_open:
            raise MatchmakingError(_("Meeting requests are closed for this expo."))
        if selectors.sent_count(participant=sender) >= rules.request_cap:
            raise MatchmakingError(
                _("You have sent the %(cap)s requests allowed; withdraw one to send another.")
                % {"cap": rules.request_cap}
            )
        standing = MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN).filter(
            Q(sender=sender, receiver=receiver) | Q(sender=receiver, receiver=sender)
        )
        if standing.exists():
            raise MatchmakingError(
                _("A request between you and %(name)s already stands.") % {"name": receiver}, field="to"
            )
        _check_common_time(asking=sender, other=receiver)
        meeting_request = MeetingRequest.objects.create(
            expo=sender.expo,
            sender=sender,
            receiver=receiver,
            message=message.strip(),
            priority=priority,
            at_stall=at_stall and (sender.is_exhibitor or receiver.is_exhibitor),
            sent_by=by,
        )
        _notify(meeting_request, to=receiver, kind="received", site_url=site_url)
    return meeting_request


def _decide(
    *,
    meeting_request: MeetingRequest,
    by_participant: Participant,
    status: str,
    reason: str = "",
    by: User | None = None,
    site_url: str,
) -> None:
    with transaction.atomic():
        current = MeetingRequest.objects.select_for_update().get(pk=meeting_request.pk)
        if status == MeetingRequest.Status.WITHDRAWN:
            if current.sender_id != by_participant.pk:
                raise MatchmakingError(_("Only the participant who sent a request can withdraw it."))
            if current.status not in MeetingRequest.OPEN:
                raise MatchmakingError(_("This request is no longer open."))
            if current.meetings.filter(state__in=Meeting.STANDING).exists():
                raise MatchmakingError(_("This meeting is on the agenda: ask the matchmaking desk to cancel it."))
        else:
            if current.receiver_id != by_participant.pk:
                raise MatchmakingError(_("Only the participant who was asked can answer."))
            if current.status != MeetingRequest.Status.PENDING:
                raise MatchmakingError(_("This request has already been answered."))
            if status == MeetingRequest.Status.ACCEPTED:
                _check_common_time(asking=current.receiver, other=current.sender)
        if status == MeetingRequest.Status.DECLINED and reason not in MeetingRequest.DeclineReason.values:
            raise MatchmakingError(_("Choose a reason."), field="reason")
        current.status = status
        current.decline_reason = reason if status == MeetingRequest.Status.DECLINED else ""
        current.decided_at, current.decided_by = timezone.now(), by
        current.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
        meeting_request.status, meeting_request.decline_reason = current.status, current.decline_reason
        other = current.receiver if status == MeetingRequest.Status.WITHDRAWN else current.sender
        _notify(current, to=other, kind=status, site_url=site_url)


# ``by`` on an answer is the member of the desk acting for ``by_participant``, recorded as ``decided_by``.


def request_accept(
    *, meeting_request: MeetingRequest, by_participant: Participant, by: User | None = None, site_url: str
) -> None:
    _decide(
        meeting_request=meeting_request,
        by_participant=by_participant,
        status=MeetingRequest.Status.ACCEPTED,
        by=by,
        site_url=site_url,
    )


def request_decline(
    *, meeting_request: MeetingRequest, by_participant: Participant, reason: str, by: User | None = None, site_url: str
) -> None:
    _decide(
        meeting_request=meeting_request,
        by_participant=by_participant,
        status=MeetingRequest.Status.DECLINED,
        reason=reason,
        by=by,
        site_url=site_url,
    )


def request_withdraw(
    *, meeting_request: MeetingRequest, by_participant: Participant, by: User | None = None, site_url: str
) -> None:
    _decide(
        meeting_request=meeting_request,
        by_participant=by_participant,
        status=MeetingRequest.Status.WITHDRAWN,
        by=by,
        site_url=site_url,
    )


def _notify(meeting_request: MeetingRequest, *, to: Participant, kind: str, site_url: str) -> None:
    """Email ``to`` about the request: the registration's address with their own secret link, or each member of
    the exhibitor with the link to its dashboard on ``site_url``."""
    other = meeting_request.sender if to.pk == meeting_request.receiver_id else meeting_request.receiver
    context = {"kind": kind, "meeting_request": meeting_request, "recipient": to, "other": other}
    if to.registration_id:
        registration = to.registration
        base = registration.site_url.rstrip("/")
        requests_path = selectors.Actor(
            expo=to.expo, registration=registration, token=links.manage_token(registration)
        ).url("requests")
        email_queue(
            to=registration.email,
            template="matchmaking_request",
            context=context,
            secret_context={"requests_url": base + requests_path},
            language=registration.language,
        )
        return
    exhibitor = to.exhibitor
    url = site_url.rstrip("/") + selectors.Actor(expo=to.expo, exhibitor=exhibitor).url("requests")
    for address in selectors.member_emails(exhibitor):
        email_queue(to=address, template="matchmaking_request", context={**context, "requests_url": url})
