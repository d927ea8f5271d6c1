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

from bench.seed_exhibitors import approved_exhibitors, products_for  # noqa: E402
from expo.models import Cluster, Expo  # noqa: E402


@transaction.atomic
def seed(exhibitors: int, products: int) -> None:
    clusters = list(Cluster.objects.order_by("pk"))
    made = approved_exhibitors(
        expo=Expo.objects.get(is_current=True),
        people=[(f"Bench Enterprise {number:04d}", clusters[number % len(clusters)]) for number in range(exhibitors)],
        slug_prefix="bench-enterprise",
        description="An SME of the benchmark: quality products for domestic and export markets. " * 3,
    )
    products_for(made, products)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exhibitors", type=int, required=True)
    parser.add_argument("--products", type=int, required=True)
    arguments = parser.parse_args()
    seed(arguments.exhibitors, arguments.products)
