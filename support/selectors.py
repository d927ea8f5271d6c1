"""Reads of the support desk: an exhibitor's requests, the staff queue with its filters and overdue flags, a
request's history and whom a request may be given to."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from exhibitors.models import Enterprise, Exhibitor
from expo import roles
from expo.models import Expo, User

from .models import SupportNote, SupportRequest, SupportTeam


def overdue_q(today: datetime.date) -> Q:
    """The one rule of lateness: a request still open whose due day has passed (due today is not late yet)."""
    return Q(status__in=SupportRequest.OPEN_STATUSES, due_on__lt=today)


def with_overdue(requests: QuerySet[SupportRequest], *, today: datetime.date) -> QuerySet[SupportRequest]:
    return requests.annotate(overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()))


def exhibitor_of_enterprise(*, enterprise: Enterprise, expo: Expo | None) -> Exhibitor | None:
    """The enterprise as an exhibitor of ``expo``, if it exhibits: its members then see the request staff record."""
    return Exhibitor.objects.filter(enterprise=enterprise, expo=expo).first()


def requests_of_exhibitor(*, exhibitor: Exhibitor, today: datetime.date) -> QuerySet[SupportRequest]:
    return with_overdue(SupportRequest.objects.filter(exhibitor=exhibitor).select_related("team"), today=today)


def shared_history(*, request: SupportRequest) -> QuerySet[SupportNote]:
    """What the exhibitor is told of a request: its changes of status with their notes, and the outcome."""
    return request.notes.filter(shared=True)


def history(*, request: SupportRequest) -> QuerySet[SupportNote]:
    return request.notes.select_related("by")


@dataclass(frozen=True)
class QueueFilters:
    kind: str = ""
    province: str = ""
    status: str = ""
    team: int | None = None
    owner: User | None = None
    unowned: bool = False
    overdue: bool = False


def support_queue(*, expo: Expo | None, filters: QueueFilters, today: datetime.date) -> QuerySet[SupportRequest]:
    """The expo's requests that pass ``filters``, overdue first then by due day, each marked ``overdue``."""
    requests = SupportRequest.objects.filter(expo=expo)
    if filters.kind:
        requests = requests.filter(kind=filters.kind)
    if filters.province:
        requests = requests.filter(province=filters.province)
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.team is not None:
        requests = requests.filter(team_id=filters.team)
    if filters.owner is not None:
        requests = requests.filter(owner=filters.owner)
    if filters.unowned:
        requests = requests.filter(owner__isnull=True)
    if filters.overdue:
        requests = requests.filter(overdue_q(today))
    return with_overdue(requests.select_related("enterprise", "exhibitor", "team", "owner"), today=today).order_by(
        "-overdue", "due_on", "-created_at", "-id"
    )


def teams() -> QuerySet[SupportTeam]:
    return SupportTeam.objects.filter(is_active=True).order_by("name")


def support_staff() -> QuerySet[User]:
    """Who may own a request: the support desk, members of an active team (by name or group) and superusers."""
    desk = Group.objects.filter(name=roles.SUPPORT_DESK)
    team_groups = SupportTeam.objects.filter(is_active=True, group__isnull=False).values("group")
    return (
        User.objects.filter(
            Q(groups__in=desk) | Q(groups__in=team_groups) | Q(support_teams__is_active=True) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("email")
    )
