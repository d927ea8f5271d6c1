"""Awards of an edition, per category: candidates in the running, eligible, and the published winners and
runners-up, with how many winners are women-led. The filters narrow candidates and results by their exhibitor."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from awards.models import Candidate, Category, Result
from expo.models import Expo

from ..filters import Filters
from ..tables import Chart, Table


def award_tables(expo: Expo, filters: Filters) -> list[Table]:
    candidate = Q(candidates__status=Candidate.Status.ACTIVE) & filters.q(
        cluster="candidates__exhibitor__cluster", province="candidates__exhibitor__province"
    )
    published = Q(results__published_at__isnull=False) & filters.q(
        cluster="results__candidate__exhibitor__cluster", province="results__candidate__exhibitor__province"
    )
    winner = published & Q(results__place=Result.Place.WINNER)
    categories = (
        Category.objects.filter(expo=expo)
        .annotate(
            candidates_n=Count("candidates", filter=candidate, distinct=True),
            eligible_n=Count("candidates", filter=candidate & Q(candidates__eligible=True), distinct=True),
            winners_n=Count("results", filter=winner, distinct=True),
            runners_up_n=Count("results", filter=published & Q(results__place=Result.Place.RUNNER_UP), distinct=True),
            women_winners_n=Count(
                "results", filter=winner & Q(results__candidate__exhibitor__women_led=True), distinct=True
            ),
        )
        .order_by("order", "name")
        .values_list("name", "candidates_n", "eligible_n", "winners_n", "runners_up_n", "women_winners_n")
    )
    return [
        Table(
            "awards-by-category",
            _("Award candidates and winners, by category"),
            [
                _("Category"),
                _("Candidates in the running"),
                _("Eligible"),
                _("Winners"),
                _("Runners-up"),
                _("Women-led winners"),
            ],
            [list(row) for row in categories],
            Chart(series=(1, 3), horizontal=True),
            note=_("Winners and runners-up once their results are published."),
        ),
    ]
