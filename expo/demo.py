"""Demo data for Expo 2026: the edition, its sectors and clusters with their home cities, and trade bodies.

Every row is keyed on a natural key and written with ``update_or_create``, so loading twice
leaves the same rows.
"""

import datetime
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.text import slugify

from .models import Cluster, Expo, Province, Sector, TradeBody, User

KARACHI = ZoneInfo("Asia/Karachi")

EXPO_2026 = {
    "year": 2026,
    "name": "Made in Pakistan — SME Cluster Showcase Expo 2026",
    "venue": "Lahore Expo Centre",
    "city": "Lahore",
    "start_date": datetime.date(2026, 1, 24),
    "end_date": datetime.date(2026, 1, 26),
    "time_zone": "Asia/Karachi",
    "registration_opens_at": datetime.datetime(2025, 12, 1, 9, 0, tzinfo=KARACHI),
    "registration_closes_at": datetime.datetime(2026, 1, 26, 17, 0, tzinfo=KARACHI),
}

P = Province
# sector (English, Urdu) → clusters (city or district, province)
SECTORS: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("Agro-food processing", "زرعی و غذائی پروسیسنگ"): [
        ("Multan", P.PUNJAB),
        ("Sargodha", P.PUNJAB),
        ("Khairpur", P.SINDH),
        ("Quetta", P.BALOCHISTAN),
    ],
    ("Textiles and handicrafts", "ٹیکسٹائل اور دستکاری"): [
        ("Faisalabad", P.PUNJAB),
        ("Hala", P.SINDH),
        ("Multan", P.PUNJAB),
        ("Swat", P.KHYBER_PAKHTUNKHWA),
    ],
    ("Garments", "ملبوسات"): [("Lahore", P.PUNJAB), ("Karachi", P.SINDH)],
    ("Surgical instruments", "جراحی کے آلات"): [("Sialkot", P.PUNJAB)],
    ("Sports goods", "کھیلوں کا سامان"): [("Sialkot", P.PUNJAB)],
    ("Cutlery", "چھری کانٹے"): [("Wazirabad", P.PUNJAB)],
    ("Light engineering", "ہلکی انجینئرنگ"): [("Gujranwala", P.PUNJAB), ("Daska", P.PUNJAB)],
    ("Leather and leather products", "چمڑا اور چمڑے کی مصنوعات"): [("Kasur", P.PUNJAB), ("Karachi", P.SINDH)],
    ("Furniture", "فرنیچر"): [("Chiniot", P.PUNJAB), ("Peshawar", P.KHYBER_PAKHTUNKHWA)],
    ("Marble and granite", "ماربل اور گرینائٹ"): [("Buner", P.KHYBER_PAKHTUNKHWA), ("Mohmand", P.KHYBER_PAKHTUNKHWA)],
    ("ICT and services", "آئی سی ٹی اور خدمات"): [
        ("Lahore", P.PUNJAB),
        ("Islamabad", P.ISLAMABAD),
        ("Karachi", P.SINDH),
    ],
    ("Gems and jewellery", "قیمتی پتھر اور زیورات"): [
        ("Peshawar", P.KHYBER_PAKHTUNKHWA),
        ("Gilgit", P.GILGIT_BALTISTAN),
    ],
    ("Auto parts", "آٹو پارٹس"): [("Lahore", P.PUNJAB), ("Karachi", P.SINDH)],
    ("Household appliances", "گھریلو برقی آلات"): [("Gujrat", P.PUNJAB)],
    ("Plastics", "پلاسٹک"): [("Karachi", P.SINDH)],
    ("Cosmetics", "کاسمیٹکس"): [("Lahore", P.PUNJAB)],
    ("Packaging", "پیکجنگ"): [("Lahore", P.PUNJAB), ("Karachi", P.SINDH)],
    ("Honey", "شہد"): [("Karak", P.KHYBER_PAKHTUNKHWA)],
    ("Carpets and rugs", "قالین"): [("Lahore", P.PUNJAB)],
    ("Glass bangles", "چوڑیاں"): [("Hyderabad", P.SINDH)],
}

K = TradeBody.Kind
TRADE_BODIES = [
    ("Lahore Chamber of Commerce and Industry", "LCCI", K.CHAMBER, "Lahore", P.PUNJAB),
    ("Karachi Chamber of Commerce and Industry", "KCCI", K.CHAMBER, "Karachi", P.SINDH),
    ("Sialkot Chamber of Commerce and Industry", "SCCI", K.CHAMBER, "Sialkot", P.PUNJAB),
    ("Faisalabad Chamber of Commerce and Industry", "FCCI", K.CHAMBER, "Faisalabad", P.PUNJAB),
    ("Gujranwala Chamber of Commerce and Industry", "GCCI", K.CHAMBER, "Gujranwala", P.PUNJAB),
    ("Multan Chamber of Commerce and Industry", "MCCI", K.CHAMBER, "Multan", P.PUNJAB),
    ("Sarhad Chamber of Commerce and Industry", "SCCI-KP", K.CHAMBER, "Peshawar", P.KHYBER_PAKHTUNKHWA),
    ("Quetta Chamber of Commerce and Industry", "QCCI", K.CHAMBER, "Quetta", P.BALOCHISTAN),
    ("Islamabad Chamber of Commerce and Industry", "ICCI", K.CHAMBER, "Islamabad", P.ISLAMABAD),
    ("Hyderabad Chamber of Commerce and Industry", "HCCI", K.CHAMBER, "Hyderabad", P.SINDH),
    ("Women Chamber of Commerce and Industry Lahore", "WCCI Lahore", K.WOMEN_CHAMBER, "Lahore", P.PUNJAB),
    ("Surgical Instruments Manufacturers Association of Pakistan", "SIMAP", K.ASSOCIATION, "Sialkot", P.PUNJAB),
    (
        "Pakistan Sports Goods Manufacturers and Exporters Association",
        "PSGMEA",
        K.ASSOCIATION,
        "Sialkot",
        P.PUNJAB,
    ),
    ("Pakistan Software Houses Association", "P@SHA", K.ASSOCIATION, "Karachi", P.SINDH),
]

ADMIN_EMAIL = "admin@expo.local"


@transaction.atomic
def load_demo(*, admin_password: str) -> dict[str, int]:
    """Load or refresh the demo rows; return how many of each kind there are."""
    expo_fields = dict(EXPO_2026)
    year = expo_fields.pop("year")
    Expo.objects.exclude(year=year).update(is_current=False)
    Expo.objects.update_or_create(year=year, defaults={**expo_fields, "is_current": True})

    for (sector_name, sector_name_ur), places in SECTORS.items():
        sector, _ = Sector.objects.update_or_create(
            slug=slugify(sector_name), defaults={"name": sector_name, "name_ur": sector_name_ur}
        )
        for city, province in places:
            Cluster.objects.update_or_create(
                sector=sector, city=city, defaults={"name": f"{sector_name}, {city}", "province": province}
            )

    for name, short_name, kind, city, province in TRADE_BODIES:
        TradeBody.objects.update_or_create(
            name=name, defaults={"short_name": short_name, "kind": kind, "city": city, "province": province}
        )

    admin = User.objects.filter(email=ADMIN_EMAIL).first() or User(email=ADMIN_EMAIL)
    admin.full_name = "Expo Administrator"
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.set_password(admin_password)
    admin.save()
    _verify_email(admin)

    return {
        "expos": Expo.objects.count(),
        "sectors": Sector.objects.count(),
        "clusters": Cluster.objects.count(),
        "trade_bodies": TradeBody.objects.count(),
    }


def _verify_email(user: User) -> None:
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
