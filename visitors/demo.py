"""Demo rows for the visitors app: day capacities, gates and a few registrations. Safe to run twice."""

from expo.models import Cluster, Expo

from . import services
from .models import Category, DayCapacity, Registration

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
    return {
        "badges": expo.badges.count(),
        "visitor_registrations": Registration.objects.filter(expo=expo).count(),
        "gates": expo.gates.count(),
    }
