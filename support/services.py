"""Writes of the support desk: asking for support, routing, assigning, changing status with a note, the outcome.

Every change of status is written with its note in the request's history and emailed to the exhibitor's members
(and the request's contact address) through the outbox. A request is routed when it is made, by
``routing.route`` over the active rules; the desk may route it again by hand.
"""

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exhibitors.models import Enterprise, Exhibitor
from expo.models import Expo, User
from expo.services import ExpoError, email_queue

from . import routing
from .models import RoutingRule, SupportNote, SupportRequest, SupportTeam

Status = SupportRequest.Status


class SupportError(ExpoError):
    """A support desk action that cannot be done, with a message for the person who tried."""


def _rules() -> list[routing.Rule]:
    return [
        routing.Rule(id=rule.pk, priority=rule.priority, team_id=rule.team_id, kind=rule.kind, province=rule.province)
        for rule in RoutingRule.objects.filter(is_active=True, team__is_active=True)
    ]


def _due_on(request: SupportRequest, team: SupportTeam | None):
    if team is None:
        return None
    return routing.due_on(opened_on=timezone.localdate(request.created_at), sla_days=team.sla_days)


def support_request_create(
    *,
    expo: Expo,
    enterprise: Enterprise,
    exhibitor: Exhibitor | None,
    kind: str,
    province: str,
    description: str,
    contact_email: str = "",
    by: User | None,
) -> SupportRequest:
    """Record a request for support and route it to a team by the first matching rule, due after its SLA."""
    if exhibitor is not None and exhibitor.enterprise_id != enterprise.pk:
        raise SupportError(_("The exhibitor is not this enterprise."))
    with transaction.atomic():
        request = SupportRequest(
            expo=expo,
            enterprise=enterprise,
            exhibitor=exhibitor,
            kind=kind,
            province=province,
            description=description,
            contact_email=contact_email,
            created_by=by,
        )
        rule = routing.route(_rules(), kind=kind, province=province)
        if rule is not None:
            request.team = SupportTeam.objects.get(pk=rule.team_id)
            request.due_on = _due_on(request, request.team)
        request.save()
        SupportNote.objects.create(
            request=request, by=by, kind=SupportNote.Kind.STATUS, status_to=Status.NEW, shared=True
        )
    return request


def _locked(request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update(of=("self",)).select_related("exhibitor", "team").get(pk=request.pk)


def _recipients(request: SupportRequest) -> list[str]:
    addresses = []
    if request.exhibitor_id:
        addresses = list(
            request.exhibitor.members.filter(is_active=True).order_by("email").values_list("email", flat=True)
        )
    if request.contact_email and request.contact_email.lower() not in {address.lower() for address in addresses}:
        addresses.append(request.contact_email)
    return addresses


def _notify_status(request: SupportRequest, note: str, site_url: str) -> None:
    url = ""
    if request.exhibitor_id:
        path = reverse("support_exhibitor_request", args=[request.exhibitor_id, request.pk])
        url = site_url.rstrip("/") + path
    context = {"support_request": request, "note": note, "request_url": url}
    for address in _recipients(request):
        email_queue(to=address, template="support_status", context=context)


def _status_apply(request: SupportRequest, *, status: str, note: str, by: User | None, site_url: str) -> None:
    """Move a locked request to ``status`` with its shared note and email; a request already there is refused."""
    if request.status == status:
        raise SupportError(_("The request is already “%(status)s”.") % {"status": request.get_status_display()})
    previous = request.status
    request.status = status
    request.closed_at = timezone.now() if status == Status.CLOSED else None
    request.save(update_fields=["status", "closed_at", "updated_at"])
    SupportNote.objects.create(
        request=request,
        by=by,
        kind=SupportNote.Kind.STATUS,
        status_from=previous,
        status_to=status,
        text=note,
        shared=True,
    )
    _notify_status(request, note, site_url)


def support_request_status_set(
    *, request: SupportRequest, status: str, note: str, by: User | None, site_url: str
) -> SupportRequest:
    """Change the request's status, keep the note in its history and tell the exhibitor by email."""
    if status not in Status.values:
        raise SupportError(_("Choose a status."))
    with transaction.atomic():
        locked = _locked(request)
        _status_apply(locked, status=status, note=note, by=by, site_url=site_url)
    return locked


def _assign(request: SupportRequest, *, owner: User | None, team: SupportTeam | None, by: User | None, site_url: str):
    changes = []
    if team is not None and team.pk != request.team_id:
        request.team = team
        request.due_on = _due_on(request, team)
        changes.append(_("team: %(team)s") % {"team": team})
    if owner is not None and owner.pk != request.owner_id:
        request.owner = owner
        changes.append(_("owner: %(owner)s") % {"owner": owner.get_full_name()})
    if not changes:
        return False
    request.save(update_fields=["team", "owner", "due_on", "updated_at"])
    SupportNote.objects.create(request=request, by=by, kind=SupportNote.Kind.ASSIGNMENT, text="; ".join(changes))
    if request.owner_id and request.status == Status.NEW:
        _status_apply(request, status=Status.ASSIGNED, note="", by=by, site_url=site_url)
    return True


def support_request_assign(
    *, request: SupportRequest, owner: User | None, team: SupportTeam | None, by: User | None, site_url: str
) -> SupportRequest:
    """Give the request an owner and/or another team (due again after the new team's SLA); a new request with an
    owner becomes assigned."""
    if owner is None and team is None:
        raise SupportError(_("Choose an owner or a team."))
    with transaction.atomic():
        locked = _locked(request)
        if not _assign(locked, owner=owner, team=team, by=by, site_url=site_url):
            raise SupportError(_("Nothing changed: the request already has that owner and team."))
    return locked


def support_request_outcome_record(*, request: SupportRequest, outcome: str, by: User | None) -> SupportRequest:
    """Record what the support achieved; the earlier outcome stays in the history."""
    with transaction.atomic():
        locked = _locked(request)
        locked.outcome = outcome
        locked.save(update_fields=["outcome", "updated_at"])
        SupportNote.objects.create(request=locked, by=by, kind=SupportNote.Kind.OUTCOME, text=outcome, shared=True)
    return locked


def support_note_add(*, request: SupportRequest, text: str, by: User | None) -> SupportNote:
    """A dated note kept with the request for staff."""
    return SupportNote.objects.create(request=request, by=by, kind=SupportNote.Kind.NOTE, text=text)


def support_requests_assign(
    *, requests: Iterable[SupportRequest], owner: User | None, team: SupportTeam | None, by: User | None, site_url: str
) -> int:
    """Assign each request as ``support_request_assign`` would; those already so assigned are left. The count
    changed."""
    if owner is None and team is None:
        raise SupportError(_("Choose an owner or a team."))
    changed = 0
    with transaction.atomic():
        for request in SupportRequest.objects.select_for_update(of=("self",)).filter(pk__in=[r.pk for r in requests]):
            changed += _assign(request, owner=owner, team=team, by=by, site_url=site_url)
    return changed


def support_requests_close(*, requests: Iterable[SupportRequest], note: str, by: User | None, site_url: str) -> int:
    """Close each request not closed yet, with the note, emailing each exhibitor. The count closed."""
    closed = 0
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update(of=("self",)).select_related("exhibitor")
        for request in locked.filter(pk__in=[r.pk for r in requests]).exclude(status=Status.CLOSED):
            _status_apply(request, status=Status.CLOSED, note=note, by=by, site_url=site_url)
            closed += 1
    return closed
