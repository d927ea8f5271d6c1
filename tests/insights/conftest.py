"""A hand-built edition whose every figure is known, and the people who may or may not see them.

Edition 2031 (current) and 2030 (the one before). Clusters: Surgical instruments, Sialkot (sector Metal, Punjab),
Textiles, Karachi (sector Textiles, Sindh) and Cutlery, Wazirabad (sector Metal, Punjab; no exhibitor, only
interest). In 2031 two trade bodies nominated six SMEs (one more left as a draft); three exhibit.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from expo import roles
from expo.models import Province
from tests.conftest import staff_groups_ensure, with_totp
from tests.factories import (
    AwardCandidateFactory,
    AwardCategoryFactory,
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    GateFactory,
    MeetingRequestFactory,
    NominationFactory,
    SectorFactory,
    SlotFactory,
    StaffFactory,
    TradeBodyFactory,
    UserFactory,
    VisitorParticipantFactory,
    register_visitor,
)


@pytest.fixture
def manager(db):
    """A member of the Management role with an authenticator (not an admin user): the owner in permission tests."""
    staff_groups_ensure()
    user = with_totp(UserFactory())
    user.groups.add(Group.objects.get(name=roles.MANAGEMENT))
    return user


@pytest.fixture
def other_staff(db):
    """Staff of another role (the registration desk) with an authenticator: must see nothing here."""
    staff_groups_ensure()
    user = with_totp(UserFactory())
    user.groups.add(Group.objects.get(name=roles.REGISTRATION_DESK))
    return user


def _check_in(badge, gate, day: datetime.date, hour: int):
    from visitors.models import CheckIn, Scan

    at = datetime.datetime.combine(day, datetime.time(hour, 15), tzinfo=datetime.timezone(datetime.timedelta(hours=5)))
    scan = Scan.objects.create(scan_id=uuid.uuid4(), gate=gate, badge=badge, outcome="welcome", scanned_at=at)
    return CheckIn.objects.create(badge=badge, day=day, gate=gate, scanned_at=at, scan=scan)


@pytest.fixture
def edition(db):
    """The hand-built 2031 edition (see the module's docstring) and what a test needs to name its parts."""
    from matchmaking.models import Lead, Meeting
    from visitors.models import Registration

    before = ExpoFactory(year=2030, name="SME Cluster Expo 2030", is_current=False)
    expo = ExpoFactory(year=2031, name="SME Cluster Expo 2031")
    metal, textiles = SectorFactory(name="Metal"), SectorFactory(name="Textiles")
    surgical = ClusterFactory(name="Surgical instruments, Sialkot", sector=metal, province=Province.PUNJAB)
    cloth = ClusterFactory(name="Textiles, Karachi", sector=textiles, province=Province.SINDH)
    cutlery = ClusterFactory(name="Cutlery, Wazirabad", sector=metal, province=Province.PUNJAB)
    scci = TradeBodyFactory(name="Sialkot Chamber")
    kcci = TradeBodyFactory(name="Karachi Chamber")

    # Exhibitors: two in Surgical (one women-led micro, one small), one in Textiles (women-led, medium, Sindh).
    e1 = ExhibitorFactory(
        nomination__expo=expo,
        nomination__trade_body=scci,
        nomination__cluster=surgical,
        nomination__women_led=True,
        nomination__size_class="micro",
    )
    e2 = ExhibitorFactory(nomination__expo=expo, nomination__trade_body=scci, nomination__cluster=surgical)
    e3 = ExhibitorFactory(
        nomination__expo=expo,
        nomination__trade_body=kcci,
        nomination__cluster=cloth,
        nomination__women_led=True,
        nomination__size_class="medium",
        nomination__province=Province.SINDH,
        nomination__city="Karachi",
    )
    NominationFactory(expo=expo, trade_body=scci, cluster=surgical, status="rejected")
    NominationFactory(expo=expo, trade_body=scci, cluster=surgical, status="draft")
    NominationFactory(expo=expo, trade_body=kcci, cluster=cloth, status="waitlisted", province=Province.SINDH)
    # Approved but not yet made an exhibitor.
    NominationFactory(expo=expo, trade_body=kcci, cluster=cloth, status="approved", province=Province.SINDH)
    # The edition before: one exhibitor, women-led.
    ExhibitorFactory(
        nomination__expo=before, nomination__trade_body=scci, nomination__cluster=surgical, nomination__women_led=True
    )

    # Visitors: 2031's first day and second day.
    day1, day2 = expo.start_date, expo.start_date + datetime.timedelta(days=1)
    gate = GateFactory(expo=expo)
    v1 = register_visitor(expo, category="trade_visitor", country="PK", dates=[day1], interests=[surgical, cutlery])
    v2 = register_visitor(
        expo, category="buyer", country="KE", designation="Buyer", dates=[day1, day2], interests=[cutlery]
    )
    register_visitor(expo, category="student", country="PK", dates=[day2], interests=[cutlery])
    v4 = register_visitor(expo, category="public", country="PK", dates=[day1], interests=[surgical])
    Registration.objects.filter(pk=v4.pk).update(status=Registration.Status.CANCELLED)
    _check_in(v1.badge, gate, day1, 10)
    _check_in(v2.badge, gate, day1, 11)
    _check_in(v2.badge, gate, day2, 10)
    register_visitor(before, dates=[before.start_date])

    # Meetings: three requests to Surgical (two accepted; one held, one scheduled), one declined to Textiles.
    Registration.objects.filter(pk=v2.pk).update(category_status=Registration.CategoryStatus.CONFIRMED)
    buyer = VisitorParticipantFactory(expo=expo, registration=v2)
    buyer.clusters.set([cutlery, cloth])
    p1 = ExhibitorParticipantFactory(exhibitor=e1)
    p2 = ExhibitorParticipantFactory(exhibitor=e2)
    p3 = ExhibitorParticipantFactory(exhibitor=e3)
    r1 = MeetingRequestFactory(sender=buyer, receiver=p1, status="accepted")
    MeetingRequestFactory(sender=buyer, receiver=p2, status="pending")
    r3 = MeetingRequestFactory(sender=p2, receiver=buyer, status="accepted")
    MeetingRequestFactory(sender=buyer, receiver=p3, status="declined")
    slot = SlotFactory(expo=expo)
    Meeting.objects.create(expo=expo, request=r1, slot=slot, at_stall=True, state="held")
    Meeting.objects.create(expo=expo, request=r3, slot=SlotFactory(expo=expo), at_stall=True)
    Meeting.objects.create(expo=expo, request=r3, slot=slot, at_stall=True, state="cancelled")

    # Leads: Surgical 1,000,000 PKR won and 5,000 USD in talks; Textiles 200,000 PKR new and one with no value.
    Lead.objects.create(expo=expo, exhibitor=e1, source="staff", status="won_order", value_amount=Decimal("1000000"))
    Lead.objects.create(
        expo=expo, exhibitor=e2, source="staff", status="talks", value_amount=Decimal("5000"), value_currency="USD"
    )
    Lead.objects.create(expo=expo, exhibitor=e3, source="staff", status="new", value_amount=Decimal("200000"))
    Lead.objects.create(expo=expo, exhibitor=e3, source="staff", status="new")

    # Awards: two candidates in the running (a third withdrawn), the women-led E1 a published winner.
    category = AwardCategoryFactory(expo=expo, name="Woman entrepreneur of the year")
    c1 = AwardCandidateFactory(category=category, exhibitor=e1)
    AwardCandidateFactory(category=category, exhibitor=e3)
    AwardCandidateFactory(category=category, exhibitor=e2, status="withdrawn")
    from awards.models import Result

    Result.objects.create(
        category=category,
        candidate=c1,
        rank=1,
        place="winner",
        score=1.2,
        approved_by=StaffFactory(),
        approved_at=timezone.now(),
        published_at=timezone.now(),
    )
    # Support requests: two open in Punjab (3 and 10 days old), one answered, one open in Sindh for 100 days.
    from support.models import SupportRequest

    now = timezone.now()
    for exhibitor, kind, status, province, age in (
        (e1, "export_readiness", "new", Province.PUNJAB, 3),
        (e2, "certification", "answered", Province.PUNJAB, 40),
        (e2, "certification", "assigned", Province.PUNJAB, 10),
        (e3, "finance", "in_progress", Province.SINDH, 100),
    ):
        SupportRequest.objects.create(
            expo=expo,
            exhibitor=exhibitor,
            enterprise=exhibitor.enterprise,
            kind=kind,
            status=status,
            province=province,
            description="Help us export.",
            created_at=now - datetime.timedelta(days=age),
        )
    return {
        "expo": expo,
        "before": before,
        "surgical": surgical,
        "cloth": cloth,
        "cutlery": cutlery,
        "metal": metal,
        "exhibitors": (e1, e2, e3),
        "gate": gate,
    }
