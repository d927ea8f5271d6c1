"""The programme in the admin: rooms, sessions (with their speakers, checked for clashes) and speakers.

Every write goes through ``services`` so that the room and speaker rules hold here as everywhere.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy, ngettext

from expo.admin import InviteMemberMixin, RecordAdmin

from . import services
from .forms import SessionAdminForm, SpeakerAdminForm
from .models import Attendance, Room, Rsvp, Session, SessionSpeaker, Speaker


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "hall", "capacity", "accessible", "venue_screen"]
    list_filter = ["hall__expo", "hall", "accessible"]
    search_fields = ["name", "name_ur"]
    list_select_related = ["hall"]

    def save_model(self, request, obj, form, change) -> None:
        services.room_save(room=obj)

    @admin.display(description=gettext_lazy("venue screen of the hall"))
    def venue_screen(self, obj: Room) -> str:
        """The address to open on the screen at the hall's door ("now and next")."""
        url = reverse("programme_screen", args=[obj.hall.code])
        return format_html('<a href="{}" data-testid="venue-screen-link">{}</a>', url, url)


class SessionSpeakerInline(admin.TabularInline):
    """The role of each speaker; who speaks is chosen on the session form (checked for clashes there)."""

    model = SessionSpeaker
    fields = ["speaker", "role", "order"]
    readonly_fields = ["speaker"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ["title", "kind", "starts_at", "ends_at", "room", "rsvp_required", "cancelled_at"]
    list_filter = ["expo", "kind", "room__hall", "rsvp_required", "no_meetings_during", "language"]
    search_fields = ["title", "title_ur"]
    list_select_related = ["room__hall"]
    date_hierarchy = "starts_at"
    readonly_fields = ["cancelled_at"]
    filter_horizontal = ["sectors", "clusters"]
    inlines = [SessionSpeakerInline]
    actions = ["cancel_selected"]
    fieldsets = [
        (None, {"fields": ["expo", "kind", "title", "title_ur", "abstract", "abstract_ur"]}),
        (gettext_lazy("When and where"), {"fields": ["starts_at", "ends_at", "room", "cancelled_at"]}),
        (gettext_lazy("Speakers"), {"fields": ["speaker_list"]}),
        (
            gettext_lazy("For visitors"),
            {"fields": ["language", "rsvp_required", "no_meetings_during", "sectors", "clusters"]},
        ),
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ProgrammeError as error:
            # Another member of staff took the room or a speaker between the form's check and the save:
            # nothing was saved (the admin's transaction rolled back).
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change) -> None:
        services.session_save(
            session=obj,
            speaker_ids=[speaker.pk for speaker in form.cleaned_data.get("speaker_list") or []],
            sectors=form.cleaned_data.get("sectors"),
            clusters=form.cleaned_data.get("clusters"),
        )

    def save_related(self, request, form, formsets, change) -> None:
        # The sectors, clusters and speakers were saved by the service; the inline holds only roles and order.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=gettext_lazy("Cancel the selected sessions"), permissions=["change"])
    def cancel_selected(self, request, queryset) -> None:
        sessions = list(queryset)
        for session in sessions:
            services.session_cancel(session=session)
        self.message_user(
            request,
            ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", len(sessions))
            % {"count": len(sessions)},
            messages.SUCCESS,
        )


@admin.register(Speaker)
class SpeakerAdmin(InviteMemberMixin, admin.ModelAdmin):
    form = SpeakerAdminForm
    list_display = ["name", "organisation", "expo", "confirmed_at"]
    list_filter = ["expo"]
    search_fields = ["name", "organisation"]
    raw_id_fields = ["exhibitor", "registration"]
    readonly_fields = ["confirmed_at"]

    def save_model(self, request, obj, form, change) -> None:
        services.speaker_save(speaker=obj, photo=form.photo_change())


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    """Who has a place at which session, and the waitlist in its order. Places change through the services: staff
    give one up for a visitor with the action, which promotes the waitlist."""

    list_display = ["registration", "session", "status", "queued_at"]
    list_filter = ["status", "session__expo", "session"]
    search_fields = ["registration__full_name", "registration__email", "session__title"]
    list_select_related = ["registration", "session"]
    ordering = ["session", "queued_at", "pk"]
    actions = ["cancel_selected"]
    readonly_fields = ["session", "registration", "status", "queued_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Give up the selected places"), permissions=["change"])
    def cancel_selected(self, request, queryset) -> None:
        rsvps = list(queryset)
        for rsvp in rsvps:
            services.rsvp_cancel(rsvp=rsvp)
        self.message_user(
            request,
            ngettext("%(count)d place given up.", "%(count)d places given up.", len(rsvps)) % {"count": len(rsvps)},
            messages.SUCCESS,
        )


@admin.register(Attendance)
class AttendanceAdmin(RecordAdmin):
    """Who came to which session, as the doors recorded it; staff read it here, the doors write it."""

    list_display = ["badge", "session", "scanned_at", "rsvp", "offline", "over_capacity"]
    list_filter = ["rsvp", "offline", "over_capacity", "session__expo", "session"]
    search_fields = ["badge__number", "badge__full_name", "session__title"]
    list_select_related = ["badge", "session"]
    raw_id_fields = ["session", "badge", "scanned_by"]
