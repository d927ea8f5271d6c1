"""Demo rows for the programme of Expo 2026: rooms, the opening ceremony, the inception workshop, panels and the
awards ceremony, with their speakers. Safe to run twice. Called by ``load_demo`` after the halls are made."""

import datetime
from zoneinfo import ZoneInfo

from expo.models import Expo, Sector
from pavilions.models import Hall

from . import services
from .models import Language, Room, Session, Speaker

ROOMS = [
    # hall code, name, name in Urdu, seats, order
    ("H1", "Main stage", "مرکزی اسٹیج", 400, 0),
    ("H2", "Seminar room", "سیمینار روم", 80, 1),
    ("H3", "Workshop room", "ورکشاپ روم", 40, 2),
]

SPEAKERS = [
    # key, name, title, organisation
    ("ceo", "Saima Rehman", "Chief executive", "SMEDA"),
    ("fibre", "Dr Imran Haider", "Textile engineer", "Banana fibre research group"),
    ("bank", "Nadia Aslam", "Head of SME banking", "A commercial bank"),
    ("buyer", "Omar Farooq", "Sourcing lead", "A national retail chain"),
]

SESSIONS = [
    # day (0 = first), start, minutes, room, kind, title, title in Urdu, speakers, RSVP, no meetings, sectors
    (
        0,
        datetime.time(10, 0),
        90,
        "Main stage",
        Session.Kind.CEREMONY,
        "Opening ceremony",
        "افتتاحی تقریب",
        ["ceo"],
        False,
        True,
        [],
    ),
    (
        0,
        datetime.time(12, 0),
        60,
        "Seminar room",
        Session.Kind.PANEL,
        "Access to finance for SME clusters",
        "ایس ایم ای کلسٹرز کے لیے مالی وسائل تک رسائی",
        ["bank", "ceo"],
        False,
        False,
        [],
    ),
    (
        0,
        datetime.time(14, 0),
        120,
        "Workshop room",
        Session.Kind.WORKSHOP,
        "Bananas in Pakistan's Bio-economy: Transforming Waste into Textile",
        "",
        ["fibre"],
        True,
        False,
        ["Textiles and handicrafts", "Agro-food processing"],
    ),
    (
        1,
        datetime.time(11, 0),
        90,
        "Seminar room",
        Session.Kind.PANEL,
        "From visibility to structured sourcing: export partnerships",
        "",
        ["buyer", "ceo"],
        False,
        False,
        [],
    ),
    (
        2,
        datetime.time(16, 0),
        120,
        "Main stage",
        Session.Kind.AWARDS,
        "SME awards ceremony",
        "ایس ایم ای ایوارڈز کی تقریب",
        ["ceo"],
        False,
        True,
        [],
    ),
]

ABSTRACTS = {
    "Bananas in Pakistan's Bio-economy: Transforming Waste into Textile": (
        "The inception workshop of the banana fibre programme. Banana stems are left to rot after the harvest. "
        "This workshop shows how the fibre in them becomes yarn "
        "and fabric, and what local entrepreneurs need to turn the waste into a source of revenue."
    ),
}


def load(*, expo: Expo) -> dict:
    halls = {hall.code: hall for hall in Hall.objects.filter(expo=expo)}
    rooms = {}
    for code, name, name_ur, capacity, order in ROOMS:
        if code in halls:
            rooms[name], _ = Room.objects.update_or_create(
                hall=halls[code], name=name, defaults={"name_ur": name_ur, "capacity": capacity, "order": order}
            )
    speakers = {}
    for key, name, title, organisation in SPEAKERS:
        speakers[key], _ = Speaker.objects.update_or_create(
            expo=expo, name=name, defaults={"title": title, "organisation": organisation}
        )
    zone = ZoneInfo(expo.time_zone)
    for day, start, minutes, room, kind, title, title_ur, keys, rsvp, no_meetings, sector_names in SESSIONS:
        if room not in rooms:
            continue
        starts_at = datetime.datetime.combine(expo.start_date + datetime.timedelta(days=day), start, tzinfo=zone)
        session = Session.objects.filter(expo=expo, title=title).first() or Session(expo=expo, title=title)
        session.kind, session.title_ur, session.room = kind, title_ur, rooms[room]
        session.abstract = ABSTRACTS.get(title, "")
        session.starts_at, session.ends_at = starts_at, starts_at + datetime.timedelta(minutes=minutes)
        session.language = Language.BOTH if kind in (Session.Kind.CEREMONY, Session.Kind.AWARDS) else Language.ENGLISH
        session.rsvp_required, session.no_meetings_during = rsvp, no_meetings
        services.session_save(
            session=session,
            speaker_ids=[speakers[key].pk for key in keys],
            sectors=Sector.objects.filter(name__in=sector_names),
        )
    return {
        "rooms": Room.objects.filter(hall__expo=expo).count(),
        "sessions": Session.objects.filter(expo=expo).count(),
        "speakers": Speaker.objects.filter(expo=expo).count(),
    }
