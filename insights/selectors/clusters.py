"""The clusters worth backing and the gaps: where meetings, leads and visitors' interest concentrate, and where
visitors and buyers asked for a cluster that few exhibitors (or none) brought.

Every figure is one grouped query per kind (clusters are few); the ranking itself is ``insights.ranking``.
"""

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor
from expo.models import Cluster, Expo
from matchmaking.models import Participant

from ..filters import Filters
from ..ranking import ClusterFigures, rank_clusters
from ..tables import Chart, Table, ratio
from . import leads as lead_figures
from . import support as support_figures
from .meetings import meetings_of, requests_of
from .visitors import interest_by_cluster


def _buyer_interest(expo: Expo) -> dict[int, int]:
    """Cluster id → buyers, investors and delegates taking part in matchmaking who source from it."""
    through = Participant.clusters.through
    return dict(
        through.objects.filter(
            participant__expo=expo, participant__kind=Participant.Kind.VISITOR, participant__active=True
        )
        .values_list("cluster_id")
        .annotate(n=Count("participant_id", distinct=True))
        .order_by()
    )


def cluster_figures(expo: Expo, filters: Filters) -> dict[int, dict]:
    """Cluster id → name and every per-cluster figure, for the clusters the filters keep."""
    exhibitors = dict(
        Exhibitor.objects.filter(expo=expo)
        .filter(filters.q(cluster="cluster", province="province"))
        .values_list("cluster_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    requests = dict(requests_of(expo, filters).values_list("cluster_id").annotate(n=Count("pk")).order_by())
    meetings = dict(
        # A request has one standing meeting at most (a database constraint): meetings count requests met.
        meetings_of(expo, filters).values_list("cluster_id").annotate(n=Count("pk")).order_by()
    )
    interest = interest_by_cluster(expo)
    buyers = _buyer_interest(expo)
    leads = lead_figures.by_cluster(expo, filters)
    ids = set(exhibitors) | set(requests) | set(interest) | set(buyers) | set(leads)
    ids.discard(None)
    clusters = Cluster.objects.filter(pk__in=ids).filter(filters.q(cluster="pk", sector="sector", province="province"))
    figures = {}
    for pk, name in clusters.values_list("pk", "name"):
        count = exhibitors.get(pk, 0)
        lead = leads.get(pk, {})
        figures[pk] = {
            "name": name,
            "exhibitors": count,
            "requests": requests.get(pk, 0),
            "meetings": meetings.get(pk, 0),
            "meetings_per_exhibitor": ratio(meetings.get(pk, 0), count),
            "interest": interest.get(pk, 0),
            "interest_per_exhibitor": ratio(interest.get(pk, 0), count),
            "buyers": buyers.get(pk, 0),
            "leads": lead.get("n", 0),
            "value_pkr": lead.get("PKR", Decimal(0)),
            "value_usd": lead.get("USD", Decimal(0)),
        }
    return figures


def high_potential_tables(expo: Expo, filters: Filters) -> list[Table]:
    figures = [row for row in cluster_figures(expo, filters).values() if row["exhibitors"]]
    # Before the show there are no leads yet: the rank then rests on meetings and visitors' interest.
    with_leads = any(row["leads"] for row in figures)
    if with_leads:
        criteria = ("value_pkr", "value_usd", "meetings_per_exhibitor")
        columns = [_("Leads value (PKR)"), _("Leads value (USD)"), _("Meetings per exhibitor")]
    else:
        criteria = ("meetings_per_exhibitor", "interest_per_exhibitor")
        columns = [_("Meetings per exhibitor"), _("Visitors interested per exhibitor")]
    ranked = rank_clusters([ClusterFigures(row["name"], tuple(row[c] for c in criteria)) for row in figures])
    by_name = {row["name"]: row for row in figures}
    header = [_("Rank"), _("Cluster"), _("Exhibitors"), _("Meetings scheduled"), _("Visitors interested")]
    if with_leads:
        header.append(_("Leads"))
    for column in columns:
        header += [column, _("rank")]
    header.append(_("Mean rank"))
    rows = []
    for cluster in ranked:
        row = by_name[cluster.name]
        line = [cluster.rank, cluster.name, row["exhibitors"], row["meetings"], row["interest"]]
        if with_leads:
            line.append(row["leads"])
        for figure, rank in zip(cluster.figures, cluster.ranks, strict=True):
            line += [figure, rank]
        line.append(cluster.mean_rank)
        rows.append(line)
    note = (
        _(
            "Ranked by leads value in rupees, leads value in dollars and meetings per exhibitor: "
            "the mean of the three ranks."
        )
        if with_leads
        else _("Ranked by meetings per exhibitor and visitors interested per exhibitor: the mean of the two ranks.")
    )
    table = Table("high-potential-clusters", _("High-potential clusters"), header, rows, note=note)
    chart = Table(
        "high-potential-chart",
        _("Meetings per exhibitor, by cluster"),
        [_("Cluster"), _("Meetings per exhibitor")],
        [
            [row["name"], row["meetings_per_exhibitor"]]
            for row in sorted(figures, key=lambda r: -r["meetings_per_exhibitor"])
        ],
        Chart(series=(1,), horizontal=True),
    )
    return [table, chart]


def gap_tables(expo: Expo, filters: Filters) -> list[Table]:
    figures = list(cluster_figures(expo, filters).values())
    demand = [row for row in figures if row["interest"] or row["buyers"] or row["requests"]]
    total_exhibitors = sum(row["exhibitors"] for row in figures)
    total_demand = sum(row["interest"] + row["buyers"] for row in demand)
    average = ratio(total_demand, total_exhibitors)
    rows = []
    for row in demand:
        wanted = row["interest"] + row["buyers"]
        per_exhibitor = ratio(wanted, row["exhibitors"])
        if not row["exhibitors"]:
            verdict = _("No exhibitor")
        elif average and per_exhibitor >= 2 * average:
            verdict = _("Few exhibitors for the demand")
        else:
            verdict = ""
        rows.append(
            [
                row["name"],
                row["interest"],
                row["buyers"],
                row["requests"],
                row["exhibitors"],
                per_exhibitor if row["exhibitors"] else "",
                verdict,
            ]
        )
    # Clusters with no exhibitor first, then the most demand per exhibitor.
    rows.sort(key=lambda r: (r[4] != 0, -(r[5] or 0), -(r[1] + r[2]), r[0]))
    tables = [
        Table(
            "demand-without-supply",
            _("Demand without supply"),
            [
                _("Cluster"),
                _("Visitors interested"),
                _("Buyers sourcing"),
                _("Meeting requests"),
                _("Exhibitors"),
                _("Interest per exhibitor"),
                _("Gap"),
            ],
            rows,
            Chart(series=(1, 2, 4), horizontal=True),
            note=_(
                "Interest counts visitors who named the cluster and buyers whose matchmaking profile sources from it. "
                "A gap: no exhibitor, or at least twice the edition's interest per exhibitor (%(average)s)."
            )
            % {"average": average},
        )
    ]
    tables += support_figures.unanswered_tables(expo, filters)
    return tables
