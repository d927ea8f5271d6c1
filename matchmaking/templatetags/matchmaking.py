"""``{% mm_url actor "requests" pk %}``: a matchmaking page's URL for the exhibitor or the visitor acting."""

from django import template

register = template.Library()


@register.simple_tag
def mm_url(actor, name: str, *args) -> str:
    return actor.url(name, *args)
