"""How leads read on every page that shows one: ``amount|lead_value:currency`` writes an estimated value with the
reader's digit grouping and no needless decimals ("PKR 250,000", "USD 12,000.50");
``events|history_seen_by:"exhibitor"`` gives a lead's events as that side may read them."""

from django import template
from django.template.defaultfilters import floatformat

from matchmaking.outcome_selectors import history_lines

register = template.Library()


@register.filter
def lead_value(amount, currency) -> str:
    """The value in the active language's number format, grouped, with cents only when there are some."""
    if amount is None or amount == "":
        return ""
    return f"{currency} {floatformat(amount, '-2g')}".strip()


@register.filter
def history_seen_by(events, viewer: str):
    return history_lines(events, viewer=viewer)
