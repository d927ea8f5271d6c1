"""The demo edition's awards: three categories with their rules, a shortlist and a final round each with a rubric,
and candidates put forward by staff, by a trade body and by an exhibitor itself. Safe to run twice."""

from decimal import Decimal

from django.db import transaction

from exhibitors.models import Exhibitor
from expo.demo import ADMIN_EMAIL
from expo.models import Expo, User

from . import services
from .models import Candidate, Category, Criterion, Round

CATEGORIES = [
    # name, name in Urdu, description, rules
    (
        "Woman entrepreneur of the year",
        "سال کی بہترین خاتون کاروباری",
        "For a women-led SME that grew its business and brought other women into work.",
        {"women_led_only": True},
    ),
    (
        "Micro enterprise of the year",
        "سال کا بہترین مائیکرو ادارہ",
        "For a micro enterprise that did the most with the least.",
        {"micro_only": True},
    ),
    (
        "Export excellence",
        "برآمدات میں عمدگی",
        "For the SME whose exports grew the most in new markets.",
        {},
    ),
]
CRITERIA = [
    # name, weight, what 1–2 mean, what 9–10 mean
    ("Growth", Decimal("3"), "No growth, or a decline.", "Sales more than doubled in two years."),
    ("Innovation", Decimal("2"), "Copies what others make.", "A product or process new to Pakistan."),
    ("Quality", Decimal("2"), "No quality system.", "Certified and audited by foreign buyers."),
    ("Social impact", Decimal("1"), "None shown.", "Jobs for women and young people in the cluster."),
]
CANDIDATES = [
    # exhibitor, category, route, statement
    (
        "Zahra Sports (Pvt) Ltd",
        "Woman entrepreneur of the year",
        Candidate.Route.TRADE_BODY,
        "Founded by Zahra Butt, now employs 40 women stitchers and exports thermo-bonded footballs to Europe.",
    ),
    (
        "Zahra Sports (Pvt) Ltd",
        "Micro enterprise of the year",
        Candidate.Route.STAFF,
        "A micro enterprise that reached the World Cup supply chain.",
    ),
    (
        "Wazirabad Cutlery House",
        "Micro enterprise of the year",
        Candidate.Route.SELF,
        "A fourth-generation family workshop that began exporting chef's knives online last year.",
    ),
    (
        "Hilal Surgical Works",
        "Export excellence",
        Candidate.Route.TRADE_BODY,
        "CE-marked instruments, exports to twelve countries, the Gulf added this year.",
    ),
]


@transaction.atomic
def load(*, expo: Expo) -> dict[str, int]:
    categories = {}
    for order, (name, name_ur, description, rules) in enumerate(CATEGORIES):
        categories[name], _ = Category.objects.update_or_create(
            expo=expo,
            name=name,
            defaults={"name_ur": name_ur, "description": description, "order": order, "runners_up": 1, **rules},
        )
        for kind, k in ((Round.Kind.SHORTLIST, 2), (Round.Kind.FINAL, 3)):
            round_, _ = Round.objects.update_or_create(
                category=categories[name],
                kind=kind,
                defaults={"order": 1 if kind == Round.Kind.SHORTLIST else 2, "jurors_per_candidate": k},
            )
            for position, (criterion, weight, low, high) in enumerate(CRITERIA):
                Criterion.objects.update_or_create(
                    round=round_,
                    name=criterion,
                    defaults={"weight": weight, "order": position, "band_1_2": low, "band_9_10": high},
                )
    staff = User.objects.get(email=ADMIN_EMAIL)
    exhibitors = {exhibitor.nomination.legal_name: exhibitor for exhibitor in _exhibitors(expo)}
    for legal_name, category_name, route, statement in CANDIDATES:
        exhibitor, category = exhibitors.get(legal_name), categories[category_name]
        if exhibitor is None or Candidate.objects.filter(category=category, exhibitor=exhibitor).exists():
            continue
        services.candidate_put_forward(
            category=category,
            exhibitor=exhibitor,
            route=route,
            trade_body=exhibitor.trade_body if route == Candidate.Route.TRADE_BODY else None,
            statement=statement,
            evidence=[],
            by=staff,
        )
    return {
        "award_categories": Category.objects.filter(expo=expo).count(),
        "award_candidates": Candidate.objects.filter(category__expo=expo).count(),
    }


def _exhibitors(expo: Expo):
    return Exhibitor.objects.filter(expo=expo).select_related("nomination", "trade_body", "cluster", "expo")
