"""The jury in the admin, for the awards secretariat: jurors invited by email, panels per round, assignments by hand
(refused for a conflicted juror) or automatic, conflict flags cleared with a reason and exported, rounds closed,
and the stall-sign QR codes printed per category.

Every write goes through ``awards.jury``; ``awards.admin`` adds the round and category actions defined here.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from expo import exports
from expo.admin import ReadOnlyHistoryAdmin, reason_confirmation, reason_confirmation_sent

from . import jury, qr
from . import jury_selectors as selectors
from .models import Assignment, Candidate, ConflictFlag, Juror, PanelMembership


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class PanelInline(admin.TabularInline):
    """The jurors on a round's panel (edited on the round, and listed on each juror)."""

    model = PanelMembership
    fields = ["juror", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["juror"]
    extra = 0
    verbose_name_plural = gettext_lazy("panel")


class JurorPanelInline(PanelInline):
    fields = ["round", "added_at"]
    autocomplete_fields = []


@admin.register(Juror)
class JurorAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation", "expo", "is_active", "invited_at", "member_count"]
    list_filter = ["expo", "is_active"]
    search_fields = ["name", "email", "organisation"]
    fields = ["expo", "name", "email", "organisation", "enterprise", "is_active", "members", "invited_at"]
    readonly_fields = ["members", "invited_at"]
    raw_id_fields = ["enterprise"]
    inlines = [JurorPanelInline]
    actions = ["invite_selected", "find_conflicts"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expo").prefetch_related("members")

    @admin.display(description=gettext_lazy("accounts"))
    def member_count(self, obj: Juror) -> int:
        return len(obj.members.all())

    @admin.action(description=gettext_lazy("Invite the selected jurors by email"), permissions=["change"])
    def invite_selected(self, request, queryset) -> None:
        site_url = request.build_absolute_uri("/")
        count = 0
        for juror in queryset:
            try:
                jury.juror_invite(juror=juror, invited_by=request.user, site_url=site_url)
            except jury.AwardsError as error:
                self.message_user(request, f"{juror}: {error}", messages.WARNING)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Look for the selected jurors' conflicts again"), permissions=["view"])
    def find_conflicts(self, request, queryset) -> None:
        jurors = list(queryset)
        candidates = Candidate.objects.filter(category__expo__in={juror.expo_id for juror in jurors})
        found = jury.conflicts_refresh(jurors=jurors, candidates=candidates)
        self.message_user(
            request,
            ngettext("%(count)d new conflict flag.", "%(count)d new conflict flags.", len(found))
            % {"count": len(found)},
        )


class AssignmentForm(forms.ModelForm):
    """An assignment by hand: refused, next to the juror, when the juror has a conflict with the candidate."""

    class Meta:
        model = Assignment
        fields = ["round", "juror", "candidate"]

    def clean(self):
        data = super().clean()
        juror, candidate = data.get("juror"), data.get("candidate")
        if juror and candidate:
            found = selectors.conflicts_detect(jurors=[juror], candidates=[candidate]).get((juror.pk, candidate.pk))
            flagged = selectors.active_conflicts(juror_ids=[juror.pk], candidate_ids=[candidate.pk])
            if found or flagged:
                reasons = [detail for _source, detail in found or []] or [_("a conflict flag is open")]
                self.add_error(
                    "juror",
                    _("%(juror)s has a conflict with %(candidate)s: %(reasons)s")
                    % {"juror": juror, "candidate": candidate.exhibitor.name, "reasons": " ".join(reasons)},
                )
        return data


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["juror", "candidate", "round", "method", "assigned_at"]
    list_filter = ["round__category__expo", "round", "method"]
    search_fields = ["juror__name", "candidate__exhibitor__name"]
    list_select_related = ["juror", "candidate__exhibitor", "candidate__category", "round__category"]
    autocomplete_fields = ["juror", "candidate"]
    form = AssignmentForm

    def get_readonly_fields(self, request, obj=None):
        return ["round", "juror", "candidate", "method", "assigned_by", "assigned_at"] if obj else []

    def has_change_permission(self, request, obj=None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        assignment = jury.assignment_add(
            juror=form.cleaned_data["juror"],
            candidate=form.cleaned_data["candidate"],
            round=form.cleaned_data["round"],
            by=request.user,
        )
        obj.pk = assignment.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except jury.AwardsError as error:
            # Refused by a rule the form does not check (nothing was saved: the admin's transaction rolled back).
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(ConflictFlag)
class ConflictFlagAdmin(ReadOnlyHistoryAdmin):
    """Every flag, found or declared, with its clearance: none is ever deleted; each change is in the history."""

    list_display = ["juror", "candidate", "source", "raised_at", "active", "cleared_by", "cleared_at"]
    list_filter = ["candidate__category__expo", "source", ("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["juror__name", "candidate__exhibitor__name", "detail"]
    list_select_related = ["juror", "candidate__exhibitor", "candidate__category", "cleared_by"]
    readonly_fields = [
        "juror",
        "candidate",
        "source",
        "detail",
        "raised_by",
        "raised_at",
        "cleared_by",
        "cleared_at",
        "clear_reason",
    ]
    fields = readonly_fields
    actions = ["clear_selected", "export_csv", "export_xlsx"]

    def has_add_permission(self, request) -> bool:
        return False  # flags come from the data and from the jurors' declarations

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_clear_permission(self, request) -> bool:
        return request.user.has_perm("awards.clear_conflictflag")

    @admin.display(description=gettext_lazy("open"), boolean=True)
    def active(self, obj: ConflictFlag) -> bool:
        return obj.is_active

    @admin.action(description=gettext_lazy("Clear the selected conflict flags"), permissions=["clear"])
    def clear_selected(self, request, queryset):
        if not request.user.has_perm("awards.clear_conflictflag"):
            raise PermissionDenied
        flags = list(queryset.select_related("juror", "candidate__exhibitor"))
        form = ReasonForm(request.POST if reason_confirmation_sent(request) else None)
        if form.is_valid():
            cleared = 0
            for flag in flags:
                try:
                    jury.conflict_clear(flag=flag, reason=form.cleaned_data["reason"], by=request.user)
                except jury.AwardsError as error:
                    self.message_user(request, f"{flag}: {error}", messages.WARNING)
                else:
                    cleared += 1
            self.message_user(
                request,
                ngettext("%(count)d flag cleared.", "%(count)d flags cleared.", cleared) % {"count": cleared},
                messages.SUCCESS,
            )
            return None
        return reason_confirmation(
            request,
            self,
            title=_("Clear conflict flags"),
            explanation=_(
                "The juror may then be assigned and score the candidate. The reason is kept in the flag's history, "
                "with your name."
            ),
            columns=[_("Juror"), _("Candidate"), _("Source"), _("Detail")],
            rows=[
                (flag.pk, [flag.juror, flag.candidate.exhibitor.name, flag.get_source_display(), flag.detail])
                for flag in flags
            ],
            form=form,
            action="clear_selected",
            confirm_label=_("Clear the flags"),
            testid="chosen-flags",
        )

    def _rows(self, queryset):
        yield [
            _("Juror"),
            _("Juror's email"),
            _("Candidate"),
            _("Category"),
            _("Source"),
            _("Detail"),
            _("Raised"),
            _("Raised by"),
            _("Cleared"),
            _("Cleared by"),
            _("Reason for clearing"),
        ]
        for flag in queryset.select_related(
            "juror", "candidate__exhibitor", "candidate__category", "raised_by", "cleared_by"
        ).order_by("raised_at", "pk"):
            yield [
                flag.juror.name,
                flag.juror.email,
                flag.candidate.exhibitor.name,
                flag.candidate.category.name,
                flag.get_source_display(),
                flag.detail,
                flag.raised_at,
                flag.raised_by.email if flag.raised_by else "",
                flag.cleared_at or "",
                flag.cleared_by.email if flag.cleared_by else "",
                flag.clear_reason,
            ]

    @admin.action(description=gettext_lazy("Export the selected flags (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return exports.csv_response(self._rows(queryset), filename="conflict-flags.csv")

    @admin.action(description=gettext_lazy("Export the selected flags (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return exports.xlsx_response([(_("Conflict flags"), self._rows(queryset))], filename="conflict-flags.xlsx")


# --- Actions of the round and category admins (``awards.admin``) ---


@admin.action(description=gettext_lazy("Assign jurors automatically"), permissions=["change"])
def assign_automatically(model_admin, request, queryset) -> None:
    for round in queryset.select_related("category__expo"):
        try:
            created, shortfalls = jury.assignments_auto(round=round, by=request.user)
        except jury.AwardsError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            continue
        model_admin.message_user(
            request,
            ngettext("%(round)s: %(count)d assignment made.", "%(round)s: %(count)d assignments made.", len(created))
            % {"round": round, "count": len(created)},
            messages.SUCCESS,
        )
        for shortfall in shortfalls:
            model_admin.message_user(
                request,
                _("%(round)s: fewer jurors than %(k)d for %(shortfall)s")
                % {"round": round, "k": round.jurors_per_candidate, "shortfall": shortfall},
                messages.WARNING,
            )


@admin.action(description=gettext_lazy("Close the selected rounds and lock their scores"), permissions=["close"])
def close_rounds(model_admin, request, queryset) -> None:
    for round in queryset.select_related("category"):
        try:
            jury.round_close(round=round, by=request.user)
        except jury.AwardsError as error:
            model_admin.message_user(request, f"{round}: {error}", messages.WARNING)
        else:
            model_admin.message_user(request, _("%(round)s is closed; its scores are locked.") % {"round": round})


@admin.action(
    description=gettext_lazy("Print the stall-sign QR codes of the selected categories"), permissions=["view"]
)
def print_qr_codes(model_admin, request, queryset):
    """A printable page per category: each candidate in the running with the QR code of its scoring page."""
    categories = []
    for category in queryset.prefetch_related("candidates__exhibitor").order_by("order", "name"):
        signs = []
        for candidate in category.candidates.all():
            if candidate.status != Candidate.Status.ACTIVE:
                continue
            url = request.build_absolute_uri(reverse("awards_jury_candidate", args=[candidate.pk]))
            signs.append({"candidate": candidate, "url": url, "qr": qr.svg_data_uri(url)})
        categories.append((category, signs))
    return TemplateResponse(request, "admin/awards/stall_signs.html", {"categories": categories})
