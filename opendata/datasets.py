"""The catalogue of open datasets: each one's file name, title, description, columns and data dictionary.

One place says what each CSV holds: the view writes a dataset's header from its columns and its data dictionary
(each column's name, type and meaning) from the same columns, so the two cannot drift. Types are the Table
Schema names (string, integer, number, boolean, date) that data portals read; meanings are translated, the
column names and codes are not (a script reads them the same in every language).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import Http404
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from awards.results import AWARDS_VERSION_KEY
from exhibitors.services import DIRECTORY_VERSION_KEY
from expo.views import HOME_VERSION_KEY
from pavilions.services import FLOOR_PLAN_VERSION_KEY

from . import disclosure, selectors

# Registrations, check-ins and meetings have no version their writers bump: files counting them are never
# invalidated by a write and live as long as the cache's timeout (``expo.caching.TIMEOUT``, ten minutes).
LIVE_COUNTS_VERSION_KEY = "opendata:live-counts-version"

TYPE_LABELS = {
    "string": _("text"),
    "integer": _("whole number"),
    "number": _("decimal number"),
    "boolean": _("true or false"),
    "date": _("date (YYYY-MM-DD)"),
}

DICTIONARY_HEADER = ("column", "type", "meaning")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: Promise

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS[self.type])


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    rows: Callable[..., list[Sequence[object]]]
    # The cache versions of the data the file shows; the first is the main one.
    versions: tuple[str, ...]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def filename(self, year: int) -> str:
        return f"expo-{year}-{self.slug}.csv"

    def dictionary_filename(self, year: int) -> str:
        return f"expo-{year}-{self.slug}-dictionary.csv"

    def dictionary_rows(self) -> list[tuple[str, str, str]]:
        """The data dictionary in the active language: one row per column of the file, in its order."""
        return [(column.name, column.type, str(column.meaning)) for column in self.columns]


_SUPPRESSED_COUNT = format_lazy(
    _(
        "How many. A count from 1 to {below} is shown as “<{threshold}”; when a breakdown has only one such "
        "count, its smallest other count is shown as “x”, so that the small one cannot be worked out from a total."
    ),
    below=disclosure.THRESHOLD - 1,
    threshold=disclosure.THRESHOLD,
)

_CLUSTER_ID = Column("cluster_id", "integer", _("The cluster's number; the same in clusters.csv."))
_EXHIBITOR_SLUG = Column(
    "exhibitor_slug", "string", _("The exhibitor's short name in the directory's addresses; the same in every file.")
)
_EXHIBITOR = Column("exhibitor", "string", _("The name the exhibitor shows visitors."))

DATASETS = (
    Dataset(
        slug="exhibitor-counts",
        title=_("Exhibitors by cluster, sector, province, size and women-led"),
        description=_("How many enterprises exhibit, in five breakdowns one after the other."),
        columns=(
            Column(
                "breakdown",
                "string",
                _("What the row counts by: cluster, sector, province, size_class or women_led."),
            ),
            Column(
                "code",
                "string",
                _(
                    "The cluster's number, the sector's short name, the province's code, the size class "
                    "(micro, small, medium, large) or, for women_led, true or false."
                ),
            ),
            Column("label", "string", _("The name of the cluster, sector, province or size class, in English.")),
            Column("exhibitors", "integer", _("How many exhibitors, listed in the directory or not.")),
        ),
        rows=selectors.exhibitor_count_rows,
        versions=(DIRECTORY_VERSION_KEY, HOME_VERSION_KEY),
    ),
    Dataset(
        slug="visitor-counts",
        title=_("Visitors by day, category and country"),
        description=_(
            "Counts only, with small counts hidden. A registration counts once per category and country, and once "
            "for each day it is confirmed for."
        ),
        columns=(
            Column("breakdown", "string", _("What the row counts by: day, category or country.")),
            Column(
                "code",
                "string",
                _("The day (YYYY-MM-DD), the visitor category's code or the country's ISO 3166-1 alpha-2 code."),
            ),
            Column("label", "string", _("The day, or the name of the category or country, in English.")),
            Column("visitors", "string", _SUPPRESSED_COUNT),
        ),
        rows=selectors.visitor_count_rows,
        versions=(LIVE_COUNTS_VERSION_KEY, HOME_VERSION_KEY),
    ),
    Dataset(
        slug="check-ins",
        title=_("Check-ins per day"),
        description=_("How many badges were let in at the gates each day: visitors, booth staff and everyone else."),
        columns=(
            Column("day", "date", _("The day.")),
            Column("check_ins", "integer", _("Badges let in that day; a badge counts once a day.")),
        ),
        rows=selectors.checkin_count_rows,
        versions=(LIVE_COUNTS_VERSION_KEY, HOME_VERSION_KEY),
    ),
    Dataset(
        slug="meetings-by-cluster",
        title=_("B2B meetings by cluster"),
        description=_(
            "Meeting requests between buyers and exhibitors, and meetings scheduled, by the exhibitor's cluster."
        ),
        columns=(
            _CLUSTER_ID,
            Column("cluster", "string", _("The cluster's name.")),
            Column("meeting_requests", "integer", _("Meeting requests sent to or by exhibitors of the cluster.")),
            Column("accepted_requests", "integer", _("Of those, the requests accepted.")),
            Column("meetings", "integer", _("Meetings placed in the schedule and not cancelled.")),
        ),
        rows=selectors.meeting_count_rows,
        versions=(LIVE_COUNTS_VERSION_KEY, HOME_VERSION_KEY),
    ),
    Dataset(
        slug="sectors",
        title=_("Sectors"),
        description=_("The sectors clusters belong to."),
        columns=(
            Column("sector_slug", "string", _("The sector's short name; the same in every file.")),
            Column("name", "string", _("The sector's name in English.")),
            Column("name_ur", "string", _("The sector's name in Urdu, where there is one.")),
        ),
        rows=selectors.sector_rows,
        versions=(HOME_VERSION_KEY,),
    ),
    Dataset(
        slug="clusters",
        title=_("Clusters"),
        description=_("Each cluster: a sector in a place, such as surgical instruments in Sialkot."),
        columns=(
            _CLUSTER_ID,
            Column("name", "string", _("The cluster's name.")),
            Column("sector_slug", "string", _("The sector's short name; the same in sectors.csv.")),
            Column("sector", "string", _("The sector's name in English.")),
            Column("city", "string", _("The city or district of the cluster.")),
            Column("province", "string", _("The province's code.")),
            Column("province_name", "string", _("The province's name in English.")),
        ),
        rows=selectors.cluster_rows,
        versions=(HOME_VERSION_KEY,),
    ),
    Dataset(
        slug="exhibitors",
        title=_("Exhibitor profiles"),
        description=_(
            "The public profile of each exhibitor listed in the directory, without contact details. Anything "
            "shaped like an email address or a phone number in a text is replaced by “[removed]”."
        ),
        columns=(
            _EXHIBITOR_SLUG,
            Column("name", "string", _("The name the exhibitor shows visitors.")),
            _CLUSTER_ID,
            Column("cluster", "string", _("The cluster's name.")),
            Column("sector", "string", _("The sector's name in English.")),
            Column("city", "string", _("The city the enterprise is in.")),
            Column("province", "string", _("The province's code.")),
            Column("women_led", "boolean", _("Whether the enterprise is led by a woman.")),
            Column("size_class", "string", _("Micro, small, medium or large, by annual turnover.")),
            Column("export_experience", "string", _("How much the enterprise exports, in English.")),
            Column("export_markets", "string", _("The markets it exports to, as it wrote them.")),
            Column("certifications", "string", _("Its certifications, separated by semicolons.")),
            Column("description", "string", _("What the enterprise makes or does, in English.")),
            Column("description_ur", "string", _("The same in Urdu, where there is one.")),
            Column("website", "string", _("Its website.")),
            Column("products", "integer", _("How many products it lists; they are in products.csv.")),
        ),
        rows=selectors.exhibitor_rows,
        versions=(DIRECTORY_VERSION_KEY, HOME_VERSION_KEY),
    ),
    Dataset(
        slug="products",
        title=_("Products"),
        description=_("The products exhibitors listed in the directory show."),
        columns=(
            _EXHIBITOR_SLUG,
            _EXHIBITOR,
            Column("product", "string", _("The product's name.")),
            Column("description", "string", _("The product's description.")),
            Column("hs_code", "string", _("Its Harmonized System code, where given.")),
        ),
        rows=selectors.product_rows,
        versions=(DIRECTORY_VERSION_KEY,),
    ),
    Dataset(
        slug="stalls",
        title=_("Stalls"),
        description=_("Every stall on the hall plans, its size and the exhibitor on it."),
        columns=(
            Column("hall_code", "string", _("The hall's code, such as H1.")),
            Column("hall", "string", _("The hall's name.")),
            Column("pavilion_code", "string", _("The pavilion's code within its hall.")),
            Column("pavilion", "string", _("The pavilion's name.")),
            Column(
                "pavilion_kind",
                "string",
                _("cluster, women (the women entrepreneurs pavilion), international, enclave or service."),
            ),
            Column("stall_code", "string", _("The stall's code, such as H1-B-014.")),
            Column("width_m", "number", _("Width in metres.")),
            Column("depth_m", "number", _("Depth in metres.")),
            Column("area_m2", "number", _("Area in square metres.")),
            Column("open_sides", "integer", _("Open sides: 1 in-line, 2 corner, 3 peninsula, 4 island.")),
            Column(
                "exhibitor_slug",
                "string",
                _("The exhibitor on the stall; empty when the stall is free or its exhibitor is not listed."),
            ),
            _EXHIBITOR,
        ),
        rows=selectors.stall_rows,
        versions=(FLOOR_PLAN_VERSION_KEY, DIRECTORY_VERSION_KEY),
    ),
    Dataset(
        slug="award-winners",
        title=_("Award winners"),
        description=_("The winners and runners-up of each award category, once the results are published."),
        columns=(
            Column("category", "string", _("The award category's name in English.")),
            Column("category_ur", "string", _("Its name in Urdu, where there is one.")),
            Column("place", "string", _("winner or runner_up.")),
            Column("rank", "integer", _("The place in the category, 1 first.")),
            _EXHIBITOR_SLUG,
            _EXHIBITOR,
            Column("cluster", "string", _("The exhibitor's cluster.")),
        ),
        rows=selectors.award_winner_rows,
        versions=(AWARDS_VERSION_KEY, DIRECTORY_VERSION_KEY),
    ),
)

_BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


def dataset_for(slug: str) -> Dataset:
    """The dataset named ``slug``; 404 for any other name."""
    dataset = _BY_SLUG.get(slug)
    if dataset is None:
        raise Http404
    return dataset
