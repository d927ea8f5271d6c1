"""B2B meetings of an edition, per cluster: requested → accepted → scheduled → held.

A request belongs to the cluster of its exhibitor side (the receiver's exhibitor, else the sender's). Scheduled
counts requests with a meeting placed and not cancelled (held and no-shows included); held, those whose meeting
both sides were seen at.
"""

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from expo.models import Expo
from matchmaking.models import Meeting, MeetingRequest

from ..filters import Filters
from ..tables import Chart, Table, share

HELD = "held"


def requests_of(expo: Expo, filters: Filters):
    """The expo's meeting requests with the cluster, sector and province of their exhibitor side."""
    return (
        MeetingRequest.objects.filter(expo=expo)
        .annotate(
            cluster_id=Coalesce("receiver__exhibitor__cluster_id", "sender__exhibitor__cluster_id"),
            sector_id=Coalesce("receiver__exhibitor__cluster__sector_id", "sender__exhibitor__cluster__sector_id"),
            province=Coalesce("receiver__exhibitor__province", "sender__exhibitor__province"),
            cluster_name=Coalesce("receiver__exhibitor__cluster__name", "sender__exhibitor__cluster__name"),
        )
        .filter(filters.q(cluster="cluster_id", sector="sector_id", province="province"))
    )


def meetings_of(expo: Expo, filters: Filters):
    """The expo's meetings placed and not cancelled, with the cluster of their exhibitor side."""
    return (
        Meeting.objects.filter(expo=expo)
        .exclude(state=Meeting.State.CANCELLED)
        .annotate(
            cluster_id=Coalesce("request__receiver__exhibitor__cluster_id", "request__sender__exhibitor__cluster_id"),
            sector_id=Coalesce(
                "request__receiver__exhibitor__cluster__sector_id", "request__sender__exhibitor__cluster__sector_id"
            ),
            province=Coalesce("request__receiver__exhibitor__province", "request__sender__exhibitor__province"),
        )
        .filter(filters.q(cluster="cluster_id", sector="sector_id", province="province"))
    )


def with_meetings(requests):
    """``requests`` marked with whether a standing meeting was placed for each and whether it was held: a
    subquery each, so that no join repeats a request per meeting (a moved meeting leaves a cancelled one)."""
    meetings = Meeting.objects.filter(request=OuterRef("pk"))
    return requests.annotate(
        has_meeting=Exists(meetings.exclude(state=Meeting.State.CANCELLED)),
        was_held=Exists(meetings.filter(state=HELD)),
    )


# Counted over ``with_meetings`` requests.
FUNNEL = {
    "requested": Count("pk"),
    "accepted": Count("pk", filter=Q(status=MeetingRequest.Status.ACCEPTED)),
    "scheduled": Count("pk", filter=Q(has_meeting=True)),
    "held": Count("pk", filter=Q(was_held=True)),
}


def meeting_tables(expo: Expo, filters: Filters) -> list[Table]:
    requests = with_meetings(requests_of(expo, filters))
    totals = requests.aggregate(**FUNNEL)
    per_cluster = (
        requests.values("cluster_name")
        .annotate(**FUNNEL)
        .order_by("-requested", F("cluster_name").asc(nulls_last=True))
    )
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
                    row["cluster_name"] or _("No exhibitor side"),
                    row["requested"],
                    row["accepted"],
                    row["scheduled"],
                    row["held"],
                    share(row["held"], row["requested"]),
                ]
                for row in per_cluster
            ],
            Chart(series=(1, 2, 3, 4), horizontal=True),
        ),
    ]
