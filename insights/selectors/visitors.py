"""Visitors of an edition: registrations by day, category and country, check-ins by day and hour, who came of
those who registered, and which clusters they said they were interested in.

Check-ins count visitors' badges only (booth staff, jury and organisers are not visitors); "came" counts each
registered person once, however many days they came. The cluster, sector and province filters do not narrow
visitors, who register for the whole show.
"""

import zoneinfo

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
from django.utils.translation import gettext as _

from expo.models import Expo
from visitors.countries import COUNTRY_NAMES
from visitors.models import Category, CheckIn, Registration, RegistrationDay

from ..filters import Filters
from ..tables import Chart, Table, share


def registrations_of(expo: Expo):
    return Registration.objects.filter(expo=expo).exclude(status=Registration.Status.CANCELLED)


def visitor_checkins_of(expo: Expo):
    return CheckIn.objects.filter(badge__expo=expo, badge__registration__isnull=False)


def registrations_who_came():
    """The ids of registrations whose badge was let in at least once, as a subquery: inside a conditional count
    PostgreSQL hashes it once and probes it per registration, so counting who came takes no join of its own and
    no DISTINCT (a person counts once however many days they came)."""
    return CheckIn.objects.filter(badge__registration__isnull=False).values("badge__registration_id")


def _sum_by(counts: dict, position: int) -> dict:
    """Counts keyed by tuples, summed by the tuple's element at ``position``."""
    summed: dict = {}
    for key, n in counts.items():
        summed[key[position]] = summed.get(key[position], 0) + n
    return summed


def interest_by_cluster(expo: Expo) -> dict[int, int]:
    """Cluster id → registered people who named it among their interests."""
    through = Registration.interests.through
    rows = (
        through.objects.filter(registration__expo=expo)
        .exclude(registration__status=Registration.Status.CANCELLED)
        .values_list("cluster_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def _with_came(registered, came: dict, labels: dict) -> list[list]:
    """Rows of (label, registered, came, share) from (key, registered) pairs and key → came."""
    return [[str(labels.get(key, key)), n, came.get(key, 0), share(came.get(key, 0), n)] for key, n in registered]


def visitor_tables(expo: Expo, filters: Filters) -> list[Table]:
    registrations = registrations_of(expo)
    checkins = visitor_checkins_of(expo)
    # One pass over the registrations, grouped by category, country and status, counting those who came beside
    # them; the totals and each breakdown are sums of its few rows.
    grouped, came = {}, {}
    for category, country, status, n, came_n in (
        registrations.values_list("category", "country", "status")
        .annotate(n=Count("pk"), came=Count("pk", filter=Q(pk__in=registrations_who_came())))
        .order_by()
    ):
        grouped[category, country, status] = n
        came[category, country] = came.get((category, country), 0) + came_n
    totals = {
        "n": sum(grouped.values()),
        "confirmed": sum(n for key, n in grouped.items() if key[2] == Registration.Status.CONFIRMED),
        "waitlisted": sum(n for key, n in grouped.items() if key[2] == Registration.Status.WAITLISTED),
    }
    # One pass over the check-ins, grouped by day and hour: the total, the days and the hours are its sums.
    tz = zoneinfo.ZoneInfo(expo.time_zone)
    checkins_by_day_and_hour = {
        (day, hour): n
        for day, hour, n in checkins.annotate(hour=ExtractHour("scanned_at", tzinfo=tz))
        .values_list("day", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    }
    came_by_category, came_by_country = _sum_by(came, 0), _sum_by(came, 1)
    totals["came"] = sum(came.values())
    key_figures = Table(
        "visitor-figures",
        _("Visitors: key figures"),
        [_("Figure"), _("Value")],
        [
            [_("Registered"), totals["n"]],
            [_("Confirmed"), totals["confirmed"]],
            [_("Waitlisted"), totals["waitlisted"]],
            [_("Came (checked in at least once)"), totals["came"]],
            [_("Came, share of registered (%)"), share(totals["came"], totals["n"])],
            [_("Check-ins (a person each day)"), sum(checkins_by_day_and_hour.values())],
        ],
    )

    by_day: dict = {}
    for row in (
        RegistrationDay.objects.filter(registration__expo=expo, status=Registration.Status.CONFIRMED)
        .exclude(registration__status=Registration.Status.CANCELLED)
        .values("date")
        .annotate(n=Count("pk"))
    ):
        by_day[row["date"]] = [row["n"], 0]
    for day, n in _sum_by(checkins_by_day_and_hour, 0).items():
        by_day.setdefault(day, [0, 0])[1] = n
    day_rows = [
        [day.isoformat(), registered, came, share(came, registered)]
        for day, (registered, came) in sorted(by_day.items())
    ]

    hours = _sum_by(checkins_by_day_and_hour, 1)
    hour_rows = [[f"{hour:02d}:00", hours[hour]] for hour in sorted(hours)]

    categories = dict(Category.choices)
    by_category = sorted(_sum_by(grouped, 0).items(), key=lambda item: (-item[1], item[0]))
    by_country = sorted(_sum_by(grouped, 1).items(), key=lambda item: (-item[1], item[0]))
    through = Registration.interests.through
    interest = (
        through.objects.filter(registration__expo=expo)
        .exclude(registration__status=Registration.Status.CANCELLED)
        .values("cluster__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "cluster__name")
    )
    return [
        key_figures,
        Table(
            "visitors-by-day",
            _("Registered and checked in, by day"),
            [_("Day"), _("Registered (confirmed)"), _("Checked in"), _("Checked in share (%)")],
            day_rows,
            Chart(series=(1, 2)),
        ),
        Table(
            "checkins-by-hour",
            _("Check-ins by hour of the day"),
            [_("Hour"), _("Check-ins")],
            hour_rows,
            Chart(series=(1,), kind="line"),
            note=_("In the edition's time zone, all days together."),
        ),
        Table(
            "visitors-by-category",
            _("Visitors by category"),
            [_("Category"), _("Registered"), _("Came"), _("Came share (%)")],
            _with_came(by_category, came_by_category, categories),
            Chart(series=(1, 2), horizontal=True),
        ),
        Table(
            "visitors-by-country",
            _("Visitors by country"),
            [_("Country"), _("Registered"), _("Came"), _("Came share (%)")],
            _with_came(by_country, came_by_country, COUNTRY_NAMES),
            Chart(series=(1, 2), horizontal=True),
        ),
        Table(
            "visitor-interest-by-cluster",
            _("Visitors' interest by cluster"),
            [_("Cluster"), _("Registered people interested")],
            [[row["cluster__name"], row["n"]] for row in interest],
            Chart(series=(1,), horizontal=True),
        ),
    ]
