"""No open file of an edition holds personal data: every file the edition's page offers (data and dictionaries, from
the English and the Urdu page) is scanned for the personal details planted in every corner of the edition, and for
anything shaped like an email address, a phone number, an NTN or a CNIC.

Speakers are people too: their names and bios are public on the programme's pages, but the open files carry no
person's name at all, so speakers are not among the datasets and their names are scanned for like any other.
"""

import re

import pytest
from django.conf import settings

from tests.factories import (
    BoothStaffFactory,
    CertificationFactory,
    ExhibitorMembershipFactory,
    ExhibitorProductFactory,
    JurorFactory,
    MembershipFactory,
    SpeakerFactory,
    register_visitor,
)
from tests.opendata.conftest import award_won, check_in, exhibitor_at, meeting_between, open_files, stall_for

pytestmark = pytest.mark.django_db

OWNER = {"name": "Rukhsana Bibi Qureshi", "phone": "+92 321 7654321", "cnic": "35202-9876543-2", "ntn": "7654321-0"}
CONTACT = {"name": "Tariq Mehmood Butt", "email": "tariq.private@hilal.example.pk", "phone": "+92 333 1112223"}
PUBLIC_CONTACT = {"email": "sales@hilal.example.pk", "phone": "+92 52 3550011", "whatsapp": "0300 9988776"}
VISITORS = [
    {"full_name": "Zarghuna Khattak", "email": "zarghuna@mail.example.pk", "phone": "+92 345 5556667",
     "organisation": "Khattak Imports", "country": "AF"},
    {"full_name": "Wanjiru Kamau", "email": "wanjiru@nairobi.example.ke", "phone": "+254 712 345678",
     "organisation": "Kamau Medical Supplies", "country": "KE", "category": "buyer", "designation": "Buyer"},
]  # fmt: skip
BOOTH_STAFF = {"full_name": "Shahzad Akhtar Gill", "id_number": "34603-1231231-7", "email": "gill@booth.example.pk"}
MEMBER_NAMES = ["Farzana Yasmin Cheema", "Imran Haider Bajwa"]
TRADE_BODY = {"email": "info@scci.example.pk", "phone": "+92 52 4261881"}
JUROR = {"name": "Nighat Parveen Awan", "email": "nighat@jury.example.pk"}
SPEAKER = "Humaira Sultana Malik"
DELEGATION = "Mr Rustam Aliyev, Ms Leyla Mammadova"
MESSAGE = "Call me on +92 300 4445556 before the show."

PATTERNS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "CNIC": re.compile(r"\b\d{5}-?\d{7}-?\d\b"),
    "NTN": re.compile(r"\b\d{7}-\d\b"),
    "Pakistani phone": re.compile(r"(?:\+92|0092|\b0)[\s-]?\d{2,3}[\s-]?\d{7}\b"),
    "international phone": re.compile(r"\+\d{1,3}[\s-]?\d[\d\s-]{6,}"),
}


@pytest.fixture
def rich_edition(filled_edition, cluster):
    """The filled edition with personal details wherever the portal keeps them, and some typed into public text."""
    expo = filled_edition
    exhibitor = exhibitor_at(
        expo,
        cluster,
        name="Crescent Steel Works",
        slug="crescent-steel",
        description=f"Family firm. Orders: {CONTACT['email']} or {CONTACT['phone']}.",
        description_ur=f"رابطہ: {OWNER['phone']}",
        export_markets="Germany, Kenya",
        website="https://crescent.example.pk",
        public_email=PUBLIC_CONTACT["email"],
        public_phone=PUBLIC_CONTACT["phone"],
        whatsapp=PUBLIC_CONTACT["whatsapp"],
        nomination__owner_name=OWNER["name"],
        nomination__owner_phone=OWNER["phone"],
        nomination__owner_cnic=OWNER["cnic"],
        nomination__ntn=OWNER["ntn"],
        nomination__contact_name=CONTACT["name"],
        nomination__contact_email=CONTACT["email"],
        nomination__contact_phone=CONTACT["phone"],
        nomination__enterprise__ntn=OWNER["ntn"].replace("-", ""),
        nomination__trade_body__email=TRADE_BODY["email"],
        nomination__trade_body__phone=TRADE_BODY["phone"],
    )
    exhibitor.certifications.add(CertificationFactory(name="ISO 13485"))
    ExhibitorProductFactory(exhibitor=exhibitor, name="Scissors", description="Samples on request.")
    stall_for(exhibitor, code="H1-A-002")
    BoothStaffFactory(exhibitor=exhibitor, **BOOTH_STAFF)
    ExhibitorMembershipFactory(exhibitor=exhibitor, user__full_name=MEMBER_NAMES[0])
    MembershipFactory(trade_body=exhibitor.trade_body, user__full_name=MEMBER_NAMES[1])
    registrations = [register_visitor(expo, dates=[expo.start_date], **visitor) for visitor in VISITORS]
    for registration in registrations:
        check_in(registration.badge, day=expo.start_date)
    request = meeting_between(registrations[1], exhibitor)
    request.message = MESSAGE
    request.save()
    request.sender.delegation_members = DELEGATION
    request.sender.save()
    award_won(exhibitor, category_name="Best woman-led exporter")
    JurorFactory(expo=expo, **JUROR)
    SpeakerFactory(expo=expo, name=SPEAKER)
    return expo


def _planted() -> list[str]:
    strings = [
        *OWNER.values(),
        OWNER["ntn"].replace("-", ""),
        OWNER["cnic"].replace("-", ""),
        *CONTACT.values(),
        *PUBLIC_CONTACT.values(),
        *BOOTH_STAFF.values(),
        *MEMBER_NAMES,
        *TRADE_BODY.values(),
        *JUROR.values(),
        SPEAKER,
        "Rustam Aliyev",
        "Leyla Mammadova",
        MESSAGE,
    ]
    for visitor in VISITORS:
        strings += [visitor["full_name"], visitor["email"], visitor["phone"], visitor["organisation"]]
    # Every name also by its parts (a first or last name alone still names someone).
    names = [OWNER["name"], CONTACT["name"], BOOTH_STAFF["full_name"], *MEMBER_NAMES, JUROR["name"], SPEAKER]
    names += [visitor["full_name"] for visitor in VISITORS]
    strings += [part for name in names for part in name.split() if part not in ("Bibi", "Mr", "Ms")]
    return strings


@pytest.mark.parametrize("language", ["en", "ur"])
def test_no_open_file_holds_personal_data(client, rich_edition, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    files = open_files(client, rich_edition)

    found = []
    for link, rows in files.items():
        for row in rows:
            for cell in row:
                found += [(link, cell, text) for text in _planted() if text.lower() in cell.lower()]
                found += [(link, cell, kind) for kind, pattern in PATTERNS.items() if pattern.search(cell)]
    assert found == []
    # The scan read the files the planted records are in: the exhibitor, its product, stall and award.
    everything = "\n".join(",".join(row) for rows in files.values() for row in rows)
    for public in ("Crescent Steel Works", "Scissors", "H1-A-002", "Best woman-led exporter", "ISO 13485"):
        assert public in everything
    assert "Orders: [removed] or [removed]." in everything


def test_the_patterns_find_what_they_look_for():
    """The scan above would see a leak: each pattern finds the details planted in the records."""
    samples = {
        "email": CONTACT["email"],
        "CNIC": OWNER["cnic"],
        "NTN": OWNER["ntn"],
        "Pakistani phone": PUBLIC_CONTACT["whatsapp"],
        "international phone": VISITORS[1]["phone"],
    }

    assert {kind: bool(PATTERNS[kind].search(text)) for kind, text in samples.items()} == dict.fromkeys(samples, True)
