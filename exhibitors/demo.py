"""Demo nominations and exhibitors for Expo 2026, so every page has something to show. Safe to load twice."""

import datetime

from django.db import transaction
from django.utils import timezone

from expo.demo import ADMIN_EMAIL
from expo.models import Cluster, Expo, TradeBody, User

from . import services
from .models import (
    ClusterCapacity,
    Exhibitor,
    ExhibitorProduct,
    ExportExperience,
    Nomination,
    NominationProduct,
    Review,
    ReviewCriterion,
    StallSize,
    TurnoverBand,
    normalise_name,
)

# legal name, brand, sector slug, city, trade body short name, turnover band, women-led, export experience,
# description, products, status
SMES = [
    (
        "Hilal Surgical Works",
        "Hilal Surgical",
        "surgical-instruments",
        "Sialkot",
        "SIMAP",
        TurnoverBand.FROM_30_TO_75,
        False,
        ExportExperience.REGULAR,
        "Stainless steel surgical and dental instruments, CE marked, for hospitals in Europe and the Gulf.",
        ["Dissecting forceps", "Needle holders", "Dental extraction forceps"],
        Nomination.Status.APPROVED,
    ),
    (
        "Zahra Sports (Pvt) Ltd",
        "Zahra Sports",
        "sports-goods",
        "Sialkot",
        "PSGMEA",
        TurnoverBand.FROM_10_TO_30,
        True,
        ExportExperience.REGULAR,
        "Hand-stitched and thermo-bonded footballs, goalkeeper gloves and training kits.",
        ["Thermo-bonded match football", "Goalkeeper gloves"],
        Nomination.Status.APPROVED,
    ),
    (
        "Wazirabad Cutlery House",
        "",
        "cutlery",
        "Wazirabad",
        "GCCI",
        TurnoverBand.UNDER_10,
        False,
        ExportExperience.OCCASIONAL,
        "Forged kitchen knives and table cutlery made by a fourth-generation family workshop.",
        ["Chef's knife", "Table cutlery set"],
        Nomination.Status.APPROVED,
    ),
    (
        "Chiniot Heritage Furniture",
        "Heritage Woodcraft",
        "furniture",
        "Chiniot",
        "FCCI",
        TurnoverBand.FROM_30_TO_75,
        False,
        ExportExperience.INDIRECT,
        "Carved sheesham and rosewood furniture in the Chinioti tradition.",
        ["Carved dining chair", "Inlaid jewellery box"],
        Nomination.Status.APPROVED,
    ),
    (
        "Hala Ajrak Collective",
        "Hala Crafts",
        "textiles-and-handicrafts",
        "Hala",
        "HCCI",
        TurnoverBand.UNDER_10,
        True,
        ExportExperience.NONE,
        "Block-printed ajrak, glazed Hala pottery and lacquered woodwork by women artisans.",
        ["Hand block-printed ajrak", "Glazed pottery vase"],
        Nomination.Status.APPROVED,
    ),
    (
        "Karak Pure Honey",
        "Karak Honey",
        "honey",
        "Karak",
        "SCCI-KP",
        TurnoverBand.UNDER_10,
        False,
        ExportExperience.OCCASIONAL,
        "Sidr (beri) and acacia honey from the hills of Karak, lab tested.",
        ["Sidr honey 500 g", "Acacia honey 1 kg"],
        Nomination.Status.APPROVED,
    ),
    (
        "Gujranwala Precision Engineering",
        "GPE",
        "light-engineering",
        "Gujranwala",
        "GCCI",
        TurnoverBand.FROM_75_TO_150,
        False,
        ExportExperience.OCCASIONAL,
        "CNC-machined pump parts, sanitary fittings and agricultural implements.",
        ["Centrifugal pump impeller", "Brass ball valve"],
        Nomination.Status.APPROVED,
    ),
    (
        "Kasur Tanners",
        "",
        "leather-and-leather-products",
        "Kasur",
        "LCCI",
        TurnoverBand.FROM_30_TO_75,
        False,
        ExportExperience.REGULAR,
        "Chrome-free finished leather and leather goods for fashion brands.",
        ["Vegetable-tanned leather", "Leather messenger bag"],
        Nomination.Status.APPROVED,
    ),
    (
        "Buner Marble Industries",
        "Buner Marble",
        "marble-and-granite",
        "Buner",
        "SCCI-KP",
        TurnoverBand.FROM_10_TO_30,
        False,
        ExportExperience.INDIRECT,
        "Ziarat white and Buner marble tiles and slabs.",
        ["Ziarat white tiles", "Polished marble slab"],
        Nomination.Status.APPROVED,
    ),
    (
        "Nimra Organic Cosmetics",
        "Nimra Naturals",
        "cosmetics",
        "Lahore",
        "WCCI Lahore",
        TurnoverBand.UNDER_10,
        True,
        ExportExperience.NONE,
        "Herbal soaps, hair oils and skin care made from Pakistani botanicals.",
        ["Neem and turmeric soap", "Amla hair oil"],
        Nomination.Status.APPROVED,
    ),
    (
        "Multan Mango Processors",
        "Sweet Chaunsa",
        "agro-food-processing",
        "Multan",
        "MCCI",
        TurnoverBand.FROM_10_TO_30,
        False,
        ExportExperience.REGULAR,
        "Mango pulp, dried mango and chutneys from Chaunsa and Sindhri mangoes.",
        ["Chaunsa mango pulp", "Dried mango slices"],
        Nomination.Status.APPROVED,
    ),
    (
        "Codeloom Technologies",
        "Codeloom",
        "ict-and-services",
        "Lahore",
        "P@SHA",
        TurnoverBand.FROM_30_TO_75,
        True,
        ExportExperience.REGULAR,
        "ERP and point-of-sale software for SMEs and exporters.",
        ["SME ERP suite", "Retail point of sale"],
        Nomination.Status.APPROVED,
    ),
    (
        "Gujrat Electric Fans",
        "AirFlow",
        "household-appliances",
        "Gujrat",
        "LCCI",
        TurnoverBand.FROM_75_TO_150,
        False,
        ExportExperience.OCCASIONAL,
        "Energy-efficient DC ceiling and pedestal fans.",
        ["DC inverter ceiling fan"],
        Nomination.Status.UNDER_REVIEW,
    ),
    (
        "Quetta Dry Fruit Traders",
        "",
        "agro-food-processing",
        "Quetta",
        "QCCI",
        TurnoverBand.FROM_10_TO_30,
        False,
        ExportExperience.INDIRECT,
        "Sorted and packed almonds, pine nuts and dried apricots from Balochistan.",
        ["Pine nuts (chilgoza)", "Dried apricots"],
        Nomination.Status.UNDER_REVIEW,
    ),
    (
        "Faisalabad Home Textiles",
        "Loom & Co",
        "textiles-and-handicrafts",
        "Faisalabad",
        "FCCI",
        TurnoverBand.FROM_150_TO_400,
        False,
        ExportExperience.REGULAR,
        "Bed linen and towels in organic cotton.",
        ["Percale bed sheet set"],
        Nomination.Status.UNDER_REVIEW,
    ),
    (
        "Sargodha Kinnow Juices",
        "",
        "agro-food-processing",
        "Sargodha",
        "LCCI",
        TurnoverBand.UNDER_10,
        True,
        ExportExperience.NONE,
        "Fresh kinnow juice and concentrate from a women-led cooperative.",
        ["Kinnow juice concentrate"],
        Nomination.Status.UNDER_REVIEW,
    ),
]


def _review(nomination: Nomination, reviewer: User, number: int) -> None:
    """A deterministic demo score, so that the ranked view has something to rank."""
    criteria = list(ReviewCriterion.objects.filter(expo=nomination.expo))
    scores = {criterion.key: 3 + (number + position) % 3 for position, criterion in enumerate(criteria)}
    Review.objects.update_or_create(
        nomination=nomination,
        reviewer=reviewer,
        defaults={"scores": scores, "weighted_score": services.weighted_score(scores=scores, criteria=criteria)},
    )


@transaction.atomic
def load(*, expo: Expo) -> dict[str, int]:
    """Rules, rubric and cluster capacities for ``expo``, and the demo SMEs nominated, some approved and listed."""
    services.nomination_rules_ensure(expo=expo)
    for cluster in Cluster.objects.all():
        ClusterCapacity.objects.get_or_create(expo=expo, cluster=cluster, defaults={"exhibitors": 6})
    trade_bodies = {trade_body.short_name: trade_body for trade_body in TradeBody.objects.all()}
    reviewer = User.objects.get(email=ADMIN_EMAIL)
    submitted_at = timezone.make_aware(datetime.datetime(2025, 12, 10, 10, 0))
    for number, row in enumerate(SMES):
        legal, brand, sector, city, body, band, women, exports, description, products, status = row
        cluster = Cluster.objects.get(sector__slug=sector, city=city)
        rules = expo.nomination_rules
        nomination, _ = Nomination.objects.update_or_create(
            expo=expo,
            legal_name=legal,
            defaults={
                "trade_body": trade_bodies[body],
                "brand_name": brand,
                "turnover_band": band,
                "size_class": rules.size_class_for(band),
                "city": city,
                "province": cluster.province,
                "cluster": cluster,
                "description": description,
                "women_led": women,
                "owner_name": f"Owner of {legal}",
                "contact_name": f"Contact at {legal}",
                "contact_email": f"contact{number + 1}@demo-sme.pk",
                "contact_phone": "+92 300 0000000",
                "export_experience": exports,
                "justification": description,
                "requested_stall_size": StallSize.SHELL_9,
                "wants_women_pavilion": women,
                "status": status,
                "steps_done": Nomination.Step.REVIEW,
                "submitted_at": submitted_at + datetime.timedelta(hours=number),
            },
        )
        for name in products:
            NominationProduct.objects.get_or_create(nomination=nomination, name=name)
        _review(nomination, reviewer, number)
        enterprise = services.enterprise_for_nomination(nomination)
        Nomination.objects.filter(pk=nomination.pk).update(enterprise=enterprise)
        if status == Nomination.Status.APPROVED:
            exhibitor, _ = Exhibitor.objects.update_or_create(
                nomination=nomination,
                defaults={
                    "expo": expo,
                    "enterprise": enterprise,
                    "trade_body": nomination.trade_body,
                    "name": brand or legal,
                    "slug": normalise_name(brand or legal).replace(" ", "-"),
                    "cluster": cluster,
                    "city": city,
                    "province": cluster.province,
                    "women_led": women,
                    "size_class": nomination.size_class,
                    "stall_size": StallSize.SHELL_9,
                    "wants_women_pavilion": women,
                    "description": description,
                    "export_experience": exports,
                    "public_email": nomination.contact_email,
                },
            )
            for name in products:
                ExhibitorProduct.objects.get_or_create(exhibitor=exhibitor, name=name)
    services.directory_changed()
    return {
        "nominations": Nomination.objects.filter(expo=expo).count(),
        "exhibitors": Exhibitor.objects.filter(expo=expo).count(),
    }
