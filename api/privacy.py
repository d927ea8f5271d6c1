"""The fields of each model the public API must never show, in one place the tests check every response against.

A field is private when the public pages do not show it: identity and tax numbers, personal contacts, the
trade body's and staff's workings, staff notes, scores, tokens. Fields an exhibitor publishes for visitors
(``public_email``, ``public_phone``, ``whatsapp``, ``website``) are public: the directory shows them.
"""

from awards.models import Candidate, Category, Result
from exhibitors.models import BoothStaff, Enterprise, Exhibitor, ExhibitorProduct, Nomination
from expo.models import Cluster, Expo, Sector, TradeBody, User
from pavilions.models import Hall, Pavilion, Stall, StallAllocation
from programme.models import Room, Session, SessionSpeaker, Speaker

PRIVATE_FIELDS: dict[type, frozenset[str]] = {
    Exhibitor: frozenset(
        {
            "enterprise",
            "nomination",
            "trade_body",
            "members",
            "unlisted_at",
            "unlisted_reason",
            "stall_size",
            "wants_women_pavilion",
            "booth_staff",
            "logo",
            "created_at",
            "updated_at",
        }
    ),
    # Nothing of an enterprise or a nomination is public: the exhibitor's profile is what it publishes.
    Enterprise: frozenset(field.name for field in Enterprise._meta.get_fields()),
    Nomination: frozenset(field.name for field in Nomination._meta.get_fields()),
    BoothStaff: frozenset(field.name for field in BoothStaff._meta.get_fields()),
    ExhibitorProduct: frozenset(),
    TradeBody: frozenset({"email", "phone", "members", "invitations"}),
    User: frozenset(field.name for field in User._meta.get_fields()),
    Expo: frozenset({"registration_opens_at", "registration_closes_at"}),
    Sector: frozenset(),
    Cluster: frozenset(),
    Hall: frozenset(),
    Pavilion: frozenset({"outline"}),
    Stall: frozenset({"status", "note"}),
    StallAllocation: frozenset({"locked", "run", "reason", "allocated_by", "allocated_at"}),
    Room: frozenset(),
    Session: frozenset({"rsvp", "rsvps", "no_meetings_during", "created_at", "updated_at"}),
    SessionSpeaker: frozenset(),
    Speaker: frozenset({"registration", "members", "confirmed_at", "exhibitor", "photo"}),
    Category: frozenset(
        {"candidacy_open", "women_led_only", "micro_only", "first_time_only", "min_years_in_business", "created_at"}
    ),
    Candidate: frozenset(field.name for field in Candidate._meta.get_fields()),
    Result: frozenset({"candidate", "score", "mode", "explanation", "approved_by", "approved_at"}),
}

# Names no public answer carries under any model: a field so named is personal or secret wherever it appears.
PRIVATE_NAMES = frozenset(
    {
        "ntn",
        "owner_cnic",
        "owner_name",
        "owner_phone",
        "owner_gender",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_designation",
        "id_number",
        "email",
        "phone",
        "password",
        "turnover_band",
        "employees",
        "legal_name",
        "decision_reason",
        "justification",
        "note",
        "notes",
        "token",
        "token_hash",
        "statement",
        "score",
        "explanation",
        "members",
        "registration",
    }
)
