"""SMEDA's support requests of an edition by kind, province and age, and those still unanswered (the gaps).

A request is open until answered or closed; its age is counted from when it was asked. Its province is its own;
its cluster that of the exhibitor it is for, else of the enterprise.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import Expo, Province
from support.models import Kind, SupportRequest

from ..filters import Filters
from ..tables import Chart, Table

AGE_BANDS = ((0, 7), (7, 30), (30, 90), (90, None))  # days


def _requests(expo: Expo, filters: Filters):
    return (
        SupportRequest.objects.filter(expo=expo)
        .annotate(
            cluster_id=Coalesce("exhibitor__cluster_id", "enterprise__cluster_id"),
            sector_id=Coalesce("exhibitor__cluster__sector_id", "enterprise__cluster__sector_id"),
        )
        .filter(filters.q(cluster="cluster_id", sector="sector_id", province="province"))
    )


def _open_q() -> Q:
    return ~Q(status__in=[SupportRequest.Status.ANSWERED, SupportRequest.Status.CLOSED])


def _age_counts(now: datetime.datetime) -> dict:
    counts = {}
    for low, high in AGE_BANDS:
        condition = _open_q() & Q(created_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - datetime.timedelta(days=high))
        counts[f"age_{low}"] = Count("pk", filter=condition)
    return counts


def _band_label(low: int, high: int | None) -> str:
    if high is None:
        return _("Open %(low)s days or more") % {"low": low}
    return _("Open %(low)s to %(high)s days") % {"low": low, "high": high}


def support_tables(expo: Expo, filters: Filters) -> list[Table]:
    kinds = dict(Kind.choices)
    provinces = dict(Province.choices)
    counts = {"n": Count("pk"), "open": Count("pk", filter=_open_q())}
    by_kind = _requests(expo, filters).values("kind").annotate(**counts).order_by("-n", "kind")
    by_province = _requests(expo, filters).values("province").annotate(**counts).order_by("-n", "province")
    ages = _requests(expo, filters).aggregate(**_age_counts(timezone.now()))
    columns = [_("Requests"), _("Still open")]
    return [
        Table(
            "support-by-kind",
            _("Support requests by kind"),
            [_("Kind of support"), *columns],
            [[str(kinds.get(row["kind"], row["kind"])), row["n"], row["open"]] for row in by_kind],
            Chart(series=(1, 2), horizontal=True),
        ),
        Table(
            "support-by-province",
            _("Support requests by province"),
            [_("Province"), *columns],
            [[str(provinces.get(row["province"], row["province"])), row["n"], row["open"]] for row in by_province],
            Chart(series=(1, 2)),
        ),
        Table(
            "support-by-age",
            _("Open support requests by age"),
            [_("Age"), _("Open requests")],
            [[_band_label(low, high), ages[f"age_{low}"]] for low, high in AGE_BANDS],
            Chart(series=(1,)),
        ),
    ]


def unanswered_tables(expo: Expo, filters: Filters) -> list[Table]:
    """Support requests still waiting for an answer, by kind and province."""
    kinds = dict(Kind.choices)
    provinces = dict(Province.choices)
    rows = (
        _requests(expo, filters)
        .filter(_open_q())
        .values("kind", "province")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind", "province")
    )
    return [
        Table(
            "support-unanswered",
            _("Support requests not yet answered"),
            [_("Kind of support"), _("Province"), _("Open requests")],
            [
                [
                    str(kinds.get(row["kind"], row["kind"])),
                    str(provinces.get(row["province"], row["province"])),
                    row["n"],
                ]
                for row in rows
            ],
        )
    ]
