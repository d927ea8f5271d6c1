"""Staff roles. Each is a Django group made by migration 0002; features grant their permissions to these groups."""

NOMINATION_REVIEWERS = "Nomination reviewers"
FLOOR_MANAGERS = "Floor managers"
REGISTRATION_DESK = "Registration desk"
MATCHMAKING_DESK = "Matchmaking desk"
AWARDS_SECRETARIAT = "Awards secretariat"
GATE_STAFF = "Gate staff"

STAFF_ROLES = (
    NOMINATION_REVIEWERS,
    FLOOR_MANAGERS,
    REGISTRATION_DESK,
    MATCHMAKING_DESK,
    AWARDS_SECRETARIAT,
    GATE_STAFF,
)
