"""A hall's stalls as the floor plan's plain data, coloured for whoever looks: visitors, staff, a run's preview."""

from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor

from . import floorplan
from .models import AllocationRun, Hall, Stall
from .selectors import hall_pavilions, hall_stalls


def _pavilions(hall: Hall) -> list[floorplan.PlanPavilion]:
    return [
        floorplan.PlanPavilion(pavilion.code, pavilion.name, pavilion.rect, pavilion.colour)
        for pavilion in hall_pavilions(hall=hall)
    ]


def _search_text(exhibitor: Exhibitor) -> str:
    words = [exhibitor.name, exhibitor.cluster.name, *(product.name for product in exhibitor.products.all())]
    return " ".join(words).lower()


def state_labels() -> dict[str, str]:
    """Every state a stall can be drawn in, in words, for legends and accessible names."""
    return {
        "allocated": _("Allocated"),
        "free": _("Free"),
        "available": _("Available"),
        "held": _("Held"),
        "blocked": _("Blocked"),
        "new": _("New in this run"),
        "moved": _("Moved by this run"),
        "unchanged": _("Unchanged"),
        "unplaced": _("Not placed"),
        "mine": _("Your stall"),
    }


def legend(*states: str) -> list[tuple[str, str]]:
    """(label, fill) for each state shown, and the aisles, for the legend under a plan."""
    labels = state_labels()
    return [(labels[state], floorplan.STATE_FILLS[state]) for state in states] + [(_("Aisle"), floorplan.AISLE_FILL)]


def _svg(hall: Hall, stalls: list[floorplan.PlanStall]) -> str:
    return floorplan.render(
        title=_("Floor plan of %(hall)s") % {"hall": hall.name},
        width=float(hall.width),
        depth=float(hall.depth),
        pavilions=_pavilions(hall),
        stalls=stalls,
    )


def public_plan(*, hall: Hall, query: str = "") -> tuple[str, list[Stall], set[str]]:
    """The visitors' plan: who stands where, linked to their profiles; ``query`` highlights matching stalls.

    Returns the SVG, the stalls (for the text list) and the codes that match the query.
    """
    labels = state_labels()
    query = query.strip().lower()
    stalls = hall_stalls(hall=hall, with_products=True)
    plan, matches = [], set()
    for stall in stalls:
        allocation = getattr(stall, "allocation", None)
        exhibitor = allocation.exhibitor if allocation and allocation.exhibitor.listed else None
        search_text = _search_text(exhibitor) if exhibitor else ""
        matched = bool(query) and (query in search_text or query == stall.code.lower())
        if matched:
            matches.add(stall.code)
        plan.append(
            floorplan.PlanStall(
                code=stall.code,
                rect=stall.rect,
                state="allocated" if exhibitor else "free",
                state_label=labels["allocated" if exhibitor else "free"],
                occupant=exhibitor.name if exhibitor else "",
                url=exhibitor.get_public_url() if exhibitor else "",
                search_text=search_text,
                highlighted=matched,
            )
        )
    return _svg(hall, plan), stalls, matches


def staff_plan(*, hall: Hall) -> tuple[str, list[Stall]]:
    """The staff plan: every stall in its status colour (available, held, blocked, allocated)."""
    labels = state_labels()
    stalls = hall_stalls(hall=hall)
    plan = []
    for stall in stalls:
        allocation = getattr(stall, "allocation", None)
        state = "allocated" if allocation else stall.status
        plan.append(
            floorplan.PlanStall(
                code=stall.code,
                rect=stall.rect,
                state=state,
                state_label=labels[state],
                occupant=allocation.exhibitor.name if allocation else "",
            )
        )
    return _svg(hall, plan), stalls


def preview_plan(*, hall: Hall, run: AllocationRun) -> str:
    """A run's result on the plan, coloured by what it changes."""
    labels = state_labels()
    after: dict[int, tuple[str, str]] = {}
    for row in run.diff:
        for stall_id in row["stall_ids"]:
            after[stall_id] = (row["change"], row["exhibitor"])
    plan = []
    for stall in hall_stalls(hall=hall):
        change, name = after.get(stall.pk, ("free" if stall.status == Stall.Status.AVAILABLE else stall.status, ""))
        plan.append(
            floorplan.PlanStall(
                code=stall.code, rect=stall.rect, state=change, state_label=labels[change], occupant=name
            )
        )
    return _svg(hall, plan)


def exhibitor_plan(*, hall: Hall, exhibitor: Exhibitor) -> str:
    """The plan an exhibitor sees on its dashboard: its own stalls highlighted."""
    labels = state_labels()
    plan = []
    for stall in hall_stalls(hall=hall):
        allocation = getattr(stall, "allocation", None)
        mine = allocation is not None and allocation.exhibitor_id == exhibitor.pk
        state = "mine" if mine else ("allocated" if allocation else "free")
        plan.append(
            floorplan.PlanStall(
                code=stall.code,
                rect=stall.rect,
                state=state,
                state_label=labels[state],
                occupant=allocation.exhibitor.name if allocation else "",
                highlighted=mine,
            )
        )
    return _svg(hall, plan)
