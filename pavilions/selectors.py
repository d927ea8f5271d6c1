"""Reads of the pavilions app: hall plans with their stalls and occupants, and the allocator's inputs."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from exhibitors.models import Exhibitor, ExhibitorProduct, Nomination
from exhibitors.selectors import nominations_ranked
from expo.models import Expo

from . import allocator
from .models import AllocationRun, Hall, Pavilion, Stall, StallAllocation


def halls_of_expo(*, expo: Expo) -> QuerySet[Hall]:
    return Hall.objects.filter(expo=expo)


def hall_by_code(*, expo: Expo, code: str) -> Hall:
    hall = Hall.objects.filter(expo=expo, code=code.upper()).first()
    if hall is None:
        raise Http404
    return hall


def hall_pavilions(*, hall: Hall) -> list[Pavilion]:
    return list(hall.pavilions.prefetch_related("clusters"))


def hall_stalls(*, hall: Hall, with_products: bool = False) -> list[Stall]:
    """Every stall of the hall and, where allocated, the exhibitor (and its products' names, to search).

    With ``with_products`` (the visitors' plan) the pavilion is not joined: the caller has the hall's pavilions.
    """
    stalls = Stall.objects.filter(pavilion__hall=hall).select_related("allocation__exhibitor__cluster").order_by("code")
    if with_products:
        stalls = stalls.prefetch_related(
            Prefetch("allocation__exhibitor__products", queryset=ExhibitorProduct.objects.only("exhibitor_id", "name"))
        )
    else:
        stalls = stalls.select_related("pavilion")
    return list(stalls)


def exhibitor_stalls(*, exhibitor: Exhibitor) -> list[Stall]:
    return list(Stall.objects.filter(allocation__exhibitor=exhibitor).select_related("pavilion__hall").order_by("code"))


def allocations_of_expo(*, expo: Expo) -> dict[int, tuple[int, ...]]:
    """Exhibitor id → the ids of its stalls, for the runs' snapshots and diffs."""
    result: dict[int, list[int]] = {}
    for exhibitor_id, stall_id in (
        StallAllocation.objects.filter(exhibitor__expo=expo)
        .order_by("stall_id")
        .values_list("exhibitor_id", "stall_id")
    ):
        result.setdefault(exhibitor_id, []).append(stall_id)
    return {key: tuple(value) for key, value in result.items()}


def allocation_run_for_expo(*, expo: Expo, pk: int) -> AllocationRun:
    run = AllocationRun.objects.filter(expo=expo, pk=pk).first()
    if run is None:
        raise Http404
    return run


@dataclass(frozen=True)
class AllocatorInputs:
    exhibitors: list[allocator.ExhibitorSpec]
    stalls: list[allocator.StallSpec]
    pavilions: list[allocator.PavilionSpec]


def _competitor_keys(exhibitor_ids: list[int]) -> dict[int, str]:
    """An exhibitor's main product line (HS heading, 4 digits): the same heading makes direct competitors."""
    keys: dict[int, str] = {}
    for exhibitor_id, hs_code in (
        ExhibitorProduct.objects.filter(exhibitor_id__in=exhibitor_ids)
        .exclude(hs_code="")
        .order_by("exhibitor_id", "pk")
        .values_list("exhibitor_id", "hs_code")
    ):
        keys.setdefault(exhibitor_id, hs_code.replace(".", "")[:4])
    return keys


def _exhibitor_spec(
    exhibitor: Exhibitor, *, rank_score: float | None, competitor_key: str | None, locked: tuple[int, ...]
):
    return allocator.ExhibitorSpec(
        id=exhibitor.pk,
        name=exhibitor.name,
        cluster_id=exhibitor.cluster_id,
        requested_area=float(exhibitor.stall_size),
        women_pavilion=exhibitor.wants_women_pavilion and exhibitor.women_led,
        trade_body_id=exhibitor.trade_body_id,
        rank_score=rank_score,
        competitor_key=competitor_key,
        locked_stall_ids=locked,
        cluster_name=exhibitor.cluster.name,
    )


def _pavilion_spec(pavilion: Pavilion) -> allocator.PavilionSpec:
    """Needs the pavilion's clusters prefetched."""
    return allocator.PavilionSpec(
        id=pavilion.pk,
        name=str(pavilion),
        kind=pavilion.kind,
        cluster_ids=frozenset(cluster.pk for cluster in pavilion.clusters.all()),
    )


def _stall_spec(stall: Stall) -> allocator.StallSpec:
    """Needs the stall's pavilion."""
    return allocator.StallSpec(
        id=stall.pk,
        code=stall.code,
        pavilion_id=stall.pavilion_id,
        hall_id=stall.pavilion.hall_id,
        rect=stall.rect,
        available=stall.status == Stall.Status.AVAILABLE,
        blocked=stall.status == Stall.Status.BLOCKED,
    )


def allocator_inputs(*, expo: Expo) -> AllocatorInputs:
    """The expo's approved exhibitors, stalls and pavilions as the allocator's plain data, locks included."""
    exhibitors = list(
        Exhibitor.objects.filter(expo=expo, nomination__status=Nomination.Status.APPROVED)
        .select_related("cluster")
        .prefetch_related(
            Prefetch(
                "stall_allocations",
                queryset=StallAllocation.objects.filter(locked=True).order_by("stall_id"),
                to_attr="locked_allocations",
            )
        )
        .order_by("pk")
    )
    scores = {nomination.pk: ranked.ranking_score for ranked, nomination in nominations_ranked(expo=expo)}
    competitors = _competitor_keys([exhibitor.pk for exhibitor in exhibitors])
    exhibitor_specs = [
        _exhibitor_spec(
            exhibitor,
            rank_score=scores.get(exhibitor.nomination_id),  # None when unscored: the allocator says so
            competitor_key=competitors.get(exhibitor.pk),
            locked=tuple(allocation.stall_id for allocation in exhibitor.locked_allocations),
        )
        for exhibitor in exhibitors
    ]
    pavilions = list(
        Pavilion.objects.filter(hall__expo=expo).exclude(kind=Pavilion.Kind.SERVICE).prefetch_related("clusters")
    )
    stalls = Stall.objects.filter(pavilion__in=pavilions).select_related("pavilion").order_by("pk")
    return AllocatorInputs(
        exhibitor_specs, [_stall_spec(stall) for stall in stalls], [_pavilion_spec(p) for p in pavilions]
    )


def hand_move_inputs(*, exhibitor: Exhibitor, stalls: list[Stall]) -> AllocatorInputs:
    """One exhibitor and the stalls staff chose for it, as the allocator's plain data, to ask its rules."""
    pavilion_ids = {stall.pavilion_id for stall in stalls}
    pavilions = Pavilion.objects.filter(pk__in=pavilion_ids).prefetch_related("clusters").order_by("pk")
    spec = _exhibitor_spec(
        exhibitor, rank_score=0.0, competitor_key=None, locked=tuple(sorted(stall.pk for stall in stalls))
    )
    return AllocatorInputs([spec], [_stall_spec(stall) for stall in stalls], [_pavilion_spec(p) for p in pavilions])


def halls_matching(*, expo: Expo, query: str) -> list[tuple[Hall, int]]:
    """Halls with stalls whose listed exhibitor, product, cluster or code matches ``query``, with how many."""
    query = query.strip()
    if not query:
        return []
    listed = Q(allocation__exhibitor__listed=True)
    matches = Q(code__iexact=query) | (
        listed
        & (
            Q(allocation__exhibitor__name__icontains=query)
            | Q(allocation__exhibitor__products__name__icontains=query)
            | Q(allocation__exhibitor__cluster__name__icontains=query)
        )
    )
    counts = dict(
        Stall.objects.filter(matches, pavilion__hall__expo=expo)
        .values_list("pavilion__hall_id")
        .annotate(count=Count("pk", distinct=True))
    )
    return [(hall, counts[hall.pk]) for hall in Hall.objects.filter(pk__in=counts)]
