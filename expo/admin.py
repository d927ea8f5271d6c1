from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .forms import InvitationForm
from .models import Cluster, Expo, Invitation, OutboundEmail, Sector, TradeBody, TradeBodyMembership, User


class RecordAdmin(admin.ModelAdmin):
    """Rows the portal writes as things happen (emails sent, gate scans, check-ins): staff read them here, and
    neither add nor edit them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def reason_confirmation_sent(request) -> bool:
    """Whether an admin action's POST comes from its confirmation page (``reason_confirmation``)."""
    return request.POST.get("confirm") == "yes"


def reason_confirmation(
    request,
    model_admin: admin.ModelAdmin,
    *,
    title: str,
    explanation: str,
    columns: list[str],
    rows: list[tuple[int, list]],
    form,
    action: str,
    confirm_label: str,
    testid: str,
    return_to: str = "",
) -> TemplateResponse:
    """The page an admin action shows before it acts: what will happen, the chosen ``rows`` (each a primary key
    and its cells), the reason ``form`` with its errors, and the button that posts the action back confirmed."""
    return TemplateResponse(
        request,
        "admin/reason_confirmation.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": title,
            "explanation": explanation,
            "columns": columns,
            "rows": rows,
            "form": form,
            "action": action,
            "confirm_label": confirm_label,
            "testid": testid,
            "return_to": return_to,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History shown, never restored: simple-history's history form saves the old version on any POST
    by a user who may merely *view* the object, which would bypass the services (a reviewer could
    restore an earlier status). Restoring is refused here; changes go through the normal pages.
    """

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (gettext_lazy("Personal details"), {"fields": ["full_name"]}),
        (
            gettext_lazy("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # Staff typed the address in: the person signs in without confirming an email they did not ask for.
            services.user_email_verify(user=obj)


@admin.register(Expo)
class ExpoAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "venue", "start_date", "end_date", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["name", "venue", "city"]


class ClusterInline(admin.TabularInline):
    model = Cluster
    extra = 0


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ur", "slug"]
    search_fields = ["name", "name_ur"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ClusterInline]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "city", "province"]
    list_filter = ["province", "sector"]
    search_fields = ["name", "city", "sector__name"]
    list_select_related = ["sector"]


class MembershipInline(admin.TabularInline):
    model = TradeBodyMembership
    extra = 0
    autocomplete_fields = ["user"]


class InvitationInline(GenericTabularInline):
    model = Invitation
    ct_field = "organisation_type"
    ct_fk_field = "organisation_id"
    extra = 0
    can_delete = False
    fields = ["email", "created_at", "expires_at", "accepted_at", "invited_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class InviteMemberMixin:
    """Adds an "Invite a member" page to the change page of an organisation (trade body, exhibitor)."""

    change_form_template = "admin/invite_member_change_form.html"

    def get_urls(self):
        info = (self.model._meta.app_label, self.model._meta.model_name)
        invite = path(
            "<int:pk>/invite/", self.admin_site.admin_view(self.invite_view), name="{}_{}_invite".format(*info)
        )
        return [invite, *super().get_urls()]

    def invite_view(self, request, pk: int):
        """Staff invite a person; the email goes out through the outbox."""
        if not request.user.has_perm("expo.add_invitation"):
            raise PermissionDenied
        organisation = get_object_or_404(self.model, pk=pk)
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.invitation_create(
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    invited_by=request.user,
                    site_url=request.build_absolute_uri("/"),
                )
            except services.ExpoError as error:
                form.add_error("email", str(error))
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                info = (self.model._meta.app_label, self.model._meta.model_name)
                return redirect(reverse("admin:{}_{}_change".format(*info), args=[organisation.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": organisation,
            "form": form,
            "title": _("Invite a member of %(name)s") % {"name": organisation},
        }
        return render(request, "admin/invite_member.html", context)


@admin.register(TradeBody)
class TradeBodyAdmin(InviteMemberMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "city", "province", "is_active"]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name", "short_name", "city"]
    inlines = [MembershipInline, InvitationInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "organisation_type", "created_at", "expires_at", "accepted_at"]
    list_filter = ["organisation_type"]
    search_fields = ["email"]
    list_select_related = ["organisation_type"]
    readonly_fields = ["email", "organisation", "created_at", "expires_at", "accepted_at", "accepted_by", "invited_by"]
    exclude = ["token_hash", "organisation_type", "organisation_id"]

    def has_add_permission(self, request) -> bool:
        # Invitations are made from the organisation's admin page, which emails the link.
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(RecordAdmin):
    list_display = ["subject", "to", "template", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    # The sealed secrets are never shown: the bodies show a marker where each secret link goes.
    readonly_fields = [field.name for field in OutboundEmail._meta.fields if field.name != "sealed_secrets"]
    fields = readonly_fields
    actions = ["send_again"]

    def has_resend_permission(self, request) -> bool:
        # Sending again acts on the outbox: it needs the change permission, which the rows' read-only pages
        # otherwise never use.
        return request.user.has_perm("expo.change_outboundemail")

    @admin.action(description=gettext_lazy("Send the selected failed emails again"), permissions=["resend"])
    def send_again(self, request, queryset):
        count = services.emails_retry_failed(ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("%(count)d emails queued again.") % {"count": count})
