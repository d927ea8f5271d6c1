"""The staff side of visitors in the Django admin: capacities, gates, registrations, badges, scans.

Registrations and check-ins are the visitors' and gates' data: staff read them here and act
through the actions, which call ``visitors.services`` (cancel and promote the waitlist, confirm or
refuse a requested category, revoke a badge or lift its revocation with a reason, issue booth staff
badges, print a sheet).
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from expo import selectors as core_selectors
from expo.admin import RecordAdmin, reason_confirmation, reason_confirmation_sent

from . import services
from .models import (
    Badge,
    BadgeBatch,
    BadgeRevocation,
    CheckIn,
    DayCapacity,
    Gate,
    Registration,
    RegistrationDay,
    Scan,
)


@admin.register(DayCapacity)
class DayCapacityAdmin(admin.ModelAdmin):
    list_display = ["date", "category", "capacity", "expo"]
    list_filter = ["expo", "date", "category"]


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    list_display = ["name", "expo"]
    list_filter = ["expo"]


class RegistrationDayInline(admin.TabularInline):
    model = RegistrationDay
    extra = 0
    can_delete = False
    readonly_fields = ["date", "status"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "email",
        "category",
        "category_status",
        "organisation",
        "designation",
        "country",
        "status",
        "source",
        "created_at",
    ]
    # "Category confirmation: Requested" is the registration desk's queue.
    list_filter = ["expo", "category_status", "status", "category", "source", "country", "days__date"]
    search_fields = ["full_name", "email", "organisation", "phone"]
    readonly_fields = [field.name for field in Registration._meta.fields if field.name not in ("id",)] + ["interests"]
    list_select_related = ["expo"]
    inlines = [RegistrationDayInline]
    actions = ["confirm_category_selected", "refuse_category_selected", "cancel_selected", "resend_selected"]

    def has_add_permission(self, request):
        return False

    def _decide_categories(self, request, queryset, *, confirm: bool) -> None:
        done, refused = 0, []
        for registration in queryset:
            try:
                services.registration_category_decide(registration=registration, confirm=confirm, by=request.user)
            except services.RegistrationError as error:
                refused.append(f"{registration.full_name}: {error}")
            else:
                done += 1
        if confirm:
            message = ngettext("%(n)d category confirmed.", "%(n)d categories confirmed.", done) % {"n": done}
        else:
            message = ngettext("%(n)d category refused.", "%(n)d categories refused.", done) % {"n": done}
        self.message_user(request, message, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(
        description=gettext_lazy("Confirm the selected people's categories (their badge takes the category)"),
        permissions=["change"],
    )
    def confirm_category_selected(self, request, queryset):
        self._decide_categories(request, queryset, confirm=True)

    @admin.action(
        description=gettext_lazy("Refuse the selected people's categories (their badge stays a visitor's)"),
        permissions=["change"],
    )
    def refuse_category_selected(self, request, queryset):
        self._decide_categories(request, queryset, confirm=False)

    @admin.action(
        description=gettext_lazy("Cancel the selected registrations (the waitlist moves up)"), permissions=["change"]
    )
    def cancel_selected(self, request, queryset):
        for registration in queryset:
            services.registration_cancel(registration=registration)
        count = queryset.count()
        message = ngettext("%(n)d registration cancelled.", "%(n)d registrations cancelled.", count) % {"n": count}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Email the selected people their badge again"), permissions=["change"])
    def resend_selected(self, request, queryset):
        for registration in queryset:
            services.registration_email_again(registration=registration)
        count = queryset.count()
        self.message_user(
            request, ngettext("%(n)d email queued.", "%(n)d emails queued.", count) % {"n": count}, messages.SUCCESS
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "full_name",
        "organisation",
        "type",
        "category",
        "version",
        "revoked",
        "staff_revoked",
        "expo",
    ]
    list_filter = ["expo", "type", "category", "revoked", "staff_revoked"]
    search_fields = ["number", "full_name", "organisation"]
    fields = [
        "number",
        "type",
        "category",
        "full_name",
        "organisation",
        "version",
        "revoked",
        "staff_revoked",
        "revocation_history",
        "all_days",
        "pdf_version",
    ]
    readonly_fields = [
        "number",
        "type",
        "category",
        "version",
        "revoked",
        "staff_revoked",
        "revocation_history",
        "all_days",
        "pdf_version",
    ]
    actions = ["revoke_selected", "restore_selected", "print_selected", "issue_booth_staff"]

    @admin.display(description=gettext_lazy("revocations by staff"))
    def revocation_history(self, badge):
        """Every staff revocation of the badge and every lifting of one, newest first, with who gave which reason."""
        rows = BadgeRevocation.objects.filter(badge=badge).select_related("by")
        return format_html_join(
            "",
            "<p>{}: {} — {} ({})</p>",
            (
                (
                    date_format(timezone.localtime(row.at), "DATETIME_FORMAT"),
                    _("revoked") if row.revoked else _("revocation lifted"),
                    row.reason,
                    row.by or _("unknown"),
                )
                for row in rows
            ),
        ) or _("None")

    @admin.display(description=gettext_lazy("valid every day"), boolean=True)
    def all_days(self, badge):
        return badge.all_days

    def get_fields(self, request, obj=None):
        if obj is None:
            # A badge for someone who does not register as a visitor: jury, organisers, media, delegates.
            return ["type", "full_name", "organisation"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            expo = core_selectors.expo_current()
            if expo is None:
                raise services.RegistrationError(_("No expo is current."))
            # Issued by the service; the admin shows the new badge through ``obj``.
            badge = services.badge_issue(
                expo=expo, type=obj.type, full_name=obj.full_name, organisation=obj.organisation
            )
            obj.pk, obj.expo, obj.number = badge.pk, expo, badge.number
            return
        # Name and organisation changes go through the service: a new version and a new PDF.
        services.badge_update(
            badge=Badge.objects.get(pk=obj.pk), full_name=obj.full_name, organisation=obj.organisation
        )

    def _with_reason(self, request, queryset, *, action: str, title: str, service, done: str):
        """Ask for the reason on a page of its own, then call ``service`` for each badge with it."""
        form = ReasonForm(request.POST if reason_confirmation_sent(request) else None)
        if form.is_valid():
            for badge in queryset:
                service(badge=badge, reason=form.cleaned_data["reason"], by=request.user)
            self.message_user(request, done, messages.SUCCESS)
            return None
        return reason_confirmation(
            request,
            self,
            title=title,
            explanation=_(
                "The reason is kept in each badge's history, with your name, and emailed to the badge's holder."
            ),
            columns=[_("Badge"), _("Name"), _("Organisation")],
            rows=[(badge.pk, [badge.number, badge.full_name, badge.organisation]) for badge in queryset],
            form=form,
            action=action,
            confirm_label=_("Confirm"),
            testid="chosen-badges",
        )

    @admin.action(description=gettext_lazy("Revoke the selected badges"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="revoke_selected",
            title=_("Revoke badges"),
            service=services.badge_revoke,
            done=_("Badges revoked."),
        )

    @admin.action(description=gettext_lazy("Lift the revocation of the selected badges"), permissions=["change"])
    def restore_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="restore_selected",
            title=_("Lift badge revocations"),
            service=services.badge_revocation_lift,
            done=_("Revocations lifted."),
        )

    @admin.action(description=gettext_lazy("Print the selected badges on one sheet"), permissions=["change"])
    def print_selected(self, request, queryset):
        badges = list(queryset.filter(revoked=False))
        if not badges:
            self.message_user(request, _("There are no badges to print."), messages.ERROR)
            return None
        batch = services.badge_batch_create(
            expo=badges[0].expo, label=_("Selected badges"), badges=badges, user=request.user
        )
        return redirect("badge_batch", batch.pk)

    @admin.action(description=gettext_lazy("Issue badges to all booth staff of the current expo"), permissions=["add"])
    def issue_booth_staff(self, request, queryset):
        expo = core_selectors.expo_current()
        if expo is None:
            self.message_user(request, _("No expo is current."), messages.ERROR)
            return
        count = services.badges_for_booth_staff(expo=expo)
        self.message_user(
            request,
            ngettext("%(n)d booth staff badge issued.", "%(n)d booth staff badges issued.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Scan)
class ScanAdmin(RecordAdmin):
    list_display = ["scanned_at", "gate", "badge", "outcome", "offline", "conflict"]
    list_filter = ["gate__expo", "gate", "outcome", "offline", "conflict"]
    search_fields = ["badge__number", "badge__full_name"]
    list_select_related = ["gate", "badge"]


@admin.register(CheckIn)
class CheckInAdmin(RecordAdmin):
    list_display = ["day", "scanned_at", "gate", "badge"]
    list_filter = ["day", "gate", "badge__type", "badge__category"]
    search_fields = ["badge__number", "badge__full_name"]
    list_select_related = ["gate", "badge"]


@admin.register(BadgeBatch)
class BadgeBatchAdmin(admin.ModelAdmin):
    list_display = ["label", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["expo", "status"]
    readonly_fields = ["label", "status", "done", "total", "pdf", "created_by", "created_at", "finished_at"]
    exclude = ["badges"]

    def has_add_permission(self, request):
        return False
