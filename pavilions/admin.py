"""Staff pages of the pavilions app: halls, pavilions, stalls laid out in rows, hand moves, allocation runs."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expo.admin import ReadOnlyHistoryAdmin
from expo.selectors import expo_current

from . import allocator, plans, services
from .forms import AllocationRunForm, HandMoveForm, StallAdminForm, StallRowsForm
from .models import AllocationRun, Hall, Pavilion, Stall, StallAllocation
from .selectors import allocation_run_for_expo, halls_of_expo


def _url_name(model, view: str) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}_{view}"


def _context(model_admin, request, **extra) -> dict:
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, **extra}


def _expo_or_404():
    expo = expo_current()
    if expo is None:
        raise Http404
    return expo


class LayoutChangesMixin:
    """Deleting halls, pavilions or stalls changes capacities and the public plans like any other layout change."""

    def delete_model(self, request, obj):
        expo = _expo_of(obj)
        super().delete_model(request, obj)
        services.layout_changed(expo=expo)

    def delete_queryset(self, request, queryset):
        expos = {_expo_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for expo in expos:
            services.layout_changed(expo=expo)


def _expo_of(obj):
    if isinstance(obj, Hall):
        return obj.expo
    if isinstance(obj, Pavilion):
        return obj.hall.expo
    return obj.pavilion.hall.expo


@admin.register(Hall)
class HallAdmin(LayoutChangesMixin, admin.ModelAdmin):
    list_display = ["code", "name", "expo", "width", "depth", "pavilion_count", "plan_link"]
    list_filter = ["expo"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expo").annotate(pavilion_total=Count("pavilions"))

    @admin.display(description=_("pavilions"), ordering="pavilion_total")
    def pavilion_count(self, hall):
        return hall.pavilion_total

    @admin.display(description=_("plan"))
    def plan_link(self, hall):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:" + _url_name(Hall, "plan"), args=[hall.pk]), _("Plan")
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("<int:pk>/plan/", wrap(self.plan_view), name=_url_name(Hall, "plan")), *super().get_urls()]

    def plan_view(self, request, pk: int):
        """The hall in status colours (available, held, blocked, allocated), for floor managers."""
        if not request.user.has_perm("pavilions.view_stall"):
            raise PermissionDenied
        hall = get_object_or_404(Hall, pk=pk)
        svg, stalls = plans.staff_plan(hall=hall)
        context = _context(
            self,
            request,
            title=_("Plan of %(hall)s") % {"hall": hall},
            hall=hall,
            svg=svg,
            stalls=stalls,
            legend=plans.legend("available", "held", "blocked", "allocated"),
        )
        return TemplateResponse(request, "admin/pavilions/hall/plan.html", context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.layout_changed(expo=obj.expo)


@admin.register(Pavilion)
class PavilionAdmin(LayoutChangesMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "hall", "stall_count", "cluster_names", "rows_link"]
    list_filter = ["hall__expo", "hall", "kind"]
    search_fields = ["name", "code", "clusters__name"]
    filter_horizontal = ["clusters"]
    fields = ["hall", "code", "name", "kind", "clusters", "colour", "x", "y", "width", "depth", "outline"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("hall")
            .prefetch_related("clusters")
            .annotate(stall_total=Count("stalls"))
        )

    @admin.display(description=_("stalls"), ordering="stall_total")
    def stall_count(self, pavilion):
        return pavilion.stall_total

    @admin.display(description=_("clusters"))
    def cluster_names(self, pavilion):
        return ", ".join(cluster.name for cluster in pavilion.clusters.all())

    @admin.display(description=_("stalls"))
    def rows_link(self, pavilion):
        url = reverse("admin:" + _url_name(Pavilion, "rows"), args=[pavilion.pk])
        return format_html('<a href="{}">{}</a>', url, _("Add rows of stalls"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the clusters it hosts are saved here
        services.layout_changed(expo=form.instance.hall.expo)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("<int:pk>/rows/", wrap(self.rows_view), name=_url_name(Pavilion, "rows")), *super().get_urls()]

    def rows_view(self, request, pk: int):
        """Lay out rows of equal stalls in one go; all or nothing, every clash named."""
        if not request.user.has_perm("pavilions.add_stall"):
            raise PermissionDenied
        pavilion = get_object_or_404(Pavilion.objects.select_related("hall"), pk=pk)
        form = StallRowsForm(request.POST or None, initial={"x": pavilion.x, "y": pavilion.y})
        if request.method == "POST" and form.is_valid():
            try:
                stalls = services.stalls_generate(pavilion=pavilion, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(count)s stalls added: %(first)s to %(last)s.")
                    % {"count": len(stalls), "first": stalls[0].code, "last": stalls[-1].code},
                )
                return redirect("admin:pavilions_stall_changelist")
        context = _context(
            self,
            request,
            title=_("Add rows of stalls to %(pavilion)s") % {"pavilion": pavilion},
            form=form,
            pavilion=pavilion,
        )
        return TemplateResponse(request, "admin/pavilions/pavilion/rows.html", context)


class AllocatedFilter(admin.SimpleListFilter):
    title = _("allocation")
    parameter_name = "allocated"

    def lookups(self, request, model_admin):
        return [("yes", _("Allocated")), ("no", _("Not allocated"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(allocation__isnull=False)
        if self.value() == "no":
            return queryset.filter(allocation__isnull=True)
        return queryset


@admin.register(Stall)
class StallAdmin(LayoutChangesMixin, ReadOnlyHistoryAdmin):
    form = StallAdminForm
    list_display = ["code", "pavilion", "width", "depth", "open_sides", "status", "allocated_to"]
    list_filter = ["status", AllocatedFilter, "open_sides", "pavilion__kind", "pavilion__hall"]
    search_fields = ["code", "allocation__exhibitor__name"]
    list_select_related = ["pavilion__hall", "allocation__exhibitor"]
    actions = ["mark_available", "mark_held", "mark_blocked"]

    @admin.display(description=_("allocated to"))
    def allocated_to(self, stall):
        allocation = getattr(stall, "allocation", None)
        return allocation.exhibitor.name if allocation else "—"

    def save_model(self, request, obj, form, change):
        services.stall_save(stall=obj)

    def _mark(self, request, queryset, status):
        try:
            count = services.stalls_set_status(stalls=queryset, status=status)
        except services.AllocationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("%(count)s stalls updated.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Mark as available"), permissions=["change"])
    def mark_available(self, request, queryset):
        self._mark(request, queryset, Stall.Status.AVAILABLE)

    @admin.action(description=_("Hold (keep out of allocation runs)"), permissions=["change"])
    def mark_held(self, request, queryset):
        self._mark(request, queryset, Stall.Status.HELD)

    @admin.action(description=_("Block (not to be used)"), permissions=["change"])
    def mark_blocked(self, request, queryset):
        self._mark(request, queryset, Stall.Status.BLOCKED)


@admin.register(StallAllocation)
class StallAllocationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["stall", "exhibitor", "locked", "reason", "allocated_by", "allocated_at"]
    list_filter = ["locked", "stall__pavilion__hall", "stall__pavilion__kind"]
    search_fields = ["stall__code", "exhibitor__name"]
    list_select_related = ["stall", "exhibitor", "allocated_by"]
    readonly_fields = ["stall", "exhibitor", "locked", "run", "reason", "allocated_by", "allocated_at"]
    actions = ["release"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("move/", wrap(self.move_view), name=_url_name(StallAllocation, "move")), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:" + _url_name(StallAllocation, "move"))

    def has_change_permission(self, request, obj=None):
        return False

    def move_view(self, request):
        """Put an exhibitor on stalls by hand, under the allocator's hard rules; the move is locked."""
        if not request.user.has_perm("pavilions.add_stallallocation"):
            raise PermissionDenied
        expo = _expo_or_404()
        form = HandMoveForm(request.POST or None, expo=expo, initial={"exhibitor": request.GET.get("exhibitor")})
        if request.method == "POST" and form.is_valid():
            exhibitor, stalls = form.cleaned_data["exhibitor"], form.cleaned_data["stalls"]
            try:
                services.stall_allocate(
                    exhibitor=exhibitor, stalls=stalls, by=request.user, site_url=request.build_absolute_uri("/")
                )
            except services.AllocationError as error:
                form.add_error("stalls", str(error))
            else:
                messages.success(
                    request,
                    _("%(exhibitor)s now stands on %(stalls)s.")
                    % {"exhibitor": exhibitor.name, "stalls": ", ".join(stall.code for stall in stalls)},
                )
                return redirect("admin:pavilions_stallallocation_changelist")
        context = _context(self, request, title=_("Allocate stalls by hand"), form=form)
        return TemplateResponse(request, "admin/pavilions/stallallocation/move.html", context)

    @admin.action(description=_("Release these stalls"), permissions=["delete"])
    def release(self, request, queryset):
        count = services.allocations_release(allocations=queryset)
        self.message_user(request, _("%(count)s stalls released.") % {"count": count}, messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # releases go through the service
        return actions


OBJECTIVES = {
    allocator.COUNT_FIRST: _("As many exhibitors as fit, then the better ranked among them, then the preferences"),
    allocator.RANK_FIRST: _("Strict rank order: the better ranked first, then as many as fit, then the preferences"),
}
STAGES = {
    "count": _("Exhibitors placed"),
    "rank": _("Sum of the placed exhibitors' rank scores"),
    "preferences": _("Preferences (weighted)"),
}


@admin.register(AllocationRun)
class AllocationRunAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "created_at",
        "started_by",
        "placed",
        "unplaced",
        "first_stage_value",
        "gap_display",
    ]
    list_filter = ["status", "expo"]
    list_select_related = ["started_by", "expo"]

    @admin.display(description=_("first stage's gap to its bound"))
    def gap_display(self, run):
        return "—" if run.gap is None else f"{run.gap:.2%}"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name=_url_name(AllocationRun, "preview")),
            path("<int:pk>/progress/", wrap(self.progress_view), name=_url_name(AllocationRun, "progress")),
            path("<int:pk>/decide/", wrap(self.decide_view), name=_url_name(AllocationRun, "decide")),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:" + _url_name(AllocationRun, "preview"), object_id)

    def add_view(self, request, form_url="", extra_context=None):
        """Start a run: weights and time limit, then the preview page follows its progress."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        expo = _expo_or_404()
        form = AllocationRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services.allocation_run_start(
                    expo=expo,
                    by=request.user,
                    weights=form.weights(),
                    time_limit=form.cleaned_data["time_limit"],
                    strict_rank=form.cleaned_data["strict_rank"],
                )
            except services.AllocationError as error:
                form.add_error(None, str(error))
            else:
                return redirect("admin:" + _url_name(AllocationRun, "preview"), run.pk)
        context = _context(self, request, title=_("Run the stall allocator"), form=form, expo=expo)
        return TemplateResponse(request, "admin/pavilions/allocationrun/start.html", context)

    def _run(self, request, pk: int) -> AllocationRun:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return allocation_run_for_expo(expo=_expo_or_404(), pk=pk)

    def progress_view(self, request, pk: int):
        """The progress bar, polled by htmx until the preview is ready (then the page reloads)."""
        run = self._run(request, pk)
        response = TemplateResponse(
            request, "admin/pavilions/allocationrun/includes/progress.html", {"run": run, "opts": self.model._meta}
        )
        if run.status not in {AllocationRun.Status.QUEUED, AllocationRun.Status.RUNNING}:
            response["HX-Refresh"] = "true"
        return response

    def preview_view(self, request, pk: int):
        run = self._run(request, pk)
        labels = plans.state_labels()
        halls = []
        if run.status in {AllocationRun.Status.READY, AllocationRun.Status.APPLIED}:
            halls = [(hall, plans.preview_plan(hall=hall, run=run)) for hall in halls_of_expo(expo=run.expo)]
        context = _context(
            self,
            request,
            title=str(run),
            run=run,
            halls=halls,
            changes=[
                {**row, "label": labels[row["change"]], "reason": services.reason_text(row["reason"])}
                for row in run.diff
                if row["change"] != "unchanged"
            ],
            unchanged=sum(1 for row in run.diff if row["change"] == "unchanged"),
            objective=OBJECTIVES.get(run.result.get("objective"), ""),
            stages=[
                {
                    **stage,
                    "label": STAGES.get(stage["name"], stage["name"]),
                    "gap_percent": None if stage["gap"] is None else 100 * stage["gap"],
                }
                for stage in run.result.get("stages", [])
            ],
            notices=[
                {"exhibitor": item["exhibitor"], "reason": services.reason_text(item["reason"])}
                for item in run.result.get("notices", [])
            ],
            legend=plans.legend("new", "moved", "unchanged", "free", "held", "blocked"),
            can_decide=request.user.has_perm("pavilions.add_stallallocation"),
        )
        return TemplateResponse(request, "admin/pavilions/allocationrun/preview.html", context)

    def decide_view(self, request, pk: int):
        if request.method != "POST" or not request.user.has_perm("pavilions.add_stallallocation"):
            raise PermissionDenied
        run = self._run(request, pk)
        try:
            if request.POST.get("decision") == "apply":
                changed = services.allocation_run_apply(
                    run=run, by=request.user, site_url=request.build_absolute_uri("/")
                )
                messages.success(request, _("Run applied: %(count)s exhibitors placed or moved.") % {"count": changed})
            else:
                services.allocation_run_discard(run=run, by=request.user)
                messages.success(request, _("Run discarded; no stall changed."))
        except services.AllocationError as error:
            messages.error(request, str(error))
        return redirect("admin:" + _url_name(AllocationRun, "preview"), run.pk)
