"""The published awards where other apps' pages show them: a line on an exhibitor's profile and on its hall's plan.

The directory and the floor plan know nothing of the awards; their templates ask here, and publishing results
renews their cached pages (``awards.results.results_changed``).
"""

from django import template
from django.db.models import Prefetch

from pavilions.models import StallAllocation

from ..models import Result

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
def awards_in_hall(hall) -> list[tuple[Result, str]]:
    """The published winners and runners-up standing in ``hall``, each with its stall codes there."""
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
    return [
        (result, ", ".join(a.stall.code for a in result.candidate.exhibitor.stall_allocations.all()))
        for result in results
    ]
