"""The staff side of nominations in the Django admin: review, scoring, decisions, the ranked list; and exhibitors.

Nominations are the trade bodies' data, so staff see them read-only; every change staff
make (a score, a decision) goes through ``exhibitors.services``, from small admin views
added to ``NominationAdmin``. Reviewers (the "Nomination reviewers" group) may view and
score; approving, waitlisting and rejecting needs ``exhibitors.decide_nomination``.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from expo import selectors as core_selectors
from expo.admin import (
    InvitationInline,
    InviteMemberMixin,
    ReadOnlyHistoryAdmin,
    reason_confirmation,
    reason_confirmation_sent,
)
from expo.models import Expo

from . import selectors, services
from .forms.profile import ListingDecisionForm
from .forms.review import BulkDecisionForm, DecisionForm, ReviewForm, TradeBodyChoiceForm
from .models import (
    STEP_FIELDS,
    BoothStaff,
    Certification,
    ClusterCapacity,
    Enterprise,
    Exhibitor,
    ExhibitorMembership,
    ExhibitorProduct,
    Nomination,
    NominationRules,
    Review,
    ReviewCriterion,
    TradeBodyQuota,
)

Status = Nomination.Status
SCORABLE = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.WAITLISTED)
ACTION_OF_DECISION = {
    Status.APPROVED: "approve_selected",
    Status.WAITLISTED: "waitlist_selected",
    Status.REJECTED: "reject_selected",
}
BADGES = {"women_led": gettext_lazy("Women-led"), "micro": gettext_lazy("Micro")}


# --- Nominations ------------------------------------------------------------------------------


class NominationStatusFilter(admin.SimpleListFilter):
    """Status, with drafts left out unless asked for: a draft is the trade body's work in progress."""

    title = gettext_lazy("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.ALL, _("All, drafts too")), *Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.exclude(status=Status.DRAFT)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All but drafts"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ScoreFilter(admin.SimpleListFilter):
    """The mean of the reviewers' weighted scores (annotated by ``NominationAdmin.get_queryset``)."""

    title = gettext_lazy("mean score")
    parameter_name = "score"

    def lookups(self, request, model_admin):
        return [
            ("none", _("Not scored")),
            ("lt3", _("Below 3")),
            ("3to4", _("3 to 4")),
            ("gte4", _("4 and above")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(mean_score__isnull=True)
        if value == "lt3":
            return queryset.filter(mean_score__lt=3)
        if value == "3to4":
            return queryset.filter(mean_score__gte=3, mean_score__lt=4)
        if value == "gte4":
            return queryset.filter(mean_score__gte=4)
        return queryset


def _format_score(value) -> str:
    return "—" if value is None else f"{value:.2f}"


@admin.register(Nomination)
class NominationAdmin(ReadOnlyHistoryAdmin):
    change_form_template = "admin/exhibitors/nomination/change_form.html"
    change_list_template = "admin/exhibitors/nomination/change_list.html"
    list_display = [
        "legal_name",
        "trade_body",
        "cluster",
        "province",
        "size_class",
        "women_led",
        "status",
        "reviews_count",
        "mean_score_display",
    ]
    list_filter = [
        "expo",
        NominationStatusFilter,
        "cluster",
        "province",
        "size_class",
        "women_led",
        "trade_body",
        ScoreFilter,
    ]
    search_fields = ["legal_name", "brand_name", "ntn", "city"]
    list_select_related = ["trade_body", "cluster"]
    readonly_fields = ["logo_file"]
    actions = ["approve_selected", "waitlist_selected", "reject_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "expo",
                    "trade_body",
                    "enterprise",
                    "status",
                    "submitted_at",
                    "decided_at",
                    "decision_reason",
                    "created_by",
                ]
            },
        ),
        (
            gettext_lazy("Enterprise"),
            {"fields": [*STEP_FIELDS[Nomination.Step.ENTERPRISE], "size_class", "logo_file"]},
        ),
        (
            gettext_lazy("Owner and contact"),
            {"fields": STEP_FIELDS[Nomination.Step.OWNER]},
        ),
        (
            gettext_lazy("Certifications and exports"),
            {"fields": STEP_FIELDS[Nomination.Step.PRODUCTS]},
        ),
        (gettext_lazy("Justification"), {"fields": STEP_FIELDS[Nomination.Step.JUSTIFICATION]}),
    ]

    # Trade bodies write nominations; staff only score and decide, through their own views.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("exhibitors.decide_nomination")

    def has_score_permission(self, request) -> bool:
        return request.user.has_perm("exhibitors.add_review")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(mean_score=Avg("reviews__weighted_score"), review_count=Count("reviews"))
        )

    @admin.display(description=gettext_lazy("reviews"), ordering="review_count")
    def reviews_count(self, nomination: Nomination) -> int:
        return nomination.review_count

    @admin.display(description=gettext_lazy("mean score"), ordering="mean_score")
    def mean_score_display(self, nomination: Nomination) -> str:
        return _format_score(nomination.mean_score)

    @admin.display(description=gettext_lazy("logo"))
    def logo_file(self, nomination: Nomination) -> str:
        if not nomination.logo:
            return "—"
        # A private file: served by the permission-checked file view, never from MEDIA_URL.
        url = reverse("nomination_file", args=[nomination.pk, "logo", 0])
        return format_html('<a href="{}">{}</a>', url, _("Open the logo"))

    # --- URLs of the review ---

    def get_urls(self):
        info = (self.model._meta.app_label, self.model._meta.model_name)
        wrap = self.admin_site.admin_view
        return [
            path("ranked/", wrap(self.ranked_view), name="{}_{}_ranked".format(*info)),
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path("<path:object_id>/score/", wrap(self.score_view), name="{}_{}_score".format(*info)),
            path("<path:object_id>/decide/", wrap(self.decide_view), name="{}_{}_decide".format(*info)),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Staff upload a trade body's spreadsheet: choose the trade body, then its upload page checks and imports."""
        if not request.user.has_perm("exhibitors.add_nomination"):
            raise PermissionDenied
        form = TradeBodyChoiceForm(request.GET or None)
        if form.is_valid():
            return redirect("nomination_import", form.cleaned_data["trade_body"].pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Upload a spreadsheet of nominations"),
        }
        return TemplateResponse(request, "admin/exhibitors/nomination/import.html", context)

    def _nomination_or_404(self, request, object_id: str) -> Nomination:
        if not self.has_view_permission(request):
            raise PermissionDenied
        nomination = self.get_object(request, unquote(object_id))
        if nomination is None:
            raise Http404
        return nomination

    def _change_url(self, nomination: Nomination) -> str:
        return reverse("admin:exhibitors_nomination_change", args=[nomination.pk])

    def _review_context(self, request, nomination: Nomination) -> dict:
        """What the change page and the scoring page show beside the nomination's own fields."""
        criteria = selectors.review_criteria(expo=nomination.expo)
        reviews = list(selectors.reviews_of_nomination(nomination=nomination))
        own = next((review for review in reviews if review.reviewer_id == request.user.pk), None)
        return {
            "criteria": criteria,
            "review_rows": [
                (review, [review.scores.get(criterion.key, "—") for criterion in criteria]) for review in reviews
            ],
            "mean_score": _format_score(nomination.mean_score),
            "own_review": own,
            "may_score": self.has_score_permission(request) and nomination.status in SCORABLE,
            "may_decide": self.has_decide_permission(request) and nomination.status in services.DECIDABLE_FROM,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        nomination = self.get_object(request, unquote(object_id))
        if nomination is not None and self.has_view_permission(request, nomination):
            context = self._review_context(request, nomination)
            if context["may_score"]:
                context["score_form"] = ReviewForm(criteria=context["criteria"], review=context["own_review"])
            if context["may_decide"]:
                context["decision_form"] = DecisionForm()
            context["products"] = nomination.products.all()
            context["same_enterprise"] = selectors.nominations_of_same_enterprise(nomination=nomination)
            context["recent_history"] = nomination.history.select_related("history_user")[:20]
            extra_context = {**(extra_context or {}), **context}
        return super().change_view(request, object_id, form_url, extra_context)

    def _render(self, request, template: str, nomination: Nomination | None, context: dict) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"admin/exhibitors/nomination/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": nomination,
                **context,
            },
        )

    def score_view(self, request, object_id: str):
        """A reviewer scores the rubric (or revises their scores); errors are shown next to the fields."""
        nomination = self._nomination_or_404(request, object_id)
        if not self.has_score_permission(request):
            raise PermissionDenied
        context = self._review_context(request, nomination)
        form = ReviewForm(request.POST or None, criteria=context["criteria"], review=context["own_review"])
        if request.method == "POST" and form.is_valid():
            try:
                services.review_save(
                    nomination=nomination,
                    reviewer=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except services.NominationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Your scores for %(name)s are saved.") % {"name": nomination})
                return redirect(self._change_url(nomination))
        title = _("Score %(name)s") % {"name": nomination}
        return self._render(request, "score.html", nomination, {**context, "score_form": form, "title": title})

    def decide_view(self, request, object_id: str):
        """Approve, waitlist or reject one nomination, with a reason; only for ``decide_nomination``."""
        nomination = self._nomination_or_404(request, object_id)
        if not self.has_decide_permission(request):
            raise PermissionDenied
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.nomination_decide(
                    nomination=nomination,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                    site_url=request.build_absolute_uri("/"),
                )
            except services.NominationError as error:
                messages.error(request, str(error))
            else:
                status = Status(form.cleaned_data["decision"]).label.lower()
                messages.success(request, _("%(name)s is now %(status)s.") % {"name": nomination, "status": status})
                return redirect(self._change_url(nomination))
        elif request.method == "POST":
            messages.error(request, _("The decision was not saved: see the errors below."))
        title = _("Decide on %(name)s") % {"name": nomination}
        return self._render(request, "decide.html", nomination, {"decision_form": form, "title": title})

    # --- Bulk decisions (changelist actions, also posted from the ranked view) ---

    def _decide_selected(self, request, queryset, decision: str):
        """Ask for confirmation (and the reason), then decide on every chosen nomination through the service."""
        confirmed = reason_confirmation_sent(request)
        form = BulkDecisionForm(request.POST if confirmed else None, decision=decision)
        nominations = list(queryset.select_related("trade_body", "cluster").order_by("legal_name"))
        if confirmed and form.is_valid():
            decided, errors = services.nominations_decide(
                nominations=nominations,
                decision=decision,
                reason=form.cleaned_data["reason"],
                user=request.user,
                site_url=request.build_absolute_uri("/"),
            )
            if decided:
                status = Status(decision).label.lower()
                messages.success(
                    request,
                    ngettext(
                        "%(count)d nomination is now %(status)s.",
                        "%(count)d nominations are now %(status)s.",
                        decided,
                    )
                    % {"count": decided, "status": status},
                )
            for error in errors:
                messages.error(request, error)
            return_to = request.POST.get("return_to", "")
            if return_to and url_has_allowed_host_and_scheme(return_to, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(return_to)
            return None
        count = len(nominations)
        confirm_labels = {
            Status.APPROVED: ngettext("Yes, approve %(count)d nomination", "Yes, approve %(count)d nominations", count),
            Status.WAITLISTED: ngettext(
                "Yes, waitlist %(count)d nomination", "Yes, waitlist %(count)d nominations", count
            ),
            Status.REJECTED: ngettext("Yes, reject %(count)d nomination", "Yes, reject %(count)d nominations", count),
        }
        titles = {
            Status.APPROVED: _("Approve these nominations?"),
            Status.WAITLISTED: _("Waitlist these nominations?"),
            Status.REJECTED: _("Reject these nominations?"),
        }
        return reason_confirmation(
            request,
            self,
            title=titles[decision],
            explanation=_(
                "The trade body of each nomination is told of the decision and the reason by email. "
                "Approval also makes the exhibitor and invites the enterprise's contact."
            ),
            columns=[_("Nomination"), _("Trade body"), _("Cluster"), _("Status")],
            rows=[
                (
                    nomination.pk,
                    [nomination, nomination.trade_body, nomination.cluster, nomination.get_status_display()],
                )
                for nomination in nominations
            ],
            form=form,
            action=ACTION_OF_DECISION[decision],
            confirm_label=confirm_labels[decision] % {"count": count},
            testid="chosen-nominations",
            return_to=request.POST.get("return_to", ""),
        )

    @admin.action(description=gettext_lazy("Approve the selected nominations"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        return self._decide_selected(request, queryset, Status.APPROVED)

    @admin.action(description=gettext_lazy("Waitlist the selected nominations"), permissions=["decide"])
    def waitlist_selected(self, request, queryset):
        return self._decide_selected(request, queryset, Status.WAITLISTED)

    @admin.action(description=gettext_lazy("Reject the selected nominations"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self._decide_selected(request, queryset, Status.REJECTED)

    # --- The ranked list ---

    def ranked_view(self, request):
        """Nominations of one edition in ranking order, with each cluster's approvals against its capacity."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        expos = list(Expo.objects.order_by("-year"))
        expo_id = request.GET.get("expo", "")
        expo = next((expo for expo in expos if str(expo.pk) == expo_id), None) if expo_id else None
        if expo_id and expo is None:
            raise Http404
        expo = expo or core_selectors.expo_current()
        rows, fill = [], []
        if expo is not None:
            rows = [
                (ranked, nomination, [BADGES[bonus] for bonus in ranked.bonuses])
                for ranked, nomination in selectors.nominations_ranked(expo=expo)
            ]
            fill = [
                (cluster, cluster.capacity is not None and cluster.approved > cluster.capacity)
                for cluster in selectors.cluster_fill(expo=expo)
            ]
        return self._render(
            request,
            "ranked.html",
            None,
            {
                "title": _("Ranked nominations of %(expo)s") % {"expo": expo} if expo else _("Ranked nominations"),
                "expo": expo,
                "expos": expos,
                "rows": rows,
                "fill": fill,
                "may_decide": self.has_decide_permission(request),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "return_to": request.get_full_path(),
            },
        )


# --- Reviews ------------------------------------------------------------------------------------


@admin.register(Review)
class ReviewAdmin(ReadOnlyHistoryAdmin):
    """All reviews are visible to reviewers; each reviewer changes only their own, on the scoring page."""

    list_display = ["nomination", "reviewer", "weighted_score", "updated_at"]
    list_filter = ["nomination__expo", ("reviewer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["nomination__legal_name", "reviewer__email", "reviewer__full_name"]
    list_select_related = ["nomination", "reviewer"]
    readonly_fields = ["nomination", "reviewer", "scores", "weighted_score", "comment", "created_at", "updated_at"]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.reviewer_id == request.user.pk)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = self.get_object(request, unquote(object_id))
        if review is not None and self.has_change_permission(request, review):
            # Scores are revised through the rubric form, which recomputes the weighted score.
            return redirect(reverse("admin:exhibitors_nomination_score", args=[review.nomination_id]))
        return super().change_view(request, object_id, form_url, extra_context)


# --- Rules of an edition ------------------------------------------------------------------------


@admin.register(NominationRules)
class NominationRulesAdmin(admin.ModelAdmin):
    list_display = [
        "expo",
        "micro_turnover_max",
        "small_turnover_max",
        "medium_turnover_max",
        "default_quota",
        "women_led_bonus",
        "micro_bonus",
        "nominations_open",
    ]
    list_filter = ["nominations_open"]
    list_select_related = ["expo"]


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "expo", "weight", "order"]
    list_editable = ["weight", "order"]
    list_filter = ["expo"]
    list_select_related = ["expo"]
    search_fields = ["name", "key"]


@admin.register(TradeBodyQuota)
class TradeBodyQuotaAdmin(admin.ModelAdmin):
    list_display = ["trade_body", "expo", "limit"]
    list_editable = ["limit"]
    list_filter = ["expo"]
    list_select_related = ["trade_body", "expo"]
    search_fields = ["trade_body__name", "trade_body__short_name"]
    autocomplete_fields = ["trade_body"]


@admin.register(ClusterCapacity)
class ClusterCapacityAdmin(admin.ModelAdmin):
    list_display = ["cluster", "expo", "exhibitors"]
    list_editable = ["exhibitors"]
    list_filter = ["expo", "cluster__sector", "cluster__province"]
    list_select_related = ["cluster", "expo"]
    search_fields = ["cluster__name", "cluster__city"]
    autocomplete_fields = ["cluster"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


# --- Enterprises --------------------------------------------------------------------------------


class EnterpriseNominationInline(admin.TabularInline):
    """Every nomination of the enterprise, by any trade body in any edition: staff see the duplicate."""

    model = Nomination
    fk_name = "enterprise"
    fields = ["legal_name", "expo", "trade_body", "status", "submitted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = gettext_lazy("nominations of this enterprise")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expo", "trade_body").order_by("-created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Read-only: an enterprise is made when a nomination is submitted and kept up to date by approval."""

    list_display = ["legal_name", "ntn", "city", "province", "cluster", "size_class", "women_led", "nominations_count"]
    list_filter = ["province", "size_class", "women_led"]
    search_fields = ["legal_name", "ntn", "city"]
    list_select_related = ["cluster"]
    inlines = [EnterpriseNominationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(nomination_count=Count("nominations"))

    @admin.display(description=gettext_lazy("nominations"), ordering="nomination_count")
    def nominations_count(self, enterprise: Enterprise) -> int:
        return enterprise.nomination_count

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Exhibitors -----------------------------------------------------------------------------------


class ExhibitorMembershipInline(admin.TabularInline):
    model = ExhibitorMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


class ExhibitorProductInline(admin.TabularInline):
    model = ExhibitorProduct
    extra = 0
    fields = ["name", "description", "hs_code", "photo"]
    # Photos reach public media only through the exhibitor's own pages, where they are checked and re-encoded.
    readonly_fields = ["photo"]


class BoothStaffInline(admin.TabularInline):
    # The ID number is private to the exhibitor and SMEDA staff; the admin is staff only.
    model = BoothStaff
    extra = 0
    fields = ["full_name", "designation", "id_number", "email"]


@admin.register(Exhibitor)
class ExhibitorAdmin(InviteMemberMixin, ReadOnlyHistoryAdmin):
    list_display = ["name", "expo", "cluster", "trade_body", "city", "women_led", "size_class", "stall_size", "listed"]
    list_filter = ["expo", "cluster", "women_led", "size_class", "listed", "province"]
    search_fields = ["name", "enterprise__legal_name", "enterprise__ntn", "city"]
    list_select_related = ["expo", "cluster", "trade_body"]
    # Unlisting is changed only through the actions below, which ask for a reason; the logo only through the
    # exhibitor's profile page, which checks and re-encodes it before it reaches public media.
    readonly_fields = [
        "logo",
        "expo",
        "enterprise",
        "nomination",
        "trade_body",
        "created_at",
        "listed",
        "unlisted_at",
        "unlisted_reason",
    ]
    actions = ["unlist_selected", "relist_selected"]
    inlines = [ExhibitorMembershipInline, ExhibitorProductInline, BoothStaffInline, InvitationInline]
    fieldsets = [
        (None, {"fields": ["expo", "enterprise", "nomination", "trade_body", "name", "slug", "created_at"]}),
        (gettext_lazy("Public directory"), {"fields": ["listed", "unlisted_at", "unlisted_reason"]}),
        (
            gettext_lazy("Place at the expo"),
            {
                "fields": [
                    "cluster",
                    "city",
                    "province",
                    "women_led",
                    "size_class",
                    "stall_size",
                    "wants_women_pavilion",
                ]
            },
        ),
        (
            gettext_lazy("Public profile"),
            {
                "fields": [
                    "logo",
                    "description",
                    "description_ur",
                    "certifications",
                    "export_experience",
                    "export_markets",
                    "website",
                    "public_email",
                    "public_phone",
                    "whatsapp",
                ]
            },
        ),
    ]
    filter_horizontal = ["certifications"]

    def has_add_permission(self, request) -> bool:
        # An exhibitor is made by approving its nomination.
        return False

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # The public directory is cached; a profile changed here must show there.
        transaction.on_commit(services.directory_changed)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(services.directory_changed)

    def _listing_decision(self, request, queryset, *, unlist: bool):
        """Ask for the reason, then unlist (or list again) every chosen exhibitor through the service."""
        confirmed = reason_confirmation_sent(request)
        form = ListingDecisionForm(request.POST if confirmed else None)
        exhibitors = list(queryset.select_related("expo", "cluster").order_by("name"))
        if confirmed and form.is_valid():
            service = services.exhibitor_unlist if unlist else services.exhibitor_relist
            done = 0
            for exhibitor in exhibitors:
                try:
                    service(exhibitor=exhibitor, reason=form.cleaned_data["reason"], user=request.user)
                except services.NominationError as error:
                    messages.error(request, str(error))
                else:
                    done += 1
            if done:
                message = (
                    ngettext(
                        "%(count)d exhibitor is unlisted from the public directory.",
                        "%(count)d exhibitors are unlisted from the public directory.",
                        done,
                    )
                    if unlist
                    else ngettext(
                        "Staff unlisting is lifted for %(count)d exhibitor.",
                        "Staff unlisting is lifted for %(count)d exhibitors.",
                        done,
                    )
                )
                messages.success(request, message % {"count": done})
            return None
        return reason_confirmation(
            request,
            self,
            title=_("Unlist these exhibitors?") if unlist else _("List these exhibitors again?"),
            explanation=(
                _(
                    "Unlisted exhibitors leave the public directory and the public floor plan until staff list them "
                    "again; saving their profile does not bring them back. Their members see the reason on their "
                    "dashboard."
                )
                if unlist
                else _("Each exhibitor returns to the public directory if its profile has a description.")
            ),
            columns=[_("Exhibitor"), _("Edition"), _("Cluster"), _("Reason for unlisting")],
            rows=[
                (exhibitor.pk, [exhibitor, exhibitor.expo, exhibitor.cluster, exhibitor.unlisted_reason])
                for exhibitor in exhibitors
            ],
            form=form,
            action="unlist_selected" if unlist else "relist_selected",
            confirm_label=_("Unlist") if unlist else _("List again"),
            testid="chosen-exhibitors",
        )

    @admin.action(description=gettext_lazy("Unlist the selected exhibitors from the directory"), permissions=["change"])
    def unlist_selected(self, request, queryset):
        return self._listing_decision(request, queryset, unlist=True)

    @admin.action(description=gettext_lazy("Lift staff unlisting of the selected exhibitors"), permissions=["change"])
    def relist_selected(self, request, queryset):
        return self._listing_decision(request, queryset, unlist=False)
