"""Leads of an edition and their estimated value, by stage and by cluster (the exhibitor's), in each currency.

Values are summed per currency and never converted: the portal holds no exchange rate.
"""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from expo.models import Expo
from matchmaking.models import Currency, Lead

from ..filters import Filters
from ..tables import Chart, Table

CURRENCIES = tuple(Currency.values)


def leads_of(expo: Expo, filters: Filters):
    return Lead.objects.filter(expo=expo).filter(
        filters.q(cluster="exhibitor__cluster", province="exhibitor__province")
    )


def _pivot(rows, key: str) -> dict:
    """Grouped rows (key, currency, n, value) → key → {"n": leads, "PKR": value, "USD": value}."""
    pivot: dict = {}
    for row in rows:
        entry = pivot.setdefault(row[key], {"n": 0, **{currency: Decimal(0) for currency in CURRENCIES}})
        entry["n"] += row["n"]
        if row["value_currency"] in entry and row["value"] is not None:
            entry[row["value_currency"]] += row["value"]
    return pivot


def by_cluster(expo: Expo, filters: Filters) -> dict[int, dict]:
    """Cluster id → leads and their value per currency."""
    rows = (
        leads_of(expo, filters)
        .values("exhibitor__cluster_id", "value_currency")
        .annotate(n=Count("pk"), value=Sum("value_amount"))
        .order_by()
    )
    return _pivot(rows, "exhibitor__cluster_id")


def lead_tables(expo: Expo, filters: Filters) -> list[Table]:
    statuses = dict(Lead.Status.choices)
    by_stage = _pivot(
        leads_of(expo, filters)
        .values("status", "value_currency")
        .annotate(n=Count("pk"), value=Sum("value_amount"))
        .order_by(),
        "status",
    )
    by_cluster_name = _pivot(
        leads_of(expo, filters)
        .values("exhibitor__cluster__name", "value_currency")
        .annotate(n=Count("pk"), value=Sum("value_amount"))
        .order_by(),
        "exhibitor__cluster__name",
    )
    columns = [_("Leads"), _("Value (PKR)"), _("Value (USD)")]
    stage_rows = [
        [str(label), by_stage[status]["n"], by_stage[status]["PKR"], by_stage[status]["USD"]]
        for status, label in statuses.items()
        if status in by_stage
    ]
    cluster_rows = sorted(
        ([name, entry["n"], entry["PKR"], entry["USD"]] for name, entry in by_cluster_name.items()),
        key=lambda row: (-row[2], -row[3], -row[1], row[0]),
    )
    return [
        Table(
            "leads-by-stage",
            _("Leads and their value, by stage"),
            [_("Stage"), *columns],
            stage_rows,
            Chart(series=(1,)),
            note=_("Estimated values as the two sides recorded them, summed per currency and never converted."),
        ),
        Table(
            "leads-by-cluster",
            _("Leads and their value, by cluster"),
            [_("Cluster"), *columns],
            cluster_rows,
            Chart(series=(2,), horizontal=True),
        ),
    ]
