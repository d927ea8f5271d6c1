"""The matchmaking desk's admin: settings, slots and tables, participants and their blocks, requests, meetings, runs.

Requests and meetings are shown here, not written: their writes keep the cap, the emails and the hard rules,
so they go through the services (the participant's pages, and the desk's own pages for meetings).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from expo.admin import ReadOnlyHistoryAdmin

from . import slots, suggest_services
from .models import (
    AvailabilityBlock,
    FollowUpEmail,
    FollowUpOptOut,
    FollowUpStep,
    Lead,
    LeadEvent,
    MatchmakingSettings,
    Meeting,
    MeetingAttendance,
    MeetingBreak,
    MeetingNoShow,
    MeetingRequest,
    MeetingSeat,
    MeetingWindow,
    Participant,
    SchedulerRun,
    Slot,
    Table,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MatchmakingSettings)
class MatchmakingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "expo",
        "slot_minutes",
        "request_cap",
        "weight_must",
        "weight_would",
        "weight_if_time",
        "requests_open",
    ]
    readonly_fields = ["published_at", "suggestions_computed_at"]
    actions = ["recompute_suggestions", "generate_slots"]

    @admin.action(description=_("Recompute the suggestions of whom to meet"), permissions=["change"])
    def recompute_suggestions(self, request, queryset):
        for rules in queryset:
            suggest_services.suggestions_recompute_soon(expo_id=rules.expo_id)
        self.message_user(request, _("The suggestions are being recomputed in the background."))

    @admin.action(description=_("Generate the meeting slots at the slot length set"), permissions=["generate"])
    def generate_slots(self, request, queryset):
        """The same service as the desk's Meeting slots page: all or nothing per expo, meetings never moved."""
        for rules in queryset.select_related("expo"):
            try:
                changes = slots.slots_generate(expo=rules.expo, slot_minutes=rules.slot_minutes)
            except slots.SlotConflictError as error:
                self.message_user(
                    request,
                    f"{rules.expo}: {error} "
                    + "; ".join(f"{c.meeting.slot} {c.meeting.request}: {c.reason}" for c in error.conflicts),
                    messages.ERROR,
                )
            except slots.MatchmakingError as error:
                self.message_user(request, f"{rules.expo}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(expo)s: %(created)s new slots, %(kept)s kept, %(removed)s removed, %(retired)s retired.")
                    % {
                        "expo": rules.expo,
                        "created": changes.created,
                        "kept": changes.kept,
                        "removed": changes.removed,
                        "retired": changes.retired,
                    },
                )

    def has_generate_permission(self, request) -> bool:
        return request.user.has_perm("matchmaking.add_slot")


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "expo", "kind", "label"]
    list_filter = ["expo", "kind"]
    date_hierarchy = "start"


@admin.register(MeetingWindow)
class MeetingWindowAdmin(admin.ModelAdmin):
    """The meeting days and their hours; the desk's "Meeting slots" page cuts them into slots."""

    list_display = ["__str__", "expo", "day", "starts_at", "ends_at"]
    list_filter = ["expo", "day"]


@admin.register(MeetingBreak)
class MeetingBreakAdmin(admin.ModelAdmin):
    """Lunch and prayers: no slot is generated over them (the programme's ceremonies count as breaks too)."""

    list_display = ["label", "expo", "day", "starts_at", "ends_at"]
    list_filter = ["expo"]


@admin.register(Table)
class TableAdmin(admin.ModelAdmin):
    list_display = ["__str__", "expo", "number"]
    list_filter = ["expo"]


class AvailabilityBlockInline(admin.TabularInline):
    model = AvailabilityBlock
    extra = 0
    verbose_name = _("slot the participant cannot meet in")
    verbose_name_plural = _("slots the participant cannot meet in")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "slot":
            kwargs["queryset"] = Slot.objects.filter(kind=Slot.Kind.MEETING)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "country", "expo", "active", "opted_in_at"]
    list_filter = ["expo", "kind", "active"]
    search_fields = ["organisation", "registration__full_name", "registration__email", "exhibitor__name"]
    raw_id_fields = ["exhibitor", "registration"]
    filter_horizontal = ["clusters", "sectors"]
    readonly_fields = ["opted_in_at"]
    inlines = [AvailabilityBlockInline]


class MeetingAttendanceInline(admin.TabularInline):
    model = MeetingAttendance
    extra = 0
    can_delete = False
    readonly_fields = ["participant", "how", "at", "by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MeetingRequest)
class MeetingRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "priority", "status", "decline_reason", "at_stall", "created_at"]
    list_filter = ["expo", "status", "priority", "at_stall"]
    search_fields = ["sender__organisation", "receiver__organisation"]
    list_select_related = ["sender", "receiver"]


class MeetingSeatInline(admin.TabularInline):
    model = MeetingSeat
    extra = 0
    can_delete = False
    readonly_fields = ["participant", "slot"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, ReadOnlyHistoryAdmin):
    list_display = ["__str__", "slot", "table", "at_stall", "state", "updated_at"]
    list_filter = ["expo", "state", "at_stall"]
    list_select_related = ["request__sender", "request__receiver", "slot", "table"]
    readonly_fields = ["held_at"]
    inlines = [MeetingSeatInline, MeetingAttendanceInline]


@admin.register(SchedulerRun)
class SchedulerRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "status", "progress", "value", "bound", "created_at", "finished_at"]
    list_filter = ["expo", "status"]


@admin.register(MeetingAttendance)
class MeetingAttendanceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who came to which meeting; written by the scans, the sides' confirmations and the desk's pages."""

    list_display = ["participant", "meeting", "how", "at", "by"]
    list_filter = ["meeting__expo", "how"]
    search_fields = ["participant__organisation"]
    list_select_related = [
        "participant",
        "meeting__slot",
        "meeting__request__sender",
        "meeting__request__receiver",
        "by",
    ]
    date_hierarchy = "at"


@admin.register(MeetingNoShow)
class MeetingNoShowAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["meeting", "absent", "reported_by", "at"]
    list_filter = ["meeting__expo"]
    search_fields = ["absent__organisation", "reported_by__organisation"]
    list_select_related = [
        "absent",
        "reported_by",
        "meeting__slot",
        "meeting__request__sender",
        "meeting__request__receiver",
    ]


class LeadEventInline(admin.TabularInline):
    model = LeadEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "side", "kind", "status_from", "status_to", "note", "value_amount", "value_currency"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Lead)
class LeadAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Leads are the exhibitors' own: shown to staff here, written by the exhibitors' pages and the follow-up."""

    list_display = [
        "__str__",
        "source",
        "rating",
        "next_step",
        "status",
        "value_amount",
        "value_currency",
        "created_at",
    ]
    list_filter = ["expo", "source", "status", "rating", "next_step", "value_currency"]
    search_fields = [
        "exhibitor__name",
        "registration__full_name",
        "registration__organisation",
        "counterpart__organisation",
    ]
    list_select_related = ["exhibitor", "registration", "counterpart"]
    date_hierarchy = "created_at"
    inlines = [LeadEventInline]


@admin.register(FollowUpStep)
class FollowUpStepAdmin(admin.ModelAdmin):
    """The follow-up sequence of each expo: the days after the expo and the texts, in English and Urdu."""

    list_display = ["__str__", "expo", "days_after", "subject_en", "active"]
    list_filter = ["expo", "active"]


@admin.register(FollowUpEmail)
class FollowUpEmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["lead", "step", "side", "claimed_at"]
    list_filter = ["step__expo", "side", "step__days_after"]
    list_select_related = ["lead__exhibitor", "lead__registration", "lead__counterpart", "step"]


@admin.register(FollowUpOptOut)
class FollowUpOptOutAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Addresses that asked for no more follow-up emails, kept as digests only."""

    list_display = ["email_digest", "expo", "at"]
    list_filter = ["expo"]
