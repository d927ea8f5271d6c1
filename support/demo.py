"""The demo edition's support desk: SMEDA's teams with their answer times, the rules that route requests to them
(a Sindh office before the national teams, a catch-all last), a support desk officer, and a few requests from
demo exhibitors at different stages. Safe to run twice."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from exhibitors.models import Exhibitor
from expo import roles
from expo.demo import ADMIN_EMAIL
from expo.models import Expo, Province, User

from . import services
from .models import Kind, RoutingRule, SupportRequest, SupportTeam

OFFICER_EMAIL = "support.desk@smeda.example.pk"
TEAMS = [
    # name, name in Urdu, days to answer
    ("Export facilitation", "برآمدی سہولت کاری", 10),
    ("Quality and certification", "معیار اور سرٹیفیکیشن", 15),
    ("Access to finance", "مالیات تک رسائی", 7),
    ("Industry linkages", "صنعتی روابط", 10),
    ("Digital onboarding", "ڈیجیٹل آن بورڈنگ", 5),
    ("SMEDA Sindh regional office", "سمیڈا سندھ ریجنل آفس", 10),
    ("Business support desk", "کاروباری معاونت ڈیسک", 14),
]
RULES = [
    # priority, kind, province, team
    (10, Kind.CERTIFICATION, Province.SINDH, "SMEDA Sindh regional office"),
    (10, Kind.DOCUMENTATION, Province.SINDH, "SMEDA Sindh regional office"),
    (100, Kind.EXPORT_READINESS, "", "Export facilitation"),
    (100, Kind.DOCUMENTATION, "", "Export facilitation"),
    (100, Kind.CERTIFICATION, "", "Quality and certification"),
    (100, Kind.PRODUCT_DESIGN, "", "Quality and certification"),
    (100, Kind.FINANCE, "", "Access to finance"),
    (100, Kind.SUBCONTRACTING, "", "Industry linkages"),
    (100, Kind.DIGITAL_ONBOARDING, "", "Digital onboarding"),
    (1000, "", "", "Business support desk"),
]
REQUESTS = [
    # kind, description, status reached
    (
        Kind.CERTIFICATION,
        "We export footballs to Europe and buyers now ask for ISO 9001. What does it cost and who audits in Sialkot?",
        SupportRequest.Status.IN_PROGRESS,
    ),
    (
        Kind.FINANCE,
        "A buyer from Dubai ordered 4,000 pieces; we need working capital for raw material before the advance arrives.",
        SupportRequest.Status.NEW,
    ),
    (
        Kind.DIGITAL_ONBOARDING,
        "We want to sell on an international marketplace and need help with product photos and listings.",
        SupportRequest.Status.ANSWERED,
    ),
]


@transaction.atomic
def load(*, expo: Expo) -> dict[str, int]:
    teams = {}
    for name, name_ur, sla_days in TEAMS:
        teams[name], _ = SupportTeam.objects.update_or_create(
            name=name, defaults={"name_ur": name_ur, "sla_days": sla_days}
        )
    for priority, kind, province, team in RULES:
        RoutingRule.objects.update_or_create(
            priority=priority, kind=kind, province=province, defaults={"team": teams[team]}
        )
    officer, created = User.objects.get_or_create(email=OFFICER_EMAIL, defaults={"full_name": "Ayesha Malik"})
    if created:
        officer.set_unusable_password()
        officer.save()
    officer.groups.add(Group.objects.get(name=roles.SUPPORT_DESK))
    teams["Quality and certification"].members.add(officer)
    staff = User.objects.get(email=ADMIN_EMAIL)
    exhibitors = Exhibitor.objects.filter(expo=expo).select_related("enterprise").order_by("name")
    for exhibitor, (kind, description, status) in zip(exhibitors, REQUESTS, strict=False):
        if SupportRequest.objects.filter(expo=expo, exhibitor=exhibitor, kind=kind).exists():
            continue
        request = services.support_request_create(
            expo=expo,
            enterprise=exhibitor.enterprise,
            exhibitor=exhibitor,
            kind=kind,
            province=exhibitor.province,
            description=description,
            by=None,
        )
        if status != SupportRequest.Status.NEW:
            services.support_request_assign(
                request=request, owner=officer, team=None, by=staff, site_url=settings.EXPO_SITE_URL
            )
        if status == SupportRequest.Status.IN_PROGRESS:
            services.support_request_status_set(
                request=request,
                status=status,
                note="An adviser will call you this week.",
                by=officer,
                site_url=settings.EXPO_SITE_URL,
            )
        if status == SupportRequest.Status.ANSWERED:
            services.support_request_outcome_record(
                request=request, outcome="Listed 12 products; first order through the marketplace.", by=officer
            )
            services.support_request_status_set(
                request=request, status=status, note="Your shop is live.", by=officer, site_url=settings.EXPO_SITE_URL
            )
    return {
        "support_teams": SupportTeam.objects.count(),
        "routing_rules": RoutingRule.objects.count(),
        "support_requests": SupportRequest.objects.filter(expo=expo).count(),
    }
