"""The staff follow-up desk after the show: the expo's leads and support requests by cluster, province, stage,
value and age, a summary by stage, the desk's bulk actions and the rows of its exports.

Reads select everything a row shows in one query, so a page costs the same whatever the number of leads. Bulk
actions on leads write the lead's history as ``LeadEvent`` rows (side "staff"), the way every change of a lead is
kept; a closed lead (won or lost) is left as it is, as the outcomes' status rule says.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.exports import Row
from expo.models import Expo, User
from matchmaking.models import Lead, LeadEvent
from matchmaking.outcomes import status_change_error

from .models import SupportRequest
from .selectors import with_overdue


@dataclass(frozen=True)
class DeskFilters:
    """What the desk narrows its lists to; every field empty shows everything."""

    cluster: int | None = None
    province: str = ""
    stage: str = ""
    min_value: Decimal | None = None  # leads only: an estimated value of at least this much, in either currency
    older_than_days: int | None = None
    newer_than_days: int | None = None


def _narrowed(rows: QuerySet, filters: DeskFilters, now: datetime.datetime, *, cluster: str, province: str) -> QuerySet:
    """``rows`` (leads or support requests) narrowed by what both lists filter on; ``cluster`` and ``province``
    name the row's lookups for them."""
    if filters.cluster is not None:
        rows = rows.filter(**{cluster: filters.cluster})
    if filters.province:
        rows = rows.filter(**{province: filters.province})
    if filters.stage:
        rows = rows.filter(status=filters.stage)
    if filters.older_than_days is not None:
        rows = rows.filter(created_at__lte=now - datetime.timedelta(days=filters.older_than_days))
    if filters.newer_than_days is not None:
        rows = rows.filter(created_at__gt=now - datetime.timedelta(days=filters.newer_than_days))
    return rows


def desk_leads(*, expo: Expo | None, filters: DeskFilters, now: datetime.datetime) -> QuerySet[Lead]:
    """The expo's leads passing ``filters``, oldest first (the longest waiting for news), with what a row shows."""
    leads = _narrowed(
        Lead.objects.filter(expo=expo), filters, now, cluster="exhibitor__cluster_id", province="exhibitor__province"
    )
    if filters.min_value is not None:
        leads = leads.filter(value_amount__gte=filters.min_value)
    return leads.select_related("exhibitor__cluster", "registration", "counterpart").order_by("created_at", "pk")


def desk_requests(*, expo: Expo | None, filters: DeskFilters, now: datetime.datetime) -> QuerySet[SupportRequest]:
    """The expo's support requests passing ``filters`` (stage: their status), oldest first, marked ``overdue``."""
    requests = _narrowed(
        SupportRequest.objects.filter(expo=expo), filters, now, cluster="enterprise__cluster_id", province="province"
    )
    requests = requests.select_related("enterprise__cluster", "exhibitor", "team", "owner")
    return with_overdue(requests, today=timezone.localdate(now)).order_by("created_at", "pk")


def lead_summary(leads: QuerySet[Lead]) -> list[dict]:
    """Per stage of the given leads: how many, and their estimated value in each currency (one query)."""
    labels = dict(Lead.Status.choices)
    totals = leads.order_by().values("status", "value_currency").annotate(count=Count("pk"), value=Sum("value_amount"))
    by_stage: dict[str, dict] = {}
    for total in totals:
        stage = by_stage.setdefault(
            total["status"], {"stage": labels[total["status"]], "count": 0, "PKR": Decimal(0), "USD": Decimal(0)}
        )
        stage["count"] += total["count"]
        stage[total["value_currency"]] += total["value"] or 0
    return [by_stage[status] for status in Lead.Status.values if status in by_stage]


def request_summary(requests: QuerySet[SupportRequest]) -> list[dict]:
    """Per status of the given requests: how many (one query)."""
    labels = dict(SupportRequest.Status.choices)
    counts = dict(requests.order_by().values_list("status").annotate(count=Count("pk")))
    return [
        {"stage": labels[status], "count": counts[status]}
        for status in SupportRequest.Status.values
        if status in counts
    ]


def _age_days(created_at: datetime.datetime, now: datetime.datetime) -> int:
    return (now - created_at).days


def lead_person(lead: Lead) -> str:
    """Who the lead is with, as staff see it: the visitor's name and organisation, or the meeting counterpart."""
    if lead.registration_id:
        registration = lead.registration
        return (
            f"{registration.full_name}, {registration.organisation}"
            if registration.organisation
            else registration.full_name
        )
    return lead.counterpart.organisation if lead.counterpart_id else ""


# --- Bulk actions -------------------------------------------------------------------------


def leads_mark_lost(*, leads: Iterable[Lead], note: str, by: User | None) -> int:
    """Mark the open leads among ``leads`` lost, each with a dated event carrying ``note``. The count changed."""
    now = timezone.now()
    with transaction.atomic():
        locked = Lead.objects.select_for_update(of=("self",)).filter(pk__in=[lead.pk for lead in leads]).order_by("pk")
        # The outcomes' rule decides which leads may still move to "lost" (closed ones may not).
        open_leads = [lead for lead in locked if status_change_error(lead.status, Lead.Status.LOST) is None]
        LeadEvent.objects.bulk_create(
            LeadEvent(
                lead=lead,
                at=now,
                by=by,
                side=LeadEvent.Side.STAFF,
                kind=LeadEvent.Kind.STATUS,
                status_from=lead.status,
                status_to=Lead.Status.LOST,
                note=note,
            )
            for lead in open_leads
        )
        Lead.objects.filter(pk__in=[lead.pk for lead in open_leads]).update(
            status=Lead.Status.LOST, closed_at=now, updated_at=now
        )
    return len(open_leads)


def leads_note_add(*, leads: Iterable[Lead], note: str, by: User | None) -> int:
    """Add the same dated staff note to each of ``leads``. The count noted."""
    now = timezone.now()
    events = LeadEvent.objects.bulk_create(
        LeadEvent(lead=lead, at=now, by=by, side=LeadEvent.Side.STAFF, kind=LeadEvent.Kind.NOTE, note=note)
        for lead in leads
    )
    return len(events)


# --- Exports ------------------------------------------------------------------------------


def lead_rows(leads: Iterable[Lead], *, now: datetime.datetime) -> Iterator[Row]:
    """The leads as spreadsheet rows, a header first. Texts are written through ``expo.exports``."""
    yield [
        _("Lead"),
        _("Exhibitor"),
        _("Cluster"),
        _("Province"),
        _("With"),
        _("Source"),
        _("Rating"),
        _("Product of interest"),
        _("Next step"),
        _("Stage"),
        _("Estimated value"),
        _("Currency"),
        _("Captured"),
        _("Age in days"),
    ]
    for lead in leads:
        yield [
            lead.pk,
            lead.exhibitor.name,
            lead.exhibitor.cluster.name,
            lead.exhibitor.get_province_display(),
            lead_person(lead),
            lead.get_source_display(),
            lead.get_rating_display(),
            lead.interest_product,
            lead.get_next_step_display(),
            lead.get_status_display(),
            lead.value_amount,
            lead.value_currency,
            lead.created_at,
            _age_days(lead.created_at, now),
        ]


def request_rows(requests: Iterable[SupportRequest], *, now: datetime.datetime) -> Iterator[Row]:
    """The support requests as spreadsheet rows, a header first."""
    yield [
        _("Request"),
        _("Enterprise"),
        _("Exhibitor"),
        _("Cluster"),
        _("Province"),
        _("Kind"),
        _("Status"),
        _("Team"),
        _("Owner"),
        _("Due"),
        _("Overdue"),
        _("Asked"),
        _("Age in days"),
        _("Description"),
        _("Outcome"),
    ]
    for request in requests:
        yield [
            request.pk,
            request.enterprise.legal_name,
            request.exhibitor.name if request.exhibitor_id else "",
            request.enterprise.cluster.name,
            request.get_province_display(),
            request.get_kind_display(),
            request.get_status_display(),
            str(request.team) if request.team_id else "",
            request.owner.get_full_name() if request.owner_id else "",
            request.due_on,
            _("yes") if request.overdue else "",
            request.created_at,
            _age_days(request.created_at, now),
            request.description,
            request.outcome,
        ]
