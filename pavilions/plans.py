"""A hall's stalls as the floor plan's plain data, coloured for whoever looks: visitors, staff, a run's preview."""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor
from exhibitors.services import DIRECTORY_VERSION_KEY
from expo import caching

from . import floorplan
from .models import AllocationRun, Hall, Stall
from .selectors import hall_pavilions, hall_stalls
from .services import FLOOR_PLAN_VERSION_KEY

# Versions keep the data exact; the timeout only bounds how long an unused hall's entry stays.
PLAN_DATA_TIMEOUT = 60 * 60


def _pavilions(hall: Hall) -> list[floorplan.PlanPavilion]:
    return [_plan_pavilion(pavilion) for pavilion in hall_pavilions(hall=hall)]


def _plan_pavilion(pavilion) -> floorplan.PlanPavilion:
    polygon = pavilion.polygon
    outline = polygon.points if polygon else ()
    return floorplan.PlanPavilion(pavilion.code, pavilion.name, pavilion.rect, pavilion.colour, outline)


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


def _svg(hall: Hall, stalls: list[floorplan.PlanStall], pavilions: list[floorplan.PlanPavilion] | None = None) -> str:
    return floorplan.render(
        title=_("Floor plan of %(hall)s") % {"hall": hall.name},
        width=float(hall.width),
        depth=float(hall.depth),
        pavilions=_pavilions(hall) if pavilions is None else pavilions,
        stalls=stalls,
    )


def _plan(hall: Hall, look: Callable[[Stall], tuple[str, str, bool]]) -> tuple[str, list[Stall]]:
    """The hall's stalls drawn as ``look(stall)`` says: (state, occupant's name, highlighted)."""
    labels = state_labels()
    stalls = hall_stalls(hall=hall)
    plan = []
    for stall in stalls:
        state, occupant, highlighted = look(stall)
        plan.append(
            floorplan.PlanStall(
                code=stall.code,
                rect=stall.rect,
                state=state,
                state_label=labels[state],
                occupant=occupant,
                highlighted=highlighted,
            )
        )
    return _svg(hall, plan), stalls


def _occupant(stall: Stall) -> str:
    allocation = getattr(stall, "allocation", None)
    return allocation.exhibitor.name if allocation else ""


def _public_stalls(hall: Hall) -> tuple[list[floorplan.PlanPavilion], list[floorplan.PlanStall], str]:
    """The visitors' plan data of a hall without highlights, and its stall list as HTML: the costly part,
    cached under the versions of the floor plan and the directory (exhibitor names and products show on it)."""
    key = ":".join(
        [
            "floor-plan-data",
            str(hall.pk),
            str(caching.version(FLOOR_PLAN_VERSION_KEY)),
            str(caching.version(DIRECTORY_VERSION_KEY)),
            get_language() or "",
        ]
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    labels = state_labels()
    pavilions = hall_pavilions(hall=hall)
    names = {pavilion.pk: pavilion.name for pavilion in pavilions}
    plan = []
    for stall in hall_stalls(hall=hall, with_products=True):
        allocation = getattr(stall, "allocation", None)
        exhibitor = allocation.exhibitor if allocation and allocation.exhibitor.listed else None
        state = "allocated" if exhibitor else "free"
        plan.append(
            floorplan.PlanStall(
                code=stall.code,
                rect=stall.rect,
                state=state,
                state_label=labels[state],
                occupant=exhibitor.name if exhibitor else "",
                url=exhibitor.get_public_url() if exhibitor else "",
                search_text=_search_text(exhibitor) if exhibitor else "",
                group=names[stall.pavilion_id],
            )
        )
    table = render_to_string("pavilions/includes/stall_table.html", {"stalls": plan})
    data = ([_plan_pavilion(pavilion) for pavilion in pavilions], plan, table)
    cache.set(key, data, PLAN_DATA_TIMEOUT)
    return data


@dataclass(frozen=True)
class PublicPlan:
    svg: str
    stalls: list[floorplan.PlanStall]
    stall_table: str  # the text list of every stall, the plan's accessible alternative (safe HTML)
    matches: list[floorplan.PlanStall]  # the stalls that match the query


def public_plan(*, hall: Hall, query: str = "") -> PublicPlan:
    """The visitors' plan: who stands where, linked to their profiles; ``query`` highlights matching stalls."""
    pavilions, stalls, table = _public_stalls(hall)
    query = query.strip().lower()
    if query:
        stalls = [
            replace(stall, highlighted=True) if query in stall.search_text or query == stall.code.lower() else stall
            for stall in stalls
        ]
    svg = _svg(hall, stalls, pavilions)
    # The table was rendered (and escaped) by a template; the cache keeps it as a plain string.
    return PublicPlan(svg, stalls, mark_safe(table), [stall for stall in stalls if stall.highlighted])


def staff_plan(*, hall: Hall) -> tuple[str, list[Stall]]:
    """The staff plan: every stall in its status colour (available, held, blocked, allocated)."""

    def look(stall: Stall) -> tuple[str, str, bool]:
        occupant = _occupant(stall)
        return ("allocated" if occupant else stall.status), occupant, False

    return _plan(hall, look)


def preview_plan(*, hall: Hall, run: AllocationRun) -> str:
    """A run's result on the plan, coloured by what it changes."""
    after = {stall_id: (row["change"], row["exhibitor"]) for row in run.diff for stall_id in row["stall_ids"]}

    def look(stall: Stall) -> tuple[str, str, bool]:
        unused = "free" if stall.status == Stall.Status.AVAILABLE else stall.status
        change, name = after.get(stall.pk, (unused, ""))
        return change, name, False

    return _plan(hall, look)[0]


def exhibitor_plan(*, hall: Hall, exhibitor: Exhibitor) -> str:
    """The plan an exhibitor sees on its dashboard: its own stalls highlighted."""

    def look(stall: Stall) -> tuple[str, str, bool]:
        allocation = getattr(stall, "allocation", None)
        mine = allocation is not None and allocation.exhibitor_id == exhibitor.pk
        return ("mine" if mine else "allocated" if allocation else "free"), _occupant(stall), mine

    return _plan(hall, look)[0]
