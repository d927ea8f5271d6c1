"""Fixtures of the support desk's tests: an edition, an exhibitor with a member (the owner), another exhibitor
with its own requests (data that must not leak), the support desk's officer, staff of another role, teams and
their routing rules."""

import factory
import pytest

from expo import roles
from expo.models import Province
from support.models import Kind, RoutingRule, SupportRequest, SupportTeam
from tests.conftest import staff_groups_ensure, staff_member
from tests.factories import ExhibitorFactory, ExhibitorMembershipFactory, ExpoFactory


class SupportTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportTeam
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    sla_days = 10


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    priority = 100
    team = factory.SubFactory(SupportTeamFactory)


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A request written straight to the table (tests of asking use the views or ``services``)."""

    class Meta:
        model = SupportRequest

    exhibitor = factory.SubFactory(ExhibitorFactory)
    expo = factory.SelfAttribute("exhibitor.expo")
    enterprise = factory.SelfAttribute("exhibitor.enterprise")
    kind = Kind.CERTIFICATION
    province = factory.SelfAttribute("exhibitor.province")
    description = "We need ISO 9001 before our German buyer's next order."


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead written straight to the table, as the stall scan or a meeting leaves it."""

    class Meta:
        model = "matchmaking.Lead"

    exhibitor = factory.SubFactory(ExhibitorFactory)
    expo = factory.SelfAttribute("exhibitor.expo")
    source = "staff"
    interest_product = "Forceps"


@pytest.fixture
def expo(db):
    return ExpoFactory(year=2026, name="SME Cluster Expo 2026")


@pytest.fixture
def exhibitor(expo):
    return ExhibitorFactory(
        nomination__expo=expo,
        nomination__legal_name="Sialkot Surgical Works",
        nomination__province=Province.PUNJAB,
    )


@pytest.fixture
def exhibitor_member(exhibitor):
    return ExhibitorMembershipFactory(exhibitor=exhibitor, user__email="owner@surgical.example.pk").user


@pytest.fixture
def colleague(exhibitor):
    """Another member of the same exhibitor: sees the same requests."""
    return ExhibitorMembershipFactory(exhibitor=exhibitor, user__email="colleague@surgical.example.pk").user


@pytest.fixture
def other_exhibitor(expo):
    return ExhibitorFactory(
        nomination__expo=expo, nomination__legal_name="Karachi Leather Co", nomination__province=Province.SINDH
    )


@pytest.fixture
def other_member(other_exhibitor):
    return ExhibitorMembershipFactory(exhibitor=other_exhibitor, user__email="owner@leather.example.pk").user


@pytest.fixture
def officer(db):
    """A member of the support desk with an authenticator."""
    staff_groups_ensure()
    return staff_member(roles.SUPPORT_DESK, email="officer@smeda.example.pk", full_name="Ayesha Malik")


@pytest.fixture
def gate_staff(db):
    """Staff of another role, with an authenticator: no business at the support desk."""
    staff_groups_ensure()
    return staff_member(roles.GATE_STAFF, email="gate@smeda.example.pk")


@pytest.fixture
def teams(db):
    """The routing rules of a small SMEDA: a Sindh office for certification before the national teams, a catch-all
    last."""
    certification = SupportTeamFactory(name="Quality and certification", sla_days=15)
    sindh = SupportTeamFactory(name="Sindh regional office", sla_days=7)
    finance = SupportTeamFactory(name="Access to finance", sla_days=5)
    catch_all = SupportTeamFactory(name="Business support desk", sla_days=20)
    RoutingRuleFactory(priority=10, kind=Kind.CERTIFICATION, province=Province.SINDH, team=sindh)
    RoutingRuleFactory(priority=100, kind=Kind.CERTIFICATION, team=certification)
    RoutingRuleFactory(priority=100, kind=Kind.FINANCE, team=finance)
    RoutingRuleFactory(priority=1000, team=catch_all)
    return {"certification": certification, "sindh": sindh, "finance": finance, "catch_all": catch_all}
