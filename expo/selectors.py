"""Reads of the core app. Trade body access goes through `trade_body_for_user` only."""

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from . import roles
from .models import Expo, Sector, TradeBody, User


def expo_current() -> Expo | None:
    return Expo.objects.filter(is_current=True).first()


def expo_current_for(request) -> Expo | None:
    """The current expo, read once per request: the page and the site shell around it both need it."""
    if not hasattr(request, "_current_expo"):
        request._current_expo = expo_current()
    return request._current_expo


def venue_pages_for_user(user) -> list[tuple[str, str]]:
    """(URL, label) of the staff pages outside the admin that ``user`` may open; none for visitors."""
    if not user.is_authenticated:
        return []
    pages = roles.VENUE_PAGES
    return [(reverse(url_name), label) for permission, url_name, label in pages if user.has_perm(permission)]


def sectors_with_clusters() -> QuerySet[Sector]:
    return Sector.objects.prefetch_related("clusters").order_by("name")


def trade_bodies_for_user(user: User) -> QuerySet[TradeBody]:
    if not user.is_authenticated:
        return TradeBody.objects.none()
    return TradeBody.objects.filter(tradebodymembership__user=user, is_active=True).order_by("name")


def trade_body_for_user(user: User, pk: int) -> TradeBody:
    """The trade body ``pk`` if ``user`` is one of its members; 404 otherwise, exactly like a missing one."""
    trade_body = trade_bodies_for_user(user).filter(pk=pk).first()
    if trade_body is None:
        raise Http404
    return trade_body
