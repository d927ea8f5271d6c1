"""Demo rows for the visitors app: day capacities, gates, a few registrations and who came through the gates on
the expo days. Safe to run twice."""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from expo.models import Cluster, Expo

from . import services
from .badges import badge_payload
from .models import Badge, Category, CheckIn, DayCapacity, Gate, Registration, Scan

# Where the demo is served (the address ``load_demo`` prints): the links in the demo's emails must open there, as
# a real registration's open on the site it was made on.
SITE_URL = "http://127.0.0.1:8000/"

PEOPLE = [
    (
        "Ayesha Khan",
        "ayesha.khan@example.pk",
        Category.BUYER,
        "Metro Cash & Carry",
        "Procurement manager",
        "PK",
        "Lahore",
    ),
    ("Hamza Siddiqui", "hamza@example.pk", Category.TRADE_VISITOR, "Siddiqui Traders", "", "PK", "Karachi"),
    ("Li Wei", "li.wei@example.cn", Category.FOREIGN_DELEGATE, "CCPIT Xinjiang", "Deputy director", "CN", "Urumqi"),
    ("Sana Malik", "sana.malik@example.pk", Category.STUDENT, "LUMS", "", "PK", "Lahore"),
    ("Usman Tariq", "usman@example.pk", Category.PUBLIC, "", "", "PK", "Gujranwala"),
    ("Fatima Noor", "fatima.noor@example.pk", Category.MEDIA, "Dawn", "", "PK", "Lahore"),
]


def load(*, expo: Expo) -> dict:
    for day in expo.days:
        DayCapacity.objects.get_or_create(expo=expo, date=day, category="", defaults={"capacity": 5000})
        DayCapacity.objects.get_or_create(expo=expo, date=day, category=Category.PUBLIC, defaults={"capacity": 2000})
    for name in ("Main entrance", "Halls entrance", "VIP entrance"):
        services.gate_ensure(expo=expo, name=name)
    clusters = list(Cluster.objects.all()[:3])
    for full_name, email, category, organisation, designation, country, city in PEOPLE:
        if Registration.objects.filter(expo=expo, email=email).exists():
            continue
        services.registration_create(
            expo=expo,
            category=category,
            full_name=full_name,
            email=email,
            phone="+92 300 1234567",
            organisation=organisation,
            designation=designation,
            country=country,
            city=city,
            dates=expo.days[:2],
            interests=clusters,
            source=Registration.Source.DESK,
            site_url=SITE_URL,
        )
    services.badges_for_booth_staff(expo=expo)
    gate_checkins(expo=expo)
    return {
        "badges": expo.badges.count(),
        "visitor_registrations": Registration.objects.filter(expo=expo).count(),
        "gates": expo.gates.count(),
        "gate_checkins": CheckIn.objects.filter(badge__expo=expo).count(),
    }


def _came(position: int, day: int, booth_staff: bool) -> datetime.time | None:
    """When the badge keyed ``position`` (the same whenever the demo loads) came through a gate on the expo's
    ``day`` (0 the first), or None: booth staff come every morning before the halls open, one in five missing the
    last day; about three visitors in four come on their first day and one in two on their second."""
    if booth_staff:
        if day == 2 and position % 5 == 4:
            return None
        return datetime.time(8, 30 + position % 6 * 5)
    if (day == 0 and position % 4 == 3) or (day > 0 and position % 2 == 1):
        return None
    return datetime.time(10 + position % 6, (position * 17) % 60)


def gate_checkins(*, expo: Expo) -> int:
    """Let the demo's badges in through the gates on the expo days: visitors only on their registered days, at the
    times ``_came`` gives. Returns how many scans were new."""
    zone = ZoneInfo(expo.time_zone)
    gates = list(expo.gates.order_by("name"))
    # Keyed by the holder's place in name order, not the row's id: ids depend on what the database held before.
    badges = (
        Badge.objects.filter(expo=expo, revoked=False)
        .prefetch_related("registration__days")
        .order_by("full_name", "pk")
    )
    written = 0
    for position, badge in enumerate(badges):
        registered = {d.date for d in badge.registration.days.all()} if badge.registration_id else set(expo.days)
        for index, day in enumerate(expo.days):
            came = _came(position, index, booth_staff=badge.registration_id is None)
            if came is not None and day in registered:
                when = datetime.datetime.combine(day, came, tzinfo=zone)
                written += gate_checkin(badge=badge, gate=gates[position % len(gates)], at=when)
    return written


def gate_checkin(*, badge: Badge, gate: Gate, at: datetime.datetime) -> bool:
    """Scan ``badge`` at ``gate`` at the past moment ``at``: judged by the gates' rule (``services.badge_judge``) but
    written as an offline gate's upload is, with the gate's own clock, since the live service takes the moment of
    the upload for a scan made months ago. One scan per badge and day (its id comes from both): False when the
    badge was scanned that day already."""
    day = timezone.localtime(at, ZoneInfo(badge.expo.time_zone)).date()
    scan_id = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-gate-scan:{badge.expo_id}:{badge.number}:{day}")
    if Scan.objects.filter(scan_id=scan_id).exists():
        return False
    outcome, _badge = services.badge_judge(expo_id=badge.expo_id, payload=badge_payload(badge), day=day)
    with transaction.atomic():
        scan = Scan.objects.create(
            scan_id=scan_id,
            gate=gate,
            badge=badge,
            outcome=outcome,
            scanned_at=at,
            received_at=at + datetime.timedelta(minutes=2),
            offline=True,
        )
        if outcome == Scan.Outcome.WELCOME:
            CheckIn.objects.create(badge=badge, day=day, gate=gate, scanned_at=at, scan=scan)
    return True
