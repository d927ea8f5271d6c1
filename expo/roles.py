"""Staff roles. Each is a Django group made by migration 0002; features grant their permissions to these groups."""

from django.utils.translation import gettext_lazy as _

NOMINATION_REVIEWERS = "Nomination reviewers"
FLOOR_MANAGERS = "Floor managers"
REGISTRATION_DESK = "Registration desk"
MATCHMAKING_DESK = "Matchmaking desk"
AWARDS_SECRETARIAT = "Awards secretariat"
GATE_STAFF = "Gate staff"
MANAGEMENT = "Management"  # group made by insights migration 0002
SUPPORT_DESK = "Support desk"  # group made by support migration 0002

STAFF_ROLES = (
    NOMINATION_REVIEWERS,
    FLOOR_MANAGERS,
    REGISTRATION_DESK,
    MATCHMAKING_DESK,
    AWARDS_SECRETARIAT,
    GATE_STAFF,
    MANAGEMENT,
    SUPPORT_DESK,
)

# The staff pages outside the admin, each with the permission that opens it: the site menu and the dashboard offer
# a person those they may open.
VENUE_PAGES = (
    ("visitors.scan_badges", "gate", _("Gate check-in")),
    ("visitors.use_registration_desk", "desk_register", _("Walk-in registration")),
    ("visitors.use_registration_desk", "badge_batches", _("Print badges")),
    ("visitors.use_registration_desk", "visitor_numbers", _("Attendance")),
    ("matchmaking.run_scheduler", "mm_staff_runs", _("B2B meetings desk")),
    ("matchmaking.change_meetingrequest", "mm_desk_participants", _("Act for a B2B participant")),
    ("matchmaking.view_meeting", "mm_desk_print", _("B2B lounge print-outs")),
    ("awards.score_candidates", "awards_jury", _("Jury: your candidates")),
    ("awards.view_scoresheet", "awards_staff_rounds", _("Awards leaderboards")),
    ("awards.view_result", "awards_staff_results", _("Awards results")),
    ("insights.view_insights", "insights_exhibitors", _("Insights")),
    ("support.change_supportrequest", "support_queue", _("Support desk")),
    ("support.use_followup_desk", "followup_leads", _("Follow-up desk")),
)
