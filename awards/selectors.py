"""Reads of the awards: the categories open for candidates, candidacies as each organisation sees them, the
facts the eligibility rules look at (``eligibility_inputs``, the one adapter to ``awards.eligibility``), and the
results as the secretariat, the ceremony and the public pages read them (their writes are in ``awards.results``)."""

from collections import defaultdict

from django.db.models import Count, Prefetch, QuerySet

from exhibitors.models import Exhibitor
from expo.models import Expo, TradeBody
from pavilions.models import StallAllocation

from . import eligibility
from .models import Candidate, Category, EligibilityOverride, EvidenceFile, Result


def categories_open(*, expo: Expo | None) -> QuerySet[Category]:
    """The categories of ``expo`` that take candidates, in their order, with their clusters and sectors."""
    if expo is None:
        return Category.objects.none()
    return Category.objects.filter(expo=expo, candidacy_open=True).prefetch_related("clusters", "sectors")


def _candidates() -> QuerySet[Candidate]:
    return (
        Candidate.objects.select_related("category", "exhibitor", "trade_body")
        .annotate(evidence_count=Count("evidence"))
        .order_by("category__order", "category__name", "exhibitor__name")
    )


def candidates_of_trade_body(*, trade_body: TradeBody, expo: Expo | None) -> QuerySet[Candidate]:
    """Every candidacy of the trade body's exhibitors at ``expo``, whoever put them forward."""
    if expo is None:
        return Candidate.objects.none()
    return _candidates().filter(exhibitor__trade_body=trade_body, category__expo=expo)


def candidates_of_exhibitor(*, exhibitor: Exhibitor) -> QuerySet[Candidate]:
    return _candidates().filter(exhibitor=exhibitor)


def exhibitors_of_trade_body(*, trade_body: TradeBody, expo: Expo | None) -> QuerySet[Exhibitor]:
    """The exhibitors the trade body nominated for ``expo``: the only ones it may put forward."""
    if expo is None:
        return Exhibitor.objects.none()
    return Exhibitor.objects.filter(trade_body=trade_body, expo=expo).order_by("name")


def candidate_page(*, pk: int) -> Candidate:
    """A candidate with what its page shows: evidence and the override history with who decided."""
    return (
        Candidate.objects.select_related("category__expo", "exhibitor", "trade_body", "put_forward_by")
        .prefetch_related(
            Prefetch("evidence", queryset=EvidenceFile.objects.order_by("pk")),
            Prefetch("overrides", queryset=EligibilityOverride.objects.select_related("decided_by")),
        )
        .get(pk=pk)
    )


def _rules(category: Category) -> eligibility.Rules:
    expo = category.expo
    return eligibility.Rules(
        expo_id=expo.pk,
        expo_year=expo.year,
        women_led_only=category.women_led_only,
        micro_only=category.micro_only,
        cluster_ids=frozenset(cluster.pk for cluster in category.clusters.all()),
        sector_ids=frozenset(sector.pk for sector in category.sectors.all()),
        first_time_only=category.first_time_only,
        min_years_in_business=category.min_years_in_business,
    )


def _applicant(exhibitor: Exhibitor, earlier_editions: tuple[int, ...]) -> eligibility.Applicant:
    return eligibility.Applicant(
        expo_id=exhibitor.expo_id,
        women_led=exhibitor.women_led,
        size_class=exhibitor.size_class,
        cluster_id=exhibitor.cluster_id,
        sector_id=exhibitor.cluster.sector_id,
        year_founded=exhibitor.nomination.year_founded,
        earlier_editions=earlier_editions,
    )


def _earlier_editions(*, enterprise_ids: set[int], before_year: int) -> dict[int, tuple[int, ...]]:
    """The years of each enterprise's editions before ``before_year``, in order (one query for them all)."""
    years: dict[int, list[int]] = defaultdict(list)
    for enterprise_id, year in (
        Exhibitor.objects.filter(enterprise_id__in=enterprise_ids, expo__year__lt=before_year)
        .values_list("enterprise_id", "expo__year")
        .order_by("expo__year")
    ):
        years[enterprise_id].append(year)
    return {enterprise_id: tuple(found) for enterprise_id, found in years.items()}


def eligibility_inputs(*, category: Category, exhibitor: Exhibitor) -> tuple[eligibility.Rules, eligibility.Applicant]:
    """The category's rules and the exhibitor's facts, as ``awards.eligibility.check`` takes them.

    Years in business come from the year founded on the exhibitor's nomination; earlier editions are those of
    the same enterprise (the SME's identity across editions).
    """
    rules, applicants = eligibility_inputs_of(category=category, exhibitors=[exhibitor])
    return rules, applicants[exhibitor.pk]


def eligibility_inputs_of(
    *, category: Category, exhibitors: list[Exhibitor]
) -> tuple[eligibility.Rules, dict[int, eligibility.Applicant]]:
    """The category's rules and each exhibitor's facts, by exhibitor id, in the same few queries however many
    exhibitors there are (each with its cluster and nomination read with it)."""
    rules = _rules(category)
    earlier = _earlier_editions(
        enterprise_ids={exhibitor.enterprise_id for exhibitor in exhibitors}, before_year=category.expo.year
    )
    return rules, {
        exhibitor.pk: _applicant(exhibitor, earlier.get(exhibitor.enterprise_id, ())) for exhibitor in exhibitors
    }


def candidates_to_check(*, category: Category, candidate_ids: set[int] | None = None) -> list[Candidate]:
    """The candidates of ``category`` (every one, whatever its status, or those of ``candidate_ids``), with what
    their eligibility check reads."""
    candidates = Candidate.objects.filter(category=category)
    if candidate_ids is not None:
        candidates = candidates.filter(pk__in=candidate_ids)
    return list(candidates.select_related("exhibitor__cluster", "exhibitor__nomination").order_by("pk"))


def _with_stalls(results: QuerySet[Result]) -> QuerySet[Result]:
    return results.select_related("category", "candidate__exhibitor").prefetch_related(
        Prefetch(
            "candidate__exhibitor__stall_allocations",
            queryset=StallAllocation.objects.select_related("stall").order_by("stall__code"),
        )
    )


def results_of_expo(*, expo: Expo | None) -> QuerySet[Result]:
    """Every result of ``expo``, approved or published, by category and rank, with the winner's stalls."""
    if expo is None:
        return Result.objects.none()
    return _with_stalls(Result.objects.filter(category__expo=expo)).order_by(
        "category__order", "category__name", "rank"
    )


def published_results(*, expo: Expo | None) -> QuerySet[Result]:
    return results_of_expo(expo=expo).filter(published_at__isnull=False)


def published_by_category(*, expo: Expo | None) -> list[tuple[Category, list[Result]]]:
    """The public awards page: each category with a published result, and its results by rank."""
    order: dict[int, tuple[Category, list[Result]]] = {}
    for result in published_results(expo=expo):
        order.setdefault(result.category_id, (result.category, []))[1].append(result)
    return list(order.values())


def running_order(*, expo: Expo | None) -> list[tuple[Category, list[Result]]]:
    """The ceremony's running order: category by category, runners-up from the last, then the winners from the
    last to the first."""
    order: dict[int, tuple[Category, list[Result]]] = {}
    for result in results_of_expo(expo=expo):
        order.setdefault(result.category_id, (result.category, []))[1].append(result)
    return [
        (category, sorted(results, key=lambda r: (r.place == Result.Place.WINNER, -r.rank)))
        for category, results in order.values()
    ]


def categories_for_results(*, expo: Expo | None) -> QuerySet[Category]:
    """The categories of ``expo`` with their rounds and results, for the secretariat's results page."""
    if expo is None:
        return Category.objects.none()
    return Category.objects.filter(expo=expo).prefetch_related(
        "rounds", Prefetch("results", queryset=Result.objects.select_related("candidate__exhibitor"))
    )
