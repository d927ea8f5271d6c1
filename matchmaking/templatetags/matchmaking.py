"""``{% mm_url actor "requests" pk %}``: a matchmaking page's URL for the exhibitor or the visitor acting;
``registration|takes_part_in_matchmaking``: whether a registration may open those pages."""

from django import template

from matchmaking.selectors import registration_can_take_part

register = template.Library()


@register.simple_tag
def mm_url(actor, name: str, *args) -> str:
    return actor.url(name, *args)


@register.filter
def takes_part_in_matchmaking(registration) -> bool:
    """Whether the registration may open the B2B meeting pages (its category confirmed by the desk)."""
    return registration_can_take_part(registration)
