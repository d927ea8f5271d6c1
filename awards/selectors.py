"""Reads of the awards: the categories open for candidates, candidacies as each organisation sees them, and the
facts the eligibility rules look at (``eligibility_inputs``, the one adapter to ``awards.eligibility``)."""

from django.db.models import Count, Prefetch, QuerySet

from exhibitors.models import Exhibitor
from expo.models import Expo, TradeBody

from . import eligibility
from .models import Candidate, Category, EligibilityOverride, EvidenceFile


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


def eligibility_inputs(*, category: Category, exhibitor: Exhibitor) -> tuple[eligibility.Rules, eligibility.Applicant]:
    """The category's rules and the exhibitor's facts, as ``awards.eligibility.check`` takes them.

    Years in business come from the year founded on the exhibitor's nomination; earlier editions are those of
    the same enterprise (the SME's identity across editions).
    """
    expo = category.expo
    rules = eligibility.Rules(
        expo_id=expo.pk,
        expo_year=expo.year,
        women_led_only=category.women_led_only,
        micro_only=category.micro_only,
        cluster_ids=frozenset(cluster.pk for cluster in category.clusters.all()),
        sector_ids=frozenset(sector.pk for sector in category.sectors.all()),
        first_time_only=category.first_time_only,
        min_years_in_business=category.min_years_in_business,
    )
    earlier = (
        Exhibitor.objects.filter(enterprise_id=exhibitor.enterprise_id, expo__year__lt=expo.year)
        .values_list("expo__year", flat=True)
        .order_by("expo__year")
    )
    applicant = eligibility.Applicant(
        expo_id=exhibitor.expo_id,
        women_led=exhibitor.women_led,
        size_class=exhibitor.size_class,
        cluster_id=exhibitor.cluster_id,
        sector_id=exhibitor.cluster.sector_id,
        year_founded=exhibitor.nomination.year_founded,
        earlier_editions=tuple(earlier),
    )
    return rules, applicant
