"""A small public world for the API's tests, with things that must stay hidden beside what is public.

Public: two listed exhibitors of the current edition (one women-led in Sindh), their products and stalls,
a session with a speaker, a cancelled one, a published winner, and an exhibitor of an edition already held.
Hidden: an exhibitor unlisted by staff, one without a description, one of an edition not yet current, an
approved result not yet published; each holds private data (NTN, CNIC, emails, phones, notes) that no
answer may carry.
"""

import datetime

import pytest
from django.utils import timezone

from awards.models import Result
from expo.models import Province
from pavilions.models import StallAllocation
from programme.models import SessionSpeaker
from tests.factories import (
    AwardCandidateFactory,
    AwardCategoryFactory,
    BoothStaffFactory,
    CertificationFactory,
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    HallFactory,
    PavilionFactory,
    RoomFactory,
    SectorFactory,
    SessionFactory,
    SpeakerFactory,
    StallFactory,
    TradeBodyFactory,
)

API = "/api/v1/"
# Every endpoint the API lists at its root.
ENDPOINTS = [
    "editions",
    "sectors",
    "clusters",
    "exhibitors",
    "products",
    "halls",
    "pavilions",
    "stalls",
    "rooms",
    "sessions",
    "speakers",
    "award-winners",
]

# Private values planted in the hidden and private fields; no answer of the API may contain any of them.
SECRETS = {
    "ntn": "7654321",
    "cnic": "35202-7777777-3",
    "contact_email": "secret.contact@private.example.pk",
    "owner_phone": "+92 321 7654321",
    "unlisted_reason": "Unlisted: fake certificates",
    "booth_id": "35202-8888888-5",
    "stall_note": "Held for the minister's guest",
    "allocation_reason": "Moved next to the sponsor",
    "trade_body_email": "chamber.secret@private.example.pk",
    "statement": "Our turnover doubled to PKR 91 million",
    "explanation": "Ranked 1 by the normalised mean 8.734",
    "hidden_name": "Hidden Unlisted Traders",
    "undescribed_name": "Half Finished Profile Co",
    "future_name": "Next Edition Exports",
    "unpublished_winner": "Unpublished Winner Works",
}


def listed(name: str, cluster, expo, **fields):
    return ExhibitorFactory(
        name=name,
        slug=name.lower().replace(" ", "-"),
        nomination__expo=expo,
        nomination__cluster=cluster,
        nomination__city=cluster.city,
        nomination__province=cluster.province,
        **fields,
    )


@pytest.fixture
def world(db):
    """The public and hidden records described above, as a dict of names to objects."""
    expo = ExpoFactory(name="SME Cluster Showcase 2041", year=2041)
    held = ExpoFactory(name="SME Cluster Showcase 2020", year=2020, is_current=False)
    coming = ExpoFactory(name="SME Cluster Showcase 2090", year=2090, is_current=False)
    surgical = ClusterFactory(sector=SectorFactory(name="Surgical instruments"), city="Sialkot")
    textiles = ClusterFactory(sector=SectorFactory(name="Textiles"), city="Hala", province=Province.SINDH)
    trade_body = TradeBodyFactory(email=SECRETS["trade_body_email"])

    steel = listed(
        "Steel Surgical",
        surgical,
        expo,
        nomination__trade_body=trade_body,
        nomination__contact_email=SECRETS["contact_email"],
        nomination__owner_phone=SECRETS["owner_phone"],
        nomination__owner_cnic=SECRETS["cnic"],
        nomination__enterprise__ntn=SECRETS["ntn"],
        export_experience="regular",
        public_email="sales@steel.example.pk",
    )
    steel.certifications.add(CertificationFactory(name="ISO 13485"))
    weaves = listed("Hala Weaves", textiles, expo, nomination__women_led=True)
    hidden = listed(SECRETS["hidden_name"], surgical, expo, listed=False, unlisted_reason=SECRETS["unlisted_reason"])
    undescribed = listed(SECRETS["undescribed_name"], textiles, expo, description="")
    future = listed(SECRETS["future_name"], surgical, coming)
    veteran = listed("Veteran Cutlers", surgical, held)

    forceps = ExhibitorProductFactory(exhibitor=steel, name="Forceps", hs_code="9018.90")
    ExhibitorProductFactory(exhibitor=weaves, name="Ajrak shawl")
    ExhibitorProductFactory(exhibitor=hidden, name="Hidden scalpel")
    BoothStaffFactory(exhibitor=steel, id_number=SECRETS["booth_id"])

    hall = HallFactory(expo=expo, code="H1")
    pavilion = PavilionFactory(hall=hall, code="A", clusters=[surgical])
    stall_steel = StallFactory(pavilion=pavilion, code="H1-A-001", note=SECRETS["stall_note"], status="held")
    stall_hidden = StallFactory(pavilion=pavilion, code="H1-A-002", x=7)
    stall_free = StallFactory(pavilion=pavilion, code="H1-A-003", x=11)
    StallAllocation.objects.create(stall=stall_steel, exhibitor=steel, reason=SECRETS["allocation_reason"])
    StallAllocation.objects.create(stall=stall_hidden, exhibitor=hidden)
    coming_hall = HallFactory(expo=coming, code="H9")

    talk = SessionFactory(expo=expo, room=RoomFactory(hall=hall), title="Exporting surgical instruments")
    cancelled = SessionFactory(
        expo=expo,
        room=talk.room,
        title="Cancelled workshop",
        starts_at=talk.starts_at + datetime.timedelta(hours=2),
        ends_at=talk.starts_at + datetime.timedelta(hours=3),
        cancelled_at=timezone.now(),
    )
    talk.sectors.add(surgical.sector)
    speaker = SpeakerFactory(expo=expo, name="Ayesha Khan")
    SessionSpeaker.objects.create(session=talk, speaker=speaker, role="moderator")
    SessionFactory(expo=coming, room=RoomFactory(hall=coming_hall), title="Session of a coming edition")

    category = AwardCategoryFactory(expo=expo, name="Exporter of the year")
    winner = Result.objects.create(
        category=category,
        candidate=AwardCandidateFactory(category=category, exhibitor=steel, statement=SECRETS["statement"]),
        rank=1,
        place=Result.Place.WINNER,
        score=8.734,
        explanation=SECRETS["explanation"],
        approved_at=timezone.now(),
        published_at=timezone.now(),
    )
    innovators = AwardCategoryFactory(expo=expo, name="Innovator of the year")
    unpublished = Result.objects.create(
        category=innovators,
        candidate=AwardCandidateFactory(
            category=innovators, exhibitor=listed(SECRETS["unpublished_winner"], textiles, expo)
        ),
        rank=1,
        place=Result.Place.WINNER,
        score=7.5,
        approved_at=timezone.now(),
    )
    return {
        "expo": expo,
        "held": held,
        "coming": coming,
        "surgical": surgical,
        "textiles": textiles,
        "steel": steel,
        "weaves": weaves,
        "hidden": hidden,
        "undescribed": undescribed,
        "future": future,
        "veteran": veteran,
        "forceps": forceps,
        "hall": hall,
        "pavilion": pavilion,
        "stall_steel": stall_steel,
        "stall_hidden": stall_hidden,
        "stall_free": stall_free,
        "talk": talk,
        "cancelled": cancelled,
        "speaker": speaker,
        "winner": winner,
        "unpublished": unpublished,
    }
