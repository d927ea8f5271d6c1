"""The demo edition's awards: three categories with their rules, a shortlist and a final round each with a rubric,
candidates put forward by staff, by a trade body and by an exhibitor itself, a jury that scored them in both rounds,
and the winners and runners-up approved and published (their certificates made by the task, at once where tasks
run eagerly, as with ``make run``). Safe to run twice: what is done already is left as it is."""

from decimal import Decimal

from django.db import transaction

from exhibitors.models import Exhibitor
from expo.demo import ADMIN_EMAIL
from expo.models import Expo, User
from visitors.demo import SITE_URL

from . import jury, results, services
from .models import Assignment, Candidate, Category, Criterion, Juror, PanelMembership, Result, Round, ScoreSheet

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
    # exhibitor, category, route, statement, the jury's typical score of it (1–10)
    (
        "Zahra Sports (Pvt) Ltd",
        "Woman entrepreneur of the year",
        Candidate.Route.TRADE_BODY,
        "Founded by Zahra Butt, now employs 40 women stitchers and exports thermo-bonded footballs to Europe.",
        8,
    ),
    (
        "Zahra Sports (Pvt) Ltd",
        "Micro enterprise of the year",
        Candidate.Route.STAFF,
        "A micro enterprise that reached the World Cup supply chain.",
        6,
    ),
    (
        "Wazirabad Cutlery House",
        "Micro enterprise of the year",
        Candidate.Route.SELF,
        "A fourth-generation family workshop that began exporting chef's knives online last year.",
        7,
    ),
    (
        "Hilal Surgical Works",
        "Export excellence",
        Candidate.Route.TRADE_BODY,
        "CE-marked instruments, exports to twelve countries, the Gulf added this year.",
        8,
    ),
    (
        "Zahra Sports (Pvt) Ltd",
        "Export excellence",
        Candidate.Route.STAFF,
        "Footballs and gloves shipped to nine European leagues, three of them new this year.",
        6,
    ),
]
JURORS = [
    # name, email, organisation, how much more (or less) generous than the others
    ("Prof. Nadia Rehman", "nadia.rehman@lums.example.edu.pk", "Lahore University of Management Sciences", 0),
    ("Kamran Qureshi", "kamran.qureshi@smeda.example.gov.pk", "SMEDA", 1),
    ("Saima Aslam", "saima.aslam@tdap.example.gov.pk", "Trade Development Authority of Pakistan", -1),
    ("Irfan Sheikh", "irfan.sheikh@sbp.example.gov.pk", "State Bank of Pakistan", 0),
]
# How each criterion sits against a candidate's typical score (the jury found growth easiest to show).
CRITERION_LEAN = {"Growth": 1, "Innovation": 0, "Quality": 0, "Social impact": -1}


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
    for legal_name, category_name, route, statement, _score in CANDIDATES:
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
    jurors = _jury(expo)
    typical = {(legal_name, category_name): score for legal_name, category_name, *_rest, score in CANDIDATES}
    for category in categories.values():
        _judge(category, jurors=jurors, typical=typical, by=staff)
    if Result.objects.filter(category__expo=expo, approved_at__isnull=False, published_at__isnull=True).exists():
        results.results_publish(expo=expo, site_url=SITE_URL)
    return {
        "award_categories": Category.objects.filter(expo=expo).count(),
        "award_candidates": Candidate.objects.filter(category__expo=expo).count(),
        "award_score_sheets": ScoreSheet.objects.filter(assignment__round__category__expo=expo).count(),
        "award_results": Result.objects.filter(category__expo=expo, published_at__isnull=False).count(),
    }


def _jury(expo: Expo) -> dict[Juror, int]:
    """The demo's jurors (no accounts: nobody signs in as them), each with their leaning."""
    jurors = {}
    for name, email, organisation, leaning in JURORS:
        juror, _created = Juror.objects.get_or_create(
            expo=expo, email=email, defaults={"name": name, "organisation": organisation}
        )
        jurors[juror] = leaning
    return jurors


def _judge(category: Category, *, jurors: dict[Juror, int], typical: dict[tuple[str, str], int], by: User) -> None:
    """Score both rounds of ``category`` through the jury's services and close them, then approve the final's
    normalised leaderboard; a round already closed, or results already approved, are left as they are."""
    for round_ in category.rounds.order_by("order"):
        if round_.is_closed:
            continue
        for juror in jurors:
            PanelMembership.objects.get_or_create(juror=juror, round=round_)
        jury.assignments_auto(round=round_, by=by)
        criteria = list(round_.criteria.order_by("order", "pk"))
        assignments = (
            Assignment.objects.filter(round=round_)
            .exclude(sheet__status=ScoreSheet.Status.SUBMITTED)
            .select_related("juror", "candidate__exhibitor__nomination")
            .order_by("pk")
        )
        for assignment in assignments:
            base = typical[assignment.candidate.exhibitor.nomination.legal_name, category.name]
            leaning = jurors[assignment.juror]
            values = {
                criterion.pk: (min(8, max(3, base + leaning + CRITERION_LEAN.get(criterion.name, 0))), "")
                for criterion in criteria
            }
            jury.sheet_save(
                assignment=assignment,
                values=values,
                abstain=False,
                abstain_reason="",
                submit=True,
                by=by,
            )
        jury.round_close(round=round_, by=by)
    if not category.results.exists():
        results.results_approve(category=category, mode=Result.Mode.NORMALISED, by=by)


def _exhibitors(expo: Expo):
    return Exhibitor.objects.filter(expo=expo).select_related("nomination", "trade_body", "cluster", "expo")
