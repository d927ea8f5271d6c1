"""Approved exhibitors for the benchmarks' seeds, bulk-inserted with their enterprises and nominations.

Imported by the seed scripts after ``django.setup()``.
"""

from collections.abc import Callable

from django.utils import timezone

from exhibitors.models import (
    Enterprise,
    Exhibitor,
    ExhibitorProduct,
    ExportExperience,
    Nomination,
    SizeClass,
    StallSize,
    TurnoverBand,
)
from expo.models import Cluster, Expo, TradeBody

SIZES = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM]
PRODUCTS = ["forceps", "football", "knife set", "carpet", "honey", "pump impeller", "leather bag", "tiles"]


def approved_exhibitors(
    *,
    expo: Expo,
    people: list[tuple[str, Cluster]],
    slug_prefix: str,
    description: str,
    listed: Callable[[int], bool] = lambda number: True,
) -> list[Exhibitor]:
    """One approved exhibitor per (name, cluster), numbered in order; the trade bodies take turns."""
    trade_bodies = list(TradeBody.objects.order_by("pk"))
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            legal_name=name,
            normalised_name=name.lower(),
            city=cluster.city,
            province=cluster.province,
            cluster=cluster,
            women_led=number % 3 == 0,
            size_class=SIZES[number % 3],
        )
        for number, (name, cluster) in enumerate(people)
    )
    nominations = Nomination.objects.bulk_create(
        Nomination(
            expo=expo,
            trade_body=trade_bodies[number % len(trade_bodies)],
            enterprise=enterprise,
            status=Nomination.Status.APPROVED,
            legal_name=name,
            turnover_band=TurnoverBand.FROM_10_TO_30,
            size_class=SIZES[number % 3],
            city=cluster.city,
            province=cluster.province,
            cluster=cluster,
        )
        for number, ((name, cluster), enterprise) in enumerate(zip(people, enterprises, strict=True))
    )
    return Exhibitor.objects.bulk_create(
        Exhibitor(
            expo=expo,
            enterprise=enterprise,
            nomination=nomination,
            trade_body=nomination.trade_body,
            name=name,
            slug=f"{slug_prefix}-{number:04d}",
            cluster=cluster,
            city=cluster.city,
            province=cluster.province,
            women_led=number % 3 == 0,
            size_class=SIZES[number % 3],
            stall_size=StallSize.SHELL_9,
            description=description,
            export_experience=ExportExperience.REGULAR if number % 2 else ExportExperience.NONE,
            unlisted_at=None if listed(number) else timezone.now(),
        )
        for number, ((name, cluster), enterprise, nomination) in enumerate(
            zip(people, enterprises, nominations, strict=True)
        )
    )


def products_for(exhibitors: list[Exhibitor], count: int) -> None:
    """``count`` products shared out over ``exhibitors`` in turn."""
    ExhibitorProduct.objects.bulk_create(
        ExhibitorProduct(
            exhibitor=exhibitors[number % len(exhibitors)],
            name=f"{PRODUCTS[number % len(PRODUCTS)]} {number}",
            description="Made to order.",
        )
        for number in range(count)
    )
