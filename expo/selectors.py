"""Reads of the core app. Trade body access goes through `trade_body_for_user` only."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Expo, Sector, TradeBody, User


def expo_current() -> Expo | None:
    return Expo.objects.filter(is_current=True).first()


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
