"""Demo venue for Expo 2026: the Lahore Expo Centre's three halls, a pavilion for every cluster, the women
entrepreneurs pavilion, an international pavilion, an overflow pavilion, a service area, and ~230 stalls
laid out by the same row generator staff use; then one allocation run, applied, places the demo exhibitors.

Loading twice leaves the same rows: halls and pavilions are keyed by code, stalls are only laid out in an
empty pavilion, and the allocator only runs when no stall is allocated yet.
"""

from decimal import Decimal

from django.db import transaction

from expo.demo import ADMIN_EMAIL
from expo.models import Cluster, Expo, User

from . import services
from .models import AllocationRun, Hall, Pavilion, Stall, StallAllocation

HALLS = [("H1", "Hall 1"), ("H2", "Hall 2"), ("H3", "Hall 3")]
HALL_WIDTH, HALL_DEPTH = Decimal(90), Decimal(46)
PAVILION_WIDTH, PAVILION_DEPTH = Decimal(14), Decimal(9)
COLUMNS, ROWS = 5, 3
PALETTE = ["#dbe9f6", "#e3f1e0", "#fbeedd", "#efe3f4", "#f9e0e3", "#e0f4f1", "#f4f1d9", "#e6e6f7"]
LETTERS = "ABCDEFGHJKLMNPQR"
K = Pavilion.Kind


def _slots():
    """Pavilion places, hall by hall, left to right and front to back, with 3 m aisles between them."""
    for hall_code, _name in HALLS:
        for row in range(ROWS):
            for column in range(COLUMNS):
                yield hall_code, Decimal(3) + column * (PAVILION_WIDTH + 3), Decimal(4) + row * (PAVILION_DEPTH + 5)


def _layout(pavilion: Pavilion) -> None:
    """Rows of stalls in a pavilion that has none yet, by the staff's row generator."""
    if pavilion.kind == K.SERVICE or pavilion.stalls.exists():
        return
    x, y = pavilion.x + 1, pavilion.y + Decimal("1.5")
    metres = Decimal(3)
    if pavilion.kind == K.INTERNATIONAL:
        services.stalls_generate(
            pavilion=pavilion, x=x, y=y, stall_width=Decimal(6), stall_depth=Decimal(6),
            per_row=2, rows=1, aisle=metres, back_to_back=False,
        )  # fmt: skip
        return
    front = 4
    back = 4 if pavilion.code in {"W", "O"} else 2
    services.stalls_generate(
        pavilion=pavilion, x=x, y=y, stall_width=metres, stall_depth=metres,
        per_row=front, rows=1, aisle=metres, back_to_back=True,
    )  # fmt: skip
    services.stalls_generate(
        pavilion=pavilion, x=x, y=y + metres, stall_width=metres, stall_depth=metres,
        per_row=back, rows=1, aisle=metres, back_to_back=True,
    )  # fmt: skip


@transaction.atomic
def load(*, expo: Expo) -> dict[str, int]:
    halls = {}
    for order, (code, name) in enumerate(HALLS):
        halls[code], _ = Hall.objects.update_or_create(
            expo=expo, code=code, defaults={"name": name, "width": HALL_WIDTH, "depth": HALL_DEPTH, "order": order}
        )
    clusters = list(Cluster.objects.select_related("sector").order_by("sector__name", "city"))
    sectors = sorted({cluster.sector.name for cluster in clusters})
    plan = [
        (cluster.name, K.CLUSTER, [cluster], PALETTE[sectors.index(cluster.sector.name) % len(PALETTE)])
        for cluster in clusters
    ]
    plan += [
        ("Women Entrepreneurs Pavilion", K.WOMEN, [], "#fde2ef"),
        ("Overflow pavilion", K.CLUSTER, clusters, "#eeeeee"),
        ("International and delegations", K.INTERNATIONAL, [], "#e1f5fe"),
        ("Services: help desk, first aid, prayer area", K.SERVICE, [], "#f5f5f5"),
    ]
    per_hall: dict[str, int] = {}
    for (name, kind, hosted, colour), (hall_code, x, y) in zip(plan, _slots(), strict=False):
        number = per_hall[hall_code] = per_hall.get(hall_code, 0) + 1
        code = {K.WOMEN: "W", K.INTERNATIONAL: "I", K.SERVICE: "S"}.get(kind, "O" if len(hosted) > 1 else None)
        pavilion, _ = Pavilion.objects.update_or_create(
            hall=halls[hall_code],
            code=code or LETTERS[number - 1],
            defaults={
                "name": name, "kind": kind, "colour": colour,
                "x": x, "y": y, "width": PAVILION_WIDTH, "depth": PAVILION_DEPTH,
            },
        )  # fmt: skip
        if kind == K.WOMEN:
            # L-shaped: the pavilion's back corner is the hall's lounge.
            right, notch, bottom = x + PAVILION_WIDTH, y + Decimal("7.5"), y + PAVILION_DEPTH
            pavilion.outline = f"{x},{y} {right},{y} {right},{notch} {x + 8},{notch} {x + 8},{bottom} {x},{bottom}"
            pavilion.full_clean()
            pavilion.save(update_fields=["outline"])
        pavilion.clusters.set(hosted)
        _layout(pavilion)

    if not StallAllocation.objects.filter(exhibitor__expo=expo).exists():
        admin = User.objects.get(email=ADMIN_EMAIL)
        run = AllocationRun.objects.create(expo=expo, started_by=admin, parameters={"weights": {}, "time_limit": 5.0})
        services.allocation_run_execute(run_id=run.pk)
        run.refresh_from_db()
        if run.status == AllocationRun.Status.READY:
            services.allocation_run_apply(run=run, by=admin)
    services.layout_changed(expo=expo)
    return {
        "halls": Hall.objects.filter(expo=expo).count(),
        "pavilions": Pavilion.objects.filter(hall__expo=expo).count(),
        "stalls": Stall.objects.filter(pavilion__hall__expo=expo).count(),
        "allocated_stalls": StallAllocation.objects.filter(exhibitor__expo=expo).count(),
    }
