"""Reads of the public API: what anyone may see, and nothing else.

Every queryset starts from the public editions (the current one and those already held) and keeps only
what the public pages show: listed exhibitors, their products and stalls, the programme, and published
award results. Each reads what its serializer needs in a fixed number of queries, whatever the rows.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from awards.models import Result
from exhibitors.models import Exhibitor, ExhibitorProduct
from expo.models import Cluster, Expo, Sector
from pavilions.models import Hall, Pavilion, Stall
from programme.models import Room, Session, SessionSpeaker, Speaker


def public_expos() -> QuerySet[Expo]:
    """The current edition and those that have ended: an edition being prepared stays private until it is current."""
    return Expo.objects.filter(Q(is_current=True) | Q(end_date__lt=timezone.localdate()))


def editions() -> QuerySet[Expo]:
    return public_expos().order_by("pk")


def sectors() -> QuerySet[Sector]:
    return Sector.objects.order_by("pk")


def clusters() -> QuerySet[Cluster]:
    return Cluster.objects.select_related("sector").order_by("pk")


def exhibitors() -> QuerySet[Exhibitor]:
    return (
        Exhibitor.objects.filter(listed=True, expo__in=public_expos())
        .select_related("expo", "cluster__sector")
        .prefetch_related("certifications")
        .annotate(product_count=Count("products"))
        .order_by("pk")
    )


def exhibitor_detail() -> QuerySet[Exhibitor]:
    """``exhibitors()`` with the products, stalls and published awards an exhibitor's page shows."""
    return exhibitors().prefetch_related(
        Prefetch("products", queryset=ExhibitorProduct.objects.order_by("pk")),
        Prefetch(
            "stall_allocations__stall",
            queryset=Stall.objects.select_related("pavilion__hall"),
        ),
        Prefetch(
            "award_candidacies__results",
            queryset=Result.objects.filter(published_at__isnull=False).select_related("category"),
        ),
    )


def products() -> QuerySet[ExhibitorProduct]:
    return (
        ExhibitorProduct.objects.filter(exhibitor__listed=True, exhibitor__expo__in=public_expos())
        .select_related("exhibitor__expo")
        .order_by("pk")
    )


def halls() -> QuerySet[Hall]:
    return Hall.objects.filter(expo__in=public_expos()).select_related("expo").order_by("pk")


def pavilions() -> QuerySet[Pavilion]:
    return (
        Pavilion.objects.filter(hall__expo__in=public_expos())
        .select_related("hall__expo")
        .prefetch_related(Prefetch("clusters", queryset=Cluster.objects.order_by("pk")))
        .order_by("pk")
    )


def stalls() -> QuerySet[Stall]:
    """Stalls with their occupant, when the exhibitor standing there is listed (the public plan shows no other)."""
    return (
        Stall.objects.filter(pavilion__hall__expo__in=public_expos())
        .select_related("pavilion__hall__expo", "allocation__exhibitor")
        .order_by("pk")
    )


def rooms() -> QuerySet[Room]:
    return Room.objects.filter(hall__expo__in=public_expos()).select_related("hall__expo").order_by("pk")


def sessions() -> QuerySet[Session]:
    """Sessions of the public editions, cancelled ones included (the timetable shows them as such)."""
    return (
        Session.objects.filter(expo__in=public_expos())
        .select_related("expo", "room")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.order_by("pk")),
            Prefetch("clusters", queryset=Cluster.objects.order_by("pk")),
            Prefetch(
                "sessionspeaker_set",
                queryset=SessionSpeaker.objects.select_related("speaker").order_by("order", "speaker__name"),
                to_attr="speaker_links",
            ),
        )
        .order_by("starts_at", "pk")
    )


def speakers() -> QuerySet[Speaker]:
    return (
        Speaker.objects.filter(expo__in=public_expos())
        .select_related("expo")
        .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk")))
        .order_by("pk")
    )


def award_winners() -> QuerySet[Result]:
    """Published results only: approved but unpublished winners are the secretariat's secret until the ceremony."""
    return (
        Result.objects.filter(published_at__isnull=False, category__expo__in=public_expos())
        .select_related("category__expo", "candidate__exhibitor")
        .order_by("pk")
    )
