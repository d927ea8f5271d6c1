"""Add two halls with N stalls in all to the current expo and allocate most of them, for the floor plan benchmark.

    DJANGO_SETTINGS_MODULE=bench.settings python bench/seed_floor_plan.py --stalls 2200 [--allocated 1700]

Halls B1 and B2 ("Bench hall 1/2", beside the demo's H1–H3) get N/2 stalls each: 3 × 3 m stalls in
pavilions of up to 100 (rows of 10, back to back, 3 m aisles), laid out by the staff's row generator
(`services.stalls_generate`). One exhibitor per allocated stall (by default 17 stalls in 22, so
1,700 of 2,200), in the cluster its pavilion hosts; nine in ten are listed, with a product each, and
the rest are unlisted, as in the directory. Exhibitors, their enterprises, nominations, products and
allocations are bulk-inserted (the benchmark measures reading them, not making them), then the
database is vacuumed and analysed.

Run by bench/run.py with --stalls.
"""

import argparse
import math
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.seed_exhibitors import approved_exhibitors, products_for  # noqa: E402
from exhibitors.services import directory_changed  # noqa: E402
from expo.models import Cluster, Expo  # noqa: E402
from pavilions import services  # noqa: E402
from pavilions.models import Hall, Pavilion, Stall, StallAllocation  # noqa: E402

HALLS = [("B1", "Bench hall 1"), ("B2", "Bench hall 2")]
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PER_ROW, MAX_ROWS = 10, 10  # a pavilion of up to 100 stalls
STALL = Decimal(3)
AISLE = Decimal(3)
PAVILION_WIDTH = PER_ROW * STALL + 2  # a metre of margin each side
PAVILION_DEPTH = (MAX_ROWS // 2) * 2 * STALL + (MAX_ROWS // 2 - 1) * AISLE + 2
COLUMNS = 4  # pavilions side by side in a hall
GAP = Decimal(4)  # between pavilions and along the walls
PALETTE = ["#dbe9f6", "#e3f1e0", "#fbeedd", "#efe3f4", "#f9e0e3", "#e0f4f1", "#f4f1d9", "#e6e6f7"]
WORDS = ["Sialkot", "Indus", "Ravi", "Chenab", "Margalla", "Karakoram", "Thar", "Khyber", "Bolan", "Hunza"]
TRADES = ["Surgical Works", "Sports Industries", "Cutlery House", "Textile Mills", "Leather Crafts", "Foods"]


def _hall(expo: Expo, code: str, name: str, order: int, pavilions: int) -> Hall:
    rows = math.ceil(pavilions / COLUMNS)
    return Hall.objects.create(
        expo=expo,
        code=code,
        name=name,
        order=order,
        width=GAP + COLUMNS * (PAVILION_WIDTH + GAP),
        depth=GAP + rows * (PAVILION_DEPTH + GAP),
    )


def _lay_out(hall: Hall, stalls: int, clusters: list[Cluster], first_colour: int) -> None:
    """``stalls`` stalls (a multiple of 10) in pavilions of up to 100, left to right, front to back."""
    for number in range(math.ceil(stalls / (PER_ROW * MAX_ROWS))):
        column, row = number % COLUMNS, number // COLUMNS
        pavilion = Pavilion.objects.create(
            hall=hall,
            code=LETTERS[number],
            name=f"{clusters[number % len(clusters)].name} ({hall.code})",
            colour=PALETTE[(first_colour + number) % len(PALETTE)],
            x=GAP + column * (PAVILION_WIDTH + GAP),
            y=GAP + row * (PAVILION_DEPTH + GAP),
            width=PAVILION_WIDTH,
            depth=PAVILION_DEPTH,
        )
        pavilion.clusters.set([clusters[number % len(clusters)]])
        here = min(PER_ROW * MAX_ROWS, stalls - number * PER_ROW * MAX_ROWS)
        services.stalls_generate(
            pavilion=pavilion,
            x=pavilion.x + 1,
            y=pavilion.y + 1,
            stall_width=STALL,
            stall_depth=STALL,
            per_row=PER_ROW,
            rows=here // PER_ROW,
            aisle=AISLE,
            back_to_back=True,
        )


def _name(number: int) -> str:
    return f"{WORDS[number % len(WORDS)]} {TRADES[number % len(TRADES)]} {number:04d}"


def _allocated(stalls: list[Stall], allocated: int) -> list[Stall]:
    """``allocated`` stalls spread evenly over the halls, so free stalls are scattered as at a real expo."""
    step = len(stalls) / allocated
    return [stalls[int(index * step)] for index in range(allocated)]


@transaction.atomic
def seed(stalls: int, allocated: int) -> None:
    expo = Expo.objects.get(is_current=True)
    clusters = list(Cluster.objects.order_by("pk"))
    per_hall = stalls // len(HALLS)
    pavilions_per_hall = math.ceil(per_hall / (PER_ROW * MAX_ROWS))
    for order, (code, name) in enumerate(HALLS, start=10):
        hall = _hall(expo, code, name, order, pavilions_per_hall)
        _lay_out(hall, per_hall, clusters, first_colour=order)

    chosen = _allocated(
        list(
            Stall.objects.filter(pavilion__hall__expo=expo, pavilion__hall__code__in=[code for code, _ in HALLS])
            .prefetch_related("pavilion__clusters")
            .order_by("code")
        ),
        allocated,
    )
    exhibitors = approved_exhibitors(
        expo=expo,
        people=[(_name(number), stall.pavilion.clusters.all()[0]) for number, stall in enumerate(chosen)],
        slug_prefix="bench-floor",
        description="An SME of the floor plan benchmark.",
        listed=lambda number: number % 10 != 9,  # nine in ten are listed
    )
    listed = [exhibitor for exhibitor in exhibitors if exhibitor.listed]
    products_for(listed, len(listed))  # a product each
    StallAllocation.objects.bulk_create(
        StallAllocation(stall=stall, exhibitor=exhibitor, reason="Benchmark")
        for stall, exhibitor in zip(chosen, exhibitors, strict=True)
    )
    transaction.on_commit(services.floor_plan_changed)
    transaction.on_commit(directory_changed)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stalls", type=int, required=True, help="stalls in all, a multiple of 20 (two halls)")
    parser.add_argument("--allocated", type=int, help="stalls to allocate (default: 17 in 22)")
    arguments = parser.parse_args()
    if arguments.stalls <= 0 or arguments.stalls % (len(HALLS) * PER_ROW):
        parser.error(f"--stalls must be a positive multiple of {len(HALLS) * PER_ROW}")
    if arguments.stalls > len(HALLS) * len(LETTERS) * PER_ROW * MAX_ROWS:
        parser.error(f"at most {len(HALLS) * len(LETTERS) * PER_ROW * MAX_ROWS} stalls")
    allocated = round(arguments.stalls * 17 / 22) if arguments.allocated is None else arguments.allocated
    if not 0 < allocated <= arguments.stalls:
        parser.error("--allocated must be between 1 and --stalls")
    seed(arguments.stalls, allocated)
    # Statistics for the planner now, rather than an autovacuum worker starting (and ending) during the
    # measurement, where it would be counted as PostgreSQL CPU per request.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
