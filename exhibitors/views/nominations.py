"""Trade body pages: the dashboard of nominations, the multi-step nomination form, private files."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from expo import selectors as core_selectors

from .. import selectors, services


@login_required
def trade_body_dashboard(request, pk: int):
    trade_body = core_selectors.trade_body_for_user(request.user, pk)
    expo = core_selectors.expo_current()
    context = {
        "trade_body": trade_body,
        "nominations": selectors.nominations_of_trade_body(trade_body=trade_body, expo=expo),
        "quota": services.quota_for(expo=expo, trade_body=trade_body) if expo else 0,
        "quota_used": services.quota_used(expo=expo, trade_body=trade_body) if expo else 0,
    }
    return render(request, "exhibitors/trade_body_dashboard.html", context)


urlpatterns = [
    path("trade-bodies/<int:pk>/", trade_body_dashboard, name="trade_body_dashboard"),
]
