"""Reads of the open data: which editions are published, and the rows of each dataset.

Every row function takes an edition and returns plain rows (tuples in the order of its dataset's columns,
``datasets.py``) from a fixed number of aggregate or joined queries, whatever the number of rows. They read
only what the public pages already show or counts: no model field that names, reaches or identifies a person
is ever selected. Labels are the choices' labels in the active language; the views build files in English.
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from awards.models import Result
from exhibitors.models import Exhibitor, ExhibitorProduct, ExportExperience, SizeClass
from expo.models import Cluster, Expo, Province, Sector
from matchmaking.models import Meeting, MeetingRequest
from pavilions.models import Stall
from visitors.countries import COUNTRY_NAMES
from visitors.models import Category, CheckIn, Registration, RegistrationDay

from . import disclosure

Row = Sequence[object]


def editions_published(*, today: datetime.date) -> QuerySet[Expo]:
    """Editions whose open data is public: the current one (the edition the public pages show) and every edition
    that has ended. An edition being prepared and not yet made current is not published."""
    return Expo.objects.filter(Q(is_current=True) | Q(end_date__lt=today)).order_by("-year")


def edition_published(*, year: int, today: datetime.date) -> Expo:
    """The published edition of ``year``; 404 for an unpublished one, exactly like a missing one."""
    expo = editions_published(today=today).filter(year=year).first()
    if expo is None:
        raise Http404
    return expo


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _label(choices, code: str) -> str:
    """The label of ``code`` among ``choices``, or the code itself when the choices no longer hold it."""
    return str(dict(choices.choices).get(code, code)) if code else ""


# --- Counts ---------------------------------------------------------------------------------------


def exhibitor_count_rows(*, expo: Expo) -> list[Row]:
    """Exhibitors of ``expo`` (listed in the directory or not: a count names nobody) by cluster, sector, province,
    size class and women-led, one breakdown after the other: five grouped queries."""
    exhibitors = Exhibitor.objects.filter(expo=expo)
    rows: list[Row] = []
    by_cluster = exhibitors.values_list("cluster_id", "cluster__name").annotate(n=Count("pk"))
    rows += [("cluster", pk, name, n) for pk, name, n in by_cluster.order_by("cluster__name")]
    by_sector = exhibitors.values_list("cluster__sector__slug", "cluster__sector__name").annotate(n=Count("pk"))
    rows += [("sector", slug, name, n) for slug, name, n in by_sector.order_by("cluster__sector__name")]
    by_province = exhibitors.values_list("province").annotate(n=Count("pk")).order_by("province")
    rows += [("province", code, _label(Province, code), n) for code, n in by_province]
    by_size = dict(exhibitors.values_list("size_class").annotate(n=Count("pk")).order_by())
    rows += [("size_class", code, str(label), by_size[code]) for code, label in SizeClass.choices if code in by_size]
    by_women_led = dict(exhibitors.values_list("women_led").annotate(n=Count("pk")).order_by())
    rows += [
        ("women_led", _boolean(value), "", by_women_led[value]) for value in (True, False) if value in by_women_led
    ]
    return rows


def _suppressed(breakdown: str, cells: list[tuple[str, str, int]]) -> list[Row]:
    counts = disclosure.suppress([count for _code, _label, count in cells])
    return [(breakdown, code, label, count) for (code, label, _count), count in zip(cells, counts, strict=True)]


def visitor_count_rows(*, expo: Expo) -> list[Row]:
    """Visitors of ``expo`` by day (confirmed for the day), by category and by country (registrations not
    cancelled, in the category registered), each breakdown suppressed (``disclosure.suppress``): three queries."""
    by_day = dict(
        RegistrationDay.objects.filter(registration__expo=expo, status=Registration.Status.CONFIRMED)
        .values_list("date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    registrations = Registration.objects.filter(expo=expo).exclude(status=Registration.Status.CANCELLED)
    by_category = dict(registrations.values_list("category").annotate(n=Count("pk")).order_by())
    by_country = registrations.values_list("country").annotate(n=Count("pk")).order_by("country")
    days = [(day.isoformat(), day.isoformat(), by_day.get(day, 0)) for day in expo.days]
    categories = [(code, str(label), by_category[code]) for code, label in Category.choices if code in by_category]
    countries = [(code, str(COUNTRY_NAMES.get(code, code)), n) for code, n in by_country]
    return [
        *_suppressed("day", days),
        *_suppressed("category", categories),
        *_suppressed("country", countries),
    ]


def checkin_count_rows(*, expo: Expo) -> list[Row]:
    """Badges let in at the gates on each day of ``expo`` (visitors, booth staff and everyone else): one query."""
    by_day = dict(CheckIn.objects.filter(badge__expo=expo).values_list("day").annotate(n=Count("pk")).order_by())
    days = sorted(set(expo.days) | set(by_day))
    return [(day.isoformat(), by_day.get(day, 0)) for day in days]


def meeting_count_rows(*, expo: Expo) -> list[Row]:
    """B2B meeting requests, accepted requests and meetings in the schedule (not cancelled) per cluster of the
    exhibitor taking part: three queries."""
    requests = (
        MeetingRequest.objects.filter(expo=expo)
        .annotate(cluster_key=Coalesce("receiver__exhibitor__cluster_id", "sender__exhibitor__cluster_id"))
        .values("cluster_key")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status=MeetingRequest.Status.ACCEPTED)))
        .order_by()
    )
    asked = {row["cluster_key"]: (row["n"], row["accepted"]) for row in requests if row["cluster_key"] is not None}
    meetings = dict(
        Meeting.objects.filter(expo=expo)
        .exclude(state=Meeting.State.CANCELLED)
        .annotate(
            cluster_key=Coalesce("request__receiver__exhibitor__cluster_id", "request__sender__exhibitor__cluster_id")
        )
        .values_list("cluster_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    names = dict(Cluster.objects.filter(pk__in=set(asked) | set(meetings)).values_list("pk", "name"))
    return [
        (pk, names[pk], *asked.get(pk, (0, 0)), meetings.get(pk, 0))
        for pk in sorted(names, key=lambda pk: (names[pk], pk))
    ]


# --- Reference data -------------------------------------------------------------------------------


def sector_rows(*, expo: Expo) -> list[Row]:
    """Every sector the portal knows (they are shared by the editions): one query."""
    return list(Sector.objects.order_by("name").values_list("slug", "name", "name_ur"))


def cluster_rows(*, expo: Expo) -> list[Row]:
    """Every cluster the portal knows, with its sector and place: one query."""
    clusters = Cluster.objects.select_related("sector").order_by("name")
    return [
        (
            cluster.pk,
            cluster.name,
            cluster.sector.slug,
            cluster.sector.name,
            cluster.city,
            cluster.province,
            _label(Province, cluster.province),
        )
        for cluster in clusters
    ]


# --- Public profiles --------------------------------------------------------------------------------


def exhibitor_rows(*, expo: Expo) -> list[Row]:
    """The public profile of every exhibitor of ``expo`` listed in the directory, as its directory page shows it,
    without the contact details (email, phone, WhatsApp), which are for visitors of the page, not for copying
    into datasets: two queries (the exhibitors, their certifications)."""
    exhibitors = (
        Exhibitor.objects.filter(expo=expo, listed=True)
        .select_related("cluster__sector")
        .prefetch_related("certifications")
        .annotate(product_count=Count("products"))
        .order_by("name", "pk")
    )
    return [
        (
            exhibitor.slug,
            exhibitor.name,
            exhibitor.cluster_id,
            exhibitor.cluster.name,
            exhibitor.cluster.sector.name,
            exhibitor.city,
            exhibitor.province,
            _boolean(exhibitor.women_led),
            exhibitor.size_class,
            _label(ExportExperience, exhibitor.export_experience),
            disclosure.redact(exhibitor.export_markets),
            "; ".join(sorted(certification.name for certification in exhibitor.certifications.all())),
            disclosure.redact(exhibitor.description),
            disclosure.redact(exhibitor.description_ur),
            exhibitor.website,
            exhibitor.product_count,
        )
        for exhibitor in exhibitors
    ]


def product_rows(*, expo: Expo) -> list[Row]:
    """The products of the exhibitors listed in the directory: one query."""
    products = (
        ExhibitorProduct.objects.filter(exhibitor__expo=expo, exhibitor__listed=True)
        .select_related("exhibitor")
        .order_by("exhibitor__name", "exhibitor__pk", "pk")
    )
    return [
        (
            product.exhibitor.slug,
            product.exhibitor.name,
            product.name,
            disclosure.redact(product.description),
            product.hs_code,
        )
        for product in products
    ]


def _metres(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def stall_rows(*, expo: Expo) -> list[Row]:
    """Every stall on the plans of ``expo`` with its size and the public name of the exhibitor listed on it (none
    for a free stall or one whose exhibitor is not listed): one query."""
    stalls = (
        Stall.objects.filter(pavilion__hall__expo=expo)
        .select_related("pavilion__hall", "allocation__exhibitor")
        .order_by("pavilion__hall__order", "pavilion__hall__code", "pavilion__code", "code")
    )
    rows = []
    for stall in stalls:
        allocation = getattr(stall, "allocation", None)
        occupant = allocation.exhibitor if allocation and allocation.exhibitor.listed else None
        pavilion, hall = stall.pavilion, stall.pavilion.hall
        rows.append(
            (
                hall.code,
                hall.name,
                pavilion.code,
                pavilion.name,
                pavilion.kind,
                stall.code,
                _metres(stall.width),
                _metres(stall.depth),
                _metres(stall.area),
                stall.open_sides,
                occupant.slug if occupant else "",
                occupant.name if occupant else "",
            )
        )
    return rows


def award_winner_rows(*, expo: Expo) -> list[Row]:
    """Published winners and runners-up of the awards of ``expo`` whose exhibitor is listed: one query."""
    results = (
        Result.objects.filter(category__expo=expo, published_at__isnull=False, candidate__exhibitor__listed=True)
        .select_related("category", "candidate__exhibitor__cluster")
        .order_by("category__order", "category__name", "rank")
    )
    return [
        (
            result.category.name,
            result.category.name_ur,
            result.place,
            result.rank,
            result.candidate.exhibitor.slug,
            result.candidate.exhibitor.name,
            result.candidate.exhibitor.cluster.name,
        )
        for result in results
    ]
