"""The exhibitor's own stall, for its dashboard: the codes and its hall's plan with the stall highlighted."""

from django import template

from .. import plans, selectors

register = template.Library()


@register.inclusion_tag("pavilions/includes/exhibitor_stall.html")
def exhibitor_stall(exhibitor):
    stalls = selectors.exhibitor_stalls(exhibitor=exhibitor)
    hall = stalls[0].pavilion.hall if stalls else None
    return {
        "stalls": stalls,
        "hall": hall,
        "area": sum(stall.area for stall in stalls),
        "svg": plans.exhibitor_plan(hall=hall, exhibitor=exhibitor) if hall else "",
        "legend": plans.legend("mine", "allocated", "free"),
        "public": exhibitor.expo.is_current,
    }
