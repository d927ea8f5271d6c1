"""The published awards where other apps' pages show them: a line on an exhibitor's profile and on its hall's plan.

The directory and the floor plan know nothing of the awards; their templates ask here, and publishing results
renews their cached pages (``awards.results.results_changed``).
"""

from django import template
from django.core.cache import cache
from django.db.models import Prefetch
from django.utils.translation import get_language

from expo import caching
from pavilions.models import StallAllocation
from pavilions.services import FLOOR_PLAN_VERSION_KEY

from ..models import Result
from ..results import AWARDS_VERSION_KEY

register = template.Library()


@register.simple_tag
def awards_of(exhibitor) -> list[Result]:
    """The published results of ``exhibitor``, by category."""
    return list(
        Result.objects.filter(candidate__exhibitor=exhibitor, published_at__isnull=False)
        .select_related("category")
        .order_by("category__order", "category__name")
    )


@register.simple_tag
def awards_in_hall(hall) -> list[tuple[str, str, str, str]]:
    """(exhibitor, place, category, stall codes) of each published winner and runner-up standing in ``hall``.

    Kept in the cache per hall, language, results and floor plan version: a search of the plan is answered
    without reading the database for stalls (``pavilions``), and this line must not add a query either.
    """
    versions = f"{caching.version(AWARDS_VERSION_KEY)}:{caching.version(FLOOR_PLAN_VERSION_KEY)}"
    key = f"awards:hall:{hall.pk}:{get_language()}:{versions}"
    lines = cache.get(key)
    if lines is None:
        results = (
            Result.objects.filter(
                published_at__isnull=False, candidate__exhibitor__stall_allocations__stall__pavilion__hall=hall
            )
            .distinct()
            .select_related("category", "candidate__exhibitor")
            .prefetch_related(
                Prefetch(
                    "candidate__exhibitor__stall_allocations",
                    queryset=StallAllocation.objects.filter(stall__pavilion__hall=hall)
                    .select_related("stall")
                    .order_by("stall__code"),
                )
            )
            .order_by("category__order", "category__name", "rank")
        )
        lines = [
            (
                result.candidate.exhibitor.name,
                str(result.get_place_display()),
                result.category.display_name,
                ", ".join(a.stall.code for a in result.candidate.exhibitor.stall_allocations.all()),
            )
            for result in results
        ]
        cache.set(key, lines, caching.TIMEOUT)
    return lines
