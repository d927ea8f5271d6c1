"""Add N listed exhibitors with M products in all to the current expo, for the directory benchmark.

    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_directory.py --exhibitors 200 --products 2000

Run by bench/run.py with --exhibitors/--products; rows are bulk-inserted (the benchmark measures
reading them, not making them).
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from exhibitors.models import (  # noqa: E402
    Enterprise,
    Exhibitor,
    ExhibitorProduct,
    ExportExperience,
    Nomination,
    SizeClass,
    StallSize,
    TurnoverBand,
)
from expo.models import Cluster, Expo, TradeBody  # noqa: E402

PRODUCT_NAMES = ["forceps", "football", "knife set", "carpet", "honey", "pump impeller", "leather bag", "tiles"]


@transaction.atomic
def seed(exhibitors: int, products: int) -> None:
    expo = Expo.objects.get(is_current=True)
    clusters = list(Cluster.objects.order_by("pk"))
    trade_bodies = list(TradeBody.objects.order_by("pk"))
    sizes = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM]
    made = []
    for number in range(exhibitors):
        cluster, trade_body = clusters[number % len(clusters)], trade_bodies[number % len(trade_bodies)]
        name = f"Bench Enterprise {number:04d}"
        enterprise = Enterprise.objects.create(
            legal_name=name,
            normalised_name=name.lower(),
            city=cluster.city,
            province=cluster.province,
            cluster=cluster,
            women_led=number % 3 == 0,
            size_class=sizes[number % 3],
        )
        nomination = Nomination.objects.create(
            expo=expo,
            trade_body=trade_body,
            enterprise=enterprise,
            status=Nomination.Status.APPROVED,
            legal_name=name,
            turnover_band=TurnoverBand.FROM_10_TO_30,
            size_class=sizes[number % 3],
            city=cluster.city,
            province=cluster.province,
            cluster=cluster,
        )
        made.append(
            Exhibitor(
                expo=expo,
                enterprise=enterprise,
                nomination=nomination,
                trade_body=trade_body,
                name=name,
                slug=f"bench-enterprise-{number:04d}",
                cluster=cluster,
                city=cluster.city,
                province=cluster.province,
                women_led=number % 3 == 0,
                size_class=sizes[number % 3],
                stall_size=StallSize.SHELL_9,
                description="An SME of the benchmark: quality products for domestic and export markets. " * 3,
                export_experience=ExportExperience.REGULAR if number % 2 else ExportExperience.NONE,
                listed=True,
            )
        )
    made = Exhibitor.objects.bulk_create(made)
    ExhibitorProduct.objects.bulk_create(
        ExhibitorProduct(
            exhibitor=made[number % len(made)],
            name=f"{PRODUCT_NAMES[number % len(PRODUCT_NAMES)]} {number}",
            description="Made to order.",
        )
        for number in range(products)
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exhibitors", type=int, required=True)
    parser.add_argument("--products", type=int, required=True)
    arguments = parser.parse_args()
    seed(arguments.exhibitors, arguments.products)
