"""Reads of the exhibitors app.

Access to a trade body's nominations goes through ``nomination_for_user`` and to an
exhibitor's records through ``exhibitor_for_user``: what a user may not see is a
404, exactly like what does not exist.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from expo import selectors as core_selectors
from expo.models import Cluster, Expo, TradeBody, User
from expo.staff import staff_mfa_enforce

from . import ranking
from .models import (
    EXPORT_READY,
    BoothStaff,
    ClusterCapacity,
    Exhibitor,
    ExhibitorProduct,
    Nomination,
    NominationImport,
    NominationRules,
    Review,
    ReviewCriterion,
    SizeClass,
)


def nominations_of_trade_body(*, trade_body: TradeBody, expo: Expo | None) -> QuerySet[Nomination]:
    return Nomination.objects.filter(trade_body=trade_body, expo=expo).select_related("cluster").order_by("-created_at")


def nomination_for_user(user: User, pk: int) -> Nomination:
    """The nomination ``pk`` if ``user`` belongs to the trade body that made it; 404 otherwise."""
    nomination = (
        Nomination.objects.filter(pk=pk, trade_body__tradebodymembership__user=user, trade_body__is_active=True)
        .select_related("expo", "trade_body", "cluster__sector")
        .first()
        if user.is_authenticated
        else None
    )
    if nomination is None:
        raise Http404
    return nomination


def nomination_for_viewer(user: User, pk: int) -> Nomination:
    """The nomination ``pk`` for a member of its trade body, or for staff allowed to view nominations
    (the admin shows the files to reviewers); 404 for anyone else, exactly like a missing one."""
    if user.is_authenticated and user.is_active and user.has_perm("exhibitors.view_nomination"):
        staff_mfa_enforce(user)
        nomination = Nomination.objects.filter(pk=pk).first()
        if nomination is None:
            raise Http404
        return nomination
    return nomination_for_user(user, pk)


def trade_body_for_import(user: User, pk: int) -> TradeBody:
    """The trade body a spreadsheet of nominations is uploaded for: the user's own, or any active one for
    staff allowed to add nominations (they upload files trade bodies send by email); 404 otherwise."""
    if user.is_authenticated and user.is_active and user.is_staff and user.has_perm("exhibitors.add_nomination"):
        staff_mfa_enforce(user)
        trade_body = TradeBody.objects.filter(pk=pk, is_active=True).first()
        if trade_body is None:
            raise Http404
        return trade_body
    return core_selectors.trade_body_for_user(user, pk)


def nomination_import_for_user(user: User, *, trade_body: TradeBody, pk: int) -> NominationImport:
    """An upload of ``trade_body``'s nominations by ``user`` (who may upload for it: see
    ``trade_body_for_import``); 404 for anyone else's, colleagues' included, like a missing one."""
    nomination_import = NominationImport.objects.filter(pk=pk, trade_body=trade_body, uploaded_by=user).first()
    if nomination_import is None:
        raise Http404
    return nomination_import


def exhibitor_for_user(user: User, pk: int) -> Exhibitor:
    """The exhibitor ``pk`` if ``user`` is one of its members; 404 otherwise."""
    exhibitor = (
        Exhibitor.objects.filter(pk=pk, exhibitormembership__user=user).select_related("expo", "cluster").first()
        if user.is_authenticated
        else None
    )
    if exhibitor is None:
        raise Http404
    return exhibitor


def exhibitors_for_user(user: User) -> QuerySet[Exhibitor]:
    if not user.is_authenticated:
        return Exhibitor.objects.none()
    return Exhibitor.objects.filter(exhibitormembership__user=user).select_related("expo").order_by("-expo__year")


# --- Public directory ---------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    cluster: int | None = None
    sector: int | None = None
    province: str = ""
    women_led: bool = False
    size_class: str = ""
    export_ready: bool = False


def directory(*, expo: Expo, filters: DirectoryFilters) -> QuerySet[Exhibitor]:
    """Listed exhibitors of ``expo`` matching ``filters``, with what a directory card shows, in name order."""
    exhibitors = Exhibitor.objects.filter(expo=expo, listed=True)
    if filters.query:
        product_match = ExhibitorProduct.objects.filter(exhibitor=OuterRef("pk"), name__icontains=filters.query)
        exhibitors = exhibitors.filter(Q(name__icontains=filters.query) | Exists(product_match))
    if filters.cluster:
        exhibitors = exhibitors.filter(cluster_id=filters.cluster)
    if filters.sector:
        exhibitors = exhibitors.filter(cluster__sector_id=filters.sector)
    if filters.province:
        exhibitors = exhibitors.filter(province=filters.province)
    if filters.women_led:
        exhibitors = exhibitors.filter(women_led=True)
    if filters.size_class in SizeClass.values:
        exhibitors = exhibitors.filter(size_class=filters.size_class)
    if filters.export_ready:
        exhibitors = exhibitors.filter(export_experience__in=EXPORT_READY)
    return exhibitors.select_related("cluster__sector").annotate(product_count=Count("products")).order_by("name")


def directory_exhibitor(*, expo: Expo, slug: str) -> Exhibitor:
    exhibitor = (
        Exhibitor.objects.filter(expo=expo, slug=slug, listed=True)
        .select_related("cluster__sector")
        .prefetch_related(Prefetch("products", queryset=ExhibitorProduct.objects.order_by("pk")), "certifications")
        .first()
    )
    if exhibitor is None:
        raise Http404
    return exhibitor


# --- Staff review ---------------------------------------------------------------------------


def nominations_ranked(*, expo: Expo) -> list[tuple[ranking.Ranked, Nomination]]:
    """Submitted nominations of ``expo`` in ranking order, each with its rank and score."""
    rules = NominationRules.objects.filter(expo=expo).first() or NominationRules(expo=expo)
    nominations = {
        nomination.pk: nomination
        for nomination in Nomination.objects.filter(
            expo=expo,
            status__in=[
                Nomination.Status.SUBMITTED,
                Nomination.Status.UNDER_REVIEW,
                Nomination.Status.WAITLISTED,
                Nomination.Status.APPROVED,
            ],
        )
        .select_related("trade_body", "cluster")
        .annotate(mean_score=Avg("reviews__weighted_score"), review_count=Count("reviews"))
    }
    candidates = [
        ranking.Candidate(
            id=nomination.pk,
            mean_score=float(nomination.mean_score) if nomination.mean_score is not None else None,
            women_led=nomination.women_led,
            micro=nomination.size_class == SizeClass.MICRO,
            submitted_order=nomination.submitted_at.timestamp() if nomination.submitted_at else 0.0,
        )
        for nomination in nominations.values()
    ]
    preferences = ranking.Preferences(
        women_led_bonus=float(rules.women_led_bonus), micro_bonus=float(rules.micro_bonus)
    )
    return [(ranked, nominations[ranked.id]) for ranked in ranking.rank(candidates, preferences)]


@dataclass(frozen=True)
class ClusterFill:
    cluster: str
    approved: int
    capacity: int | None


def cluster_fill(*, expo: Expo) -> list[ClusterFill]:
    """Approved nominations per cluster against the pavilion's capacity, for the ranked view."""
    approved = dict(
        Nomination.objects.filter(expo=expo, status=Nomination.Status.APPROVED)
        .values_list("cluster_id")
        .annotate(count=Count("pk"))
    )
    capacity = dict(ClusterCapacity.objects.filter(expo=expo).values_list("cluster_id", "exhibitors"))
    names = dict(Cluster.objects.filter(pk__in=set(approved) | set(capacity)).values_list("pk", "name"))
    return [
        ClusterFill(names[pk], approved.get(pk, 0), capacity.get(pk)) for pk in sorted(names, key=lambda pk: names[pk])
    ]


def nominations_of_same_enterprise(*, nomination: Nomination) -> QuerySet[Nomination]:
    """Other nominations of the same enterprise (another trade body, another edition), for staff."""
    if nomination.enterprise_id is None:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(enterprise_id=nomination.enterprise_id)
        .exclude(pk=nomination.pk)
        .select_related("trade_body", "expo")
        .order_by("-created_at")
    )


# --- An exhibitor's own records -------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    url_name: str


@dataclass(frozen=True)
class ProfileCompleteness:
    items: list[ChecklistItem]

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


_CHECKLIST_LABELS = {
    "logo": gettext_lazy("A logo"),
    "description": gettext_lazy("A description in English"),
    "description_ur": gettext_lazy("A description in Urdu"),
    "product_photo": gettext_lazy("At least one product with a photo"),
    "contact": gettext_lazy("A way for visitors to contact you (email, phone or WhatsApp)"),
}


def exhibitor_profile_completeness(*, exhibitor: Exhibitor) -> tuple[ProfileCompleteness, dict[str, int]]:
    """The profile checklist of the dashboard and the counts it needs (products, photos, booth staff): 2 queries."""
    counts = ExhibitorProduct.objects.filter(exhibitor=exhibitor).aggregate(
        products=Count("pk"), with_photo=Count("pk", filter=~Q(photo=""))
    )
    counts["booth_staff"] = BoothStaff.objects.filter(exhibitor=exhibitor).count()
    done = {
        "logo": bool(exhibitor.logo),
        "description": bool(exhibitor.description.strip()),
        "description_ur": bool(exhibitor.description_ur.strip()),
        "product_photo": counts["with_photo"] > 0,
        "contact": bool(exhibitor.public_email or exhibitor.public_phone or exhibitor.whatsapp),
    }
    url_names = {"product_photo": "exhibitor_products"}
    items = [
        ChecklistItem(key, str(label), done[key], url_names.get(key, "exhibitor_profile"))
        for key, label in _CHECKLIST_LABELS.items()
    ]
    return ProfileCompleteness(items), counts


def exhibitor_products(*, exhibitor: Exhibitor):
    return ExhibitorProduct.objects.filter(exhibitor=exhibitor).order_by("pk")


def exhibitor_product_for(*, exhibitor: Exhibitor, pk: int) -> ExhibitorProduct:
    """A product of ``exhibitor``; 404 for another exhibitor's product, like for a missing one."""
    product = ExhibitorProduct.objects.filter(exhibitor=exhibitor, pk=pk).first()
    if product is None:
        raise Http404
    return product


def exhibitor_booth_staff(*, exhibitor: Exhibitor):
    return BoothStaff.objects.filter(exhibitor=exhibitor).order_by("pk")


def booth_staff_member_for(*, exhibitor: Exhibitor, pk: int) -> BoothStaff:
    """A booth staff member of ``exhibitor``; 404 otherwise."""
    person = BoothStaff.objects.filter(exhibitor=exhibitor, pk=pk).first()
    if person is None:
        raise Http404
    return person


def review_criteria(*, expo: Expo) -> list[ReviewCriterion]:
    return list(ReviewCriterion.objects.filter(expo=expo).order_by("order", "pk"))


def reviews_of_nomination(*, nomination: Nomination) -> QuerySet[Review]:
    return Review.objects.filter(nomination=nomination).select_related("reviewer").order_by("created_at")
