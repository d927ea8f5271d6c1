"""B2B meetings of an edition, per cluster: requested → accepted → scheduled → held.

A request belongs to the cluster of its exhibitor side (the receiver's exhibitor, else the sender's). Scheduled
counts requests with a meeting placed and not cancelled (held and no-shows included); held, those whose meeting
both sides were seen at.
"""

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from expo.models import Expo
from matchmaking.models import Meeting, MeetingRequest

from ..filters import Filters
from ..tables import Chart, Table, share

HELD = "held"
STAGES = ("requested", "accepted", "scheduled", "held")


def requests_of(expo: Expo | None, filters: Filters):
    """The expo's meeting requests (every edition's for ``None``) with the cluster, sector and province of their
    exhibitor side."""
    return (
        MeetingRequest.objects.filter(**({"expo": expo} if expo else {}))
        .annotate(
            cluster_id=Coalesce("receiver__exhibitor__cluster_id", "sender__exhibitor__cluster_id"),
            sector_id=Coalesce("receiver__exhibitor__cluster__sector_id", "sender__exhibitor__cluster__sector_id"),
            province=Coalesce("receiver__exhibitor__province", "sender__exhibitor__province"),
            cluster_name=Coalesce("receiver__exhibitor__cluster__name", "sender__exhibitor__cluster__name"),
        )
        .filter(filters.q(cluster="cluster_id", sector="sector_id", province="province"))
    )


def meetings_of(expo: Expo | None, filters: Filters):
    """The expo's meetings placed and not cancelled (every edition's for ``None``), with the cluster of their
    exhibitor side."""
    return (
        Meeting.objects.filter(**({"expo": expo} if expo else {}))
        .exclude(state=Meeting.State.CANCELLED)
        .annotate(
            cluster_id=Coalesce("request__receiver__exhibitor__cluster_id", "request__sender__exhibitor__cluster_id"),
            sector_id=Coalesce(
                "request__receiver__exhibitor__cluster__sector_id", "request__sender__exhibitor__cluster__sector_id"
            ),
            province=Coalesce("request__receiver__exhibitor__province", "request__sender__exhibitor__province"),
            cluster_name=Coalesce(
                "request__receiver__exhibitor__cluster__name", "request__sender__exhibitor__cluster__name"
            ),
        )
        .filter(filters.q(cluster="cluster_id", sector="sector_id", province="province"))
    )


def funnel_by(expo: Expo, filters: Filters, key: str) -> dict:
    """``key`` (an annotation of ``requests_of``/``meetings_of``: ``cluster_name``, ``expo_id``) → requested,
    accepted, scheduled and held. Two grouped queries: requests, then meetings, each counted where it is (a
    request has one standing meeting at most, a database constraint), with no join repeating a request."""
    funnel: dict = {}
    for row in (
        requests_of(expo, filters)
        .values(key)
        .annotate(requested=Count("pk"), accepted=Count("pk", filter=Q(status=MeetingRequest.Status.ACCEPTED)))
        .order_by()
    ):
        funnel[row[key]] = {"requested": row["requested"], "accepted": row["accepted"], "scheduled": 0, "held": 0}
    for row in (
        meetings_of(expo, filters)
        .values(key)
        .annotate(scheduled=Count("pk"), held=Count("pk", filter=Q(state=HELD)))
        .order_by()
    ):
        entry = funnel.setdefault(row[key], {"requested": 0, "accepted": 0, "scheduled": 0, "held": 0})
        entry.update(scheduled=row["scheduled"], held=row["held"])
    return funnel


def meeting_tables(expo: Expo, filters: Filters) -> list[Table]:
    per_cluster = funnel_by(expo, filters, "cluster_name")
    totals = {stage: sum(entry[stage] for entry in per_cluster.values()) for stage in STAGES}
    ordered = sorted(per_cluster.items(), key=lambda item: (-item[1]["requested"], item[0] is None, item[0] or ""))
    return [
        Table(
            "meeting-figures",
            _("B2B meetings: key figures"),
            [_("Stage"), _("Requests"), _("Share of requested (%)")],
            [
                [_("Requested"), totals["requested"], share(totals["requested"], totals["requested"])],
                [_("Accepted"), totals["accepted"], share(totals["accepted"], totals["requested"])],
                [_("Scheduled"), totals["scheduled"], share(totals["scheduled"], totals["requested"])],
                [_("Held"), totals["held"], share(totals["held"], totals["requested"])],
            ],
            Chart(series=(1,)),
        ),
        Table(
            "meeting-funnel-by-cluster",
            _("Requested → accepted → scheduled → held, per cluster"),
            [_("Cluster"), _("Requested"), _("Accepted"), _("Scheduled"), _("Held"), _("Held share (%)")],
            [
                [
                    name or _("No exhibitor side"),
                    row["requested"],
                    row["accepted"],
                    row["scheduled"],
                    row["held"],
                    share(row["held"], row["requested"]),
                ]
                for name, row in ordered
            ],
            Chart(series=(1, 2, 3, 4), horizontal=True),
        ),
    ]
