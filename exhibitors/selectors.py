"""Reads of the exhibitors app.

Access to a trade body's nominations goes through ``nomination_for_user`` and to an
exhibitor's records through ``exhibitor_for_user``: what a user may not see is a
404, exactly like what does not exist.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from expo.models import Expo, TradeBody, User

from . import ranking
from .models import (
    EXPORT_READY,
    ClusterCapacity,
    Exhibitor,
    ExhibitorProduct,
    Nomination,
    NominationRules,
    SizeClass,
)


def nominations_of_trade_body(*, trade_body: TradeBody, expo: Expo | None) -> QuerySet[Nomination]:
    return Nomination.objects.filter(trade_body=trade_body, expo=expo).select_related("cluster").order_by("-created_at")


def nomination_for_user(user: User, pk: int) -> Nomination:
    """The nomination ``pk`` if ``user`` belongs to the trade body that made it; 404 otherwise."""
    nomination = (
        Nomination.objects.filter(pk=pk, trade_body__tradebodymembership__user=user, trade_body__is_active=True)
        .select_related("expo", "trade_body", "cluster__sector")
        .first()
        if user.is_authenticated
        else None
    )
    if nomination is None:
        raise Http404
    return nomination


def exhibitor_for_user(user: User, pk: int) -> Exhibitor:
    """The exhibitor ``pk`` if ``user`` is one of its members; 404 otherwise."""
    exhibitor = (
        Exhibitor.objects.filter(pk=pk, exhibitormembership__user=user).select_related("expo", "cluster").first()
        if user.is_authenticated
        else None
    )
    if exhibitor is None:
        raise Http404
    return exhibitor


def exhibitors_for_user(user: User) -> QuerySet[Exhibitor]:
    if not user.is_authenticated:
        return Exhibitor.objects.none()
    return Exhibitor.objects.filter(exhibitormembership__user=user).select_related("expo").order_by("-expo__year")


# --- Public directory ---------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    cluster: int | None = None
    sector: int | None = None
    province: str = ""
    women_led: bool = False
    size_class: str = ""
    export_ready: bool = False


def directory(*, expo: Expo, filters: DirectoryFilters) -> QuerySet[Exhibitor]:
    """Listed exhibitors of ``expo`` matching ``filters``, with what a directory card shows, in name order."""
    exhibitors = Exhibitor.objects.filter(expo=expo, listed=True)
    if filters.query:
        product_match = ExhibitorProduct.objects.filter(exhibitor=OuterRef("pk"), name__icontains=filters.query)
        exhibitors = exhibitors.filter(Q(name__icontains=filters.query) | Exists(product_match))
    if filters.cluster:
        exhibitors = exhibitors.filter(cluster_id=filters.cluster)
    if filters.sector:
        exhibitors = exhibitors.filter(cluster__sector_id=filters.sector)
    if filters.province:
        exhibitors = exhibitors.filter(province=filters.province)
    if filters.women_led:
        exhibitors = exhibitors.filter(women_led=True)
    if filters.size_class in SizeClass.values:
        exhibitors = exhibitors.filter(size_class=filters.size_class)
    if filters.export_ready:
        exhibitors = exhibitors.filter(export_experience__in=EXPORT_READY)
    return exhibitors.select_related("cluster__sector").annotate(product_count=Count("products")).order_by("name")


def directory_exhibitor(*, expo: Expo, slug: str) -> Exhibitor:
    exhibitor = (
        Exhibitor.objects.filter(expo=expo, slug=slug, listed=True)
        .select_related("cluster__sector")
        .prefetch_related(Prefetch("products", queryset=ExhibitorProduct.objects.order_by("pk")), "certifications")
        .first()
    )
    if exhibitor is None:
        raise Http404
    return exhibitor


# --- Staff review ---------------------------------------------------------------------------


def nominations_ranked(*, expo: Expo) -> list[tuple[ranking.Ranked, Nomination]]:
    """Submitted nominations of ``expo`` in ranking order, each with its rank and score."""
    rules = NominationRules.objects.filter(expo=expo).first() or NominationRules(expo=expo)
    nominations = {
        nomination.pk: nomination
        for nomination in Nomination.objects.filter(
            expo=expo,
            status__in=[
                Nomination.Status.SUBMITTED,
                Nomination.Status.UNDER_REVIEW,
                Nomination.Status.WAITLISTED,
                Nomination.Status.APPROVED,
            ],
        )
        .select_related("trade_body", "cluster")
        .annotate(mean_score=Avg("reviews__weighted_score"), review_count=Count("reviews"))
    }
    candidates = [
        ranking.Candidate(
            id=nomination.pk,
            mean_score=float(nomination.mean_score) if nomination.mean_score is not None else None,
            women_led=nomination.women_led,
            micro=nomination.size_class == SizeClass.MICRO,
            submitted_order=nomination.submitted_at.timestamp() if nomination.submitted_at else 0.0,
        )
        for nomination in nominations.values()
    ]
    preferences = ranking.Preferences(
        women_led_bonus=float(rules.women_led_bonus), micro_bonus=float(rules.micro_bonus)
    )
    return [(ranked, nominations[ranked.id]) for ranked in ranking.rank(candidates, preferences)]


@dataclass(frozen=True)
class ClusterFill:
    cluster: str
    approved: int
    capacity: int | None


def cluster_fill(*, expo: Expo) -> list[ClusterFill]:
    """Approved nominations per cluster against the pavilion's capacity, for the ranked view."""
    approved = dict(
        Nomination.objects.filter(expo=expo, status=Nomination.Status.APPROVED)
        .values_list("cluster__name")
        .annotate(count=Count("pk"))
    )
    capacity = dict(ClusterCapacity.objects.filter(expo=expo).values_list("cluster__name", "exhibitors"))
    names = sorted(set(approved) | set(capacity))
    return [ClusterFill(name, approved.get(name, 0), capacity.get(name)) for name in names]


def nominations_of_same_enterprise(*, nomination: Nomination) -> QuerySet[Nomination]:
    """Other nominations of the same enterprise (another trade body, another edition), for staff."""
    if nomination.enterprise_id is None:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(enterprise_id=nomination.enterprise_id)
        .exclude(pk=nomination.pk)
        .select_related("trade_body", "expo")
        .order_by("-created_at")
    )
