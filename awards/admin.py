"""The awards in the admin, for the awards secretariat: categories with their rounds, rounds with their rubric,
candidates with their evidence, eligibility and the history of every override; saving a category's rules checks
its candidates against them again. The jury's admin (jurors, panels, assignments, conflicts, closing rounds,
stall-sign QR codes) is in ``admin_jury``.

Every write of a candidate goes through ``services``: staff put a candidate forward with the same checks as the
dashboards (the rules' verdict is shown rather than refused), and override its eligibility on a page of its own
that needs the override permission and a reason.
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from expo.admin import ReadOnlyHistoryAdmin

from . import admin_jury, services
from .forms import OverrideForm, StaffCandidateForm
from .models import Candidate, Category, Criterion, EligibilityOverride, EvidenceFile, Round


class RoundInline(admin.TabularInline):
    model = Round
    fields = ["kind", "order", "jurors_per_candidate", "opens_at", "closes_at", "closed_at"]
    readonly_fields = ["closed_at"]
    extra = 0
    show_change_link = True  # the round's page holds its rubric


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "expo", "candidacy_open", "winners", "runners_up", "candidate_count"]
    list_filter = ["expo", "candidacy_open", "women_led_only", "micro_only", "first_time_only"]
    search_fields = ["name", "name_ur"]
    filter_horizontal = ["clusters", "sectors"]
    inlines = [RoundInline]
    actions = [admin_jury.print_qr_codes]
    fieldsets = [
        (None, {"fields": ["expo", "name", "name_ur", "description", "description_ur", "order", "candidacy_open"]}),
        (
            gettext_lazy("Who may compete"),
            {
                "fields": [
                    "women_led_only",
                    "micro_only",
                    "first_time_only",
                    "min_years_in_business",
                    "clusters",
                    "sectors",
                ]
            },
        ),
        (gettext_lazy("Places"), {"fields": ["winners", "runners_up"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expo").annotate(candidate_total=Count("candidates"))

    @admin.display(description=gettext_lazy("candidates"), ordering="candidate_total")
    def candidate_count(self, obj: Category) -> int:
        return obj.candidate_total

    def save_model(self, request, obj, form, change) -> None:
        """Saving the rules checks the category's candidates against them again (overrides stay in force)."""
        changed = services.category_rules_save(
            category=obj, clusters=form.cleaned_data["clusters"], sectors=form.cleaned_data["sectors"], by=request.user
        )
        if changed:
            self.message_user(
                request,
                ngettext(
                    "The rules changed the eligibility of %(count)d candidate: %(names)s.",
                    "The rules changed the eligibility of %(count)d candidates: %(names)s.",
                    len(changed),
                )
                % {"count": len(changed), "names": ", ".join(candidate.exhibitor.name for candidate in changed)},
                messages.WARNING,
            )


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    fieldsets = [
        (None, {"fields": [("name", "name_ur"), ("weight", "order")]}),
        (
            gettext_lazy("What the scores mean"),
            {
                "fields": [
                    ("band_1_2", "band_1_2_ur"),
                    ("band_3_4", "band_3_4_ur"),
                    ("band_5_6", "band_5_6_ur"),
                    ("band_7_8", "band_7_8_ur"),
                    ("band_9_10", "band_9_10_ur"),
                ]
            },
        ),
    ]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "order", "jurors_per_candidate", "opens_at", "closes_at", "closed_at"]
    list_filter = ["category__expo", "kind"]
    list_select_related = ["category"]
    fields = ["category", "kind", "order", "jurors_per_candidate", "opens_at", "closes_at", "closed_at"]
    readonly_fields = ["closed_at"]
    search_fields = ["category__name"]
    inlines = [CriterionInline, admin_jury.PanelInline]
    actions = [admin_jury.assign_automatically, admin_jury.close_rounds]

    def has_close_permission(self, request) -> bool:
        return request.user.has_perm("awards.close_round")


class EvidenceInline(admin.TabularInline):
    """The files sent with the candidacy, opened through the permission-checked view (never public media)."""

    model = EvidenceFile
    fields = ["link", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("file"))
    def link(self, obj: EvidenceFile) -> str:
        return format_html('<a href="{}">{}</a>', reverse("awards_evidence", args=[obj.pk]), obj.original_name)


class OverrideInline(admin.TabularInline):
    """Every decision against (or back to) the rules, newest first: a record, never edited."""

    model = EligibilityOverride
    fields = ["decided_at", "decided_by", "decision", "reason"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = gettext_lazy("eligibility overrides (history)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("decision"))
    def decision(self, obj: EligibilityOverride) -> str:
        return decision_label(obj.eligible)


def decision_label(eligible: bool | None) -> str:
    if eligible is None:
        return _("As the rules say")
    return _("Eligible") if eligible else _("Not eligible")


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyHistoryAdmin):
    list_display = ["exhibitor", "category", "route", "status", "eligible", "overridden", "created_at"]
    list_filter = ["category__expo", "category", "status", "eligible", "route"]
    search_fields = ["exhibitor__name", "exhibitor__enterprise__legal_name"]
    list_select_related = ["exhibitor", "category"]
    inlines = [EvidenceInline, OverrideInline]
    actions = ["check_eligibility_again"]
    readonly_fields = [
        "category",
        "exhibitor",
        "route",
        "trade_body",
        "put_forward_by",
        "created_at",
        "eligible",
        "rules_eligible",
        "reasons",
        "eligibility_checked_at",
        "override",
        "shortlisted_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffCandidateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["category", "exhibitor", "statement", "evidence"]
        return [*self.readonly_fields[:5], "statement", "status", *self.readonly_fields[5:]]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a candidacy is withdrawn or excluded, and its record kept

    def save_model(self, request, obj, form, change) -> None:
        if change:
            services.candidate_update(
                candidate=obj, statement=form.cleaned_data["statement"], status=form.cleaned_data["status"]
            )
            return
        candidate = services.candidate_put_forward(
            category=form.cleaned_data["category"],
            exhibitor=form.cleaned_data["exhibitor"],
            route=Candidate.Route.STAFF,
            statement=form.cleaned_data["statement"],
            evidence=form.cleaned_data["evidence"],
            by=request.user,
        )
        obj.pk = candidate.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.AwardsError as error:
            # Refused by a rule the form does not check (nothing was saved: the admin's transaction rolled back).
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description=gettext_lazy("why not eligible by the rules"))
    def reasons(self, obj: Candidate) -> str:
        reasons = services.reasons_text(obj.rules_reasons)
        if not reasons:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((reason,) for reason in reasons)))

    @admin.display(description=gettext_lazy("override"))
    def override(self, obj: Candidate) -> str:
        current = decision_label(obj.override_eligible)
        url = reverse("admin:awards_candidate_eligibility", args=[obj.pk])
        return format_html('{} · <a href="{}" data-testid="override-link">{}</a>', current, url, _("Decide"))

    @admin.display(description=gettext_lazy("overridden"), boolean=True)
    def overridden(self, obj: Candidate) -> bool:
        return obj.override_eligible is not None

    @admin.action(description=gettext_lazy("Check the eligibility of the selected candidates again"))
    def check_eligibility_again(self, request, queryset) -> None:
        chosen: dict[int, set[int]] = defaultdict(set)
        for candidate_id, category_id in queryset.values_list("pk", "category_id"):
            chosen[category_id].add(candidate_id)
        changed = 0
        for category in Category.objects.filter(pk__in=chosen).select_related("expo"):
            changed += len(
                services.candidates_eligibility_refresh(
                    category=category, by=request.user, reason=services.CHECKED_AGAIN, candidate_ids=chosen[category.pk]
                )
            )
        self.message_user(
            request,
            ngettext(
                "Checked again; %(count)d candidate's eligibility changed.",
                "Checked again; %(count)d candidates' eligibility changed.",
                changed,
            )
            % {"count": changed},
        )

    def get_urls(self):
        info = (self.model._meta.app_label, self.model._meta.model_name)
        eligibility = path(
            "<path:object_id>/eligibility/",
            self.admin_site.admin_view(self.eligibility_view),
            name="{}_{}_eligibility".format(*info),
        )
        return [eligibility, *super().get_urls()]

    def eligibility_view(self, request, object_id: str):
        """Staff with the override permission decide a candidate's eligibility against the rules, with a reason."""
        if not request.user.has_perm("awards.override_eligibility"):
            raise PermissionDenied
        candidate = self.get_object(request, unquote(object_id))
        if candidate is None:
            raise Http404
        form = OverrideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.candidate_override_eligibility(
                    candidate=candidate, eligible=form.eligible, reason=form.cleaned_data["reason"], by=request.user
                )
            except services.AwardsError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                self.message_user(request, _("The decision is saved and kept in the candidate's history."))
                return redirect("admin:awards_candidate_change", candidate.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": candidate,
            "title": _("Eligibility of %(candidate)s") % {"candidate": candidate},
            "form": form,
            "reasons": services.reasons_text(candidate.rules_reasons),
            "current": decision_label(candidate.override_eligible),
        }
        return TemplateResponse(request, "admin/awards/candidate/eligibility.html", context)
