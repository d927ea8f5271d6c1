"""Edition over edition: the key figures of every edition side by side, one grouped query per kind of figure.

The cluster, sector and province filters narrow exhibitors, nominations and meetings in every edition alike.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from exhibitors.models import Exhibitor, Nomination, SizeClass
from expo.models import Expo
from visitors.models import Registration

from ..filters import Filters
from ..tables import Chart, Table, share
from .meetings import funnel_by
from .visitors import registrations_who_came


def _per_edition(queryset, **counts) -> dict[int, dict]:
    return {row.pop("expo_id"): row for row in queryset.values("expo_id").annotate(**counts).order_by()}


def edition_tables(expo: Expo, filters: Filters) -> list[Table]:
    editions = list(Expo.objects.order_by("year").values_list("pk", "year"))
    exhibitors = _per_edition(
        Exhibitor.objects.filter(filters.q(cluster="cluster", province="province")),
        n=Count("pk"),
        women=Count("pk", filter=Q(women_led=True)),
        micro=Count("pk", filter=Q(size_class=SizeClass.MICRO)),
    )
    nominations = _per_edition(
        Nomination.objects.exclude(status=Nomination.Status.DRAFT).filter(
            filters.q(cluster="cluster", province="province")
        ),
        n=Count("pk"),
    )
    # Registered and who came in one pass over the registrations (who came: a conditional count over a hashed
    # subquery of the check-ins, no join and no DISTINCT).
    registrations = _per_edition(
        Registration.objects.exclude(status=Registration.Status.CANCELLED),
        n=Count("pk"),
        came=Count("pk", filter=Q(pk__in=registrations_who_came())),
    )
    requests = funnel_by(None, filters, "expo_id")
    empty: dict = {}
    rows = []
    for pk, year in editions:
        exhibitor = exhibitors.get(pk, empty)
        registration = registrations.get(pk, empty)
        request = requests.get(pk, empty)
        rows.append(
            [
                str(year),
                exhibitor.get("n", 0),
                share(exhibitor.get("women", 0), exhibitor.get("n", 0)),
                share(exhibitor.get("micro", 0), exhibitor.get("n", 0)),
                nominations.get(pk, empty).get("n", 0),
                registration.get("n", 0),
                registration.get("came", 0),
                request.get("requested", 0),
                request.get("accepted", 0),
                request.get("scheduled", 0),
                request.get("held", 0),
            ]
        )
    return [
        Table(
            "editions",
            _("Edition over edition"),
            [
                _("Edition"),
                _("Exhibitors"),
                _("Women-led share (%)"),
                _("Micro share (%)"),
                _("Nominations"),
                _("Visitors registered"),
                _("Visitors who came"),
                _("Meetings requested"),
                _("Accepted"),
                _("Scheduled"),
                _("Held"),
            ],
            rows,
            Chart(series=(1, 5, 6, 7)),
            note=_("Visitor figures are for the whole edition whatever the filters."),
        )
    ]
