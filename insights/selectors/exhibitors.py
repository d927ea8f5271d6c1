"""Exhibitors of an edition by cluster, sector, province and size class with the women-led share, and the
nominated → approved → exhibiting funnel of each trade body."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor, Nomination, SizeClass
from expo.models import Expo, Province

from ..filters import Filters
from ..tables import Chart, Table, share


def exhibitors_of(expo: Expo, filters: Filters):
    return Exhibitor.objects.filter(expo=expo).filter(filters.q(cluster="cluster", province="province"))


def _by(expo: Expo, filters: Filters, field: str, labels: dict | None = None) -> list[list]:
    rows = (
        exhibitors_of(expo, filters)
        .values(field)
        .annotate(n=Count("pk"), women=Count("pk", filter=Q(women_led=True)))
        .order_by("-n", field)
    )
    return [
        [
            str(labels.get(row[field], row[field])) if labels else row[field],
            row["n"],
            row["women"],
            share(row["women"], row["n"]),
        ]
        for row in rows
    ]


def _columns(first: str) -> list[str]:
    return [first, _("Exhibitors"), _("Women-led"), _("Women-led share (%)")]


def exhibitor_tables(expo: Expo, filters: Filters) -> list[Table]:
    totals = exhibitors_of(expo, filters).aggregate(
        n=Count("pk"),
        women=Count("pk", filter=Q(women_led=True)),
        micro=Count("pk", filter=Q(size_class=SizeClass.MICRO)),
    )
    key_figures = Table(
        "exhibitor-figures",
        _("Exhibitors: key figures"),
        [_("Figure"), _("Value")],
        [
            [_("Exhibitors"), totals["n"]],
            [_("Women-led exhibitors"), totals["women"]],
            [_("Women-led share (%)"), share(totals["women"], totals["n"])],
            [_("Micro enterprises"), totals["micro"]],
            [_("Micro share (%)"), share(totals["micro"], totals["n"])],
        ],
    )
    size_order = {value: position for position, value in enumerate(SizeClass.values)}
    by_size = sorted(_by(expo, filters, "size_class"), key=lambda row: size_order.get(row[0], len(size_order)))
    sizes = dict(SizeClass.choices)
    for row in by_size:
        row[0] = str(sizes.get(row[0], row[0]))
    funnel = (
        Nomination.objects.filter(expo=expo)
        .exclude(status=Nomination.Status.DRAFT)
        .filter(filters.q(cluster="cluster", province="province"))
        .values("trade_body__name")
        .annotate(
            nominated=Count("pk"),
            approved=Count("pk", filter=Q(status=Nomination.Status.APPROVED)),
            exhibiting=Count("exhibitor"),
        )
        .order_by("-nominated", "trade_body__name")
    )
    return [
        key_figures,
        Table(
            "exhibitors-by-cluster",
            _("Exhibitors by cluster"),
            _columns(_("Cluster")),
            _by(expo, filters, "cluster__name"),
            Chart(series=(1, 2), horizontal=True),
        ),
        Table(
            "exhibitors-by-sector",
            _("Exhibitors by sector"),
            _columns(_("Sector")),
            _by(expo, filters, "cluster__sector__name"),
            Chart(series=(1, 2), horizontal=True),
        ),
        Table(
            "exhibitors-by-province",
            _("Exhibitors by province"),
            _columns(_("Province")),
            _by(expo, filters, "province", dict(Province.choices)),
            Chart(series=(1, 2)),
        ),
        Table(
            "exhibitors-by-size",
            _("Exhibitors by size class"),
            _columns(_("Size class")),
            by_size,
            Chart(series=(1, 2)),
        ),
        Table(
            "nomination-funnel",
            _("Nominated → approved → exhibiting, per trade body"),
            [_("Trade body"), _("Nominated"), _("Approved"), _("Exhibiting"), _("Approved share (%)")],
            [
                [
                    row["trade_body__name"],
                    row["nominated"],
                    row["approved"],
                    row["exhibiting"],
                    share(row["approved"], row["nominated"]),
                ]
                for row in funnel
            ],
            Chart(series=(1, 2, 3), horizontal=True),
            note=_(
                "Nominated counts every nomination submitted, drafts aside; exhibiting, those that became an exhibitor."
            ),
        ),
    ]
