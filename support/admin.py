"""The support desk's data in the admin: teams with their SLA and members, and the routing rules, edited as data.

Requests are worked on the desk's own pages (queue, request page), where every change goes through ``services``
and is kept in the history and emailed; the admin shows them read-only, with a link to their page.
"""

from django.contrib import admin

from .models import RoutingRule, SupportNote, SupportRequest, SupportTeam


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    fields = ["priority", "kind", "province", "is_active"]
    extra = 0


@admin.register(SupportTeam)
class SupportTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ur", "sla_days", "group", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_ur"]
    filter_horizontal = ["members"]
    inlines = [RoutingRuleInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "kind", "province", "team", "is_active"]
    list_editable = ["kind", "province", "team", "is_active"]
    list_display_links = ["priority"]
    list_filter = ["is_active", "team", "kind", "province"]
    list_select_related = ["team"]


class SupportNoteInline(admin.TabularInline):
    model = SupportNote
    fields = ["at", "by", "kind", "status_from", "status_to", "text", "shared"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enterprise", "province", "status", "team", "owner", "due_on", "created_at"]
    list_filter = ["expo", "status", "kind", "province", "team"]
    list_select_related = ["enterprise", "team", "owner"]
    search_fields = ["enterprise__legal_name", "exhibitor__name", "description"]
    date_hierarchy = "created_at"
    inlines = [SupportNoteInline]
    view_on_site = True

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
