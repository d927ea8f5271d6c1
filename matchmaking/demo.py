"""Demo B2B matchmaking for Expo 2026: the settings, meeting windows on the expo days and the slots generated
from them around lunch and the programme's ceremonies, 20 lounge tables, every demo exhibitor taking part,
confirmed buyers (a Kenyan importer of surgical instruments, the Azerbaijani and Malaysian delegations, a bank, an
investor) with their profiles and availability, requests pending, accepted and declined, and one scheduler run
published, so that agendas are not empty; the first meetings held and one missed, and a few visitors' badges
scanned at a stall as leads.

Called by ``load_demo`` after the exhibitors, the visitors and the programme. Safe to run twice: windows and slots
are laid out only for an expo that has none, a person registers and asks for a meeting only once, and the
scheduler runs only while nothing is published.
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.db import transaction

from exhibitors.models import Exhibitor, ExhibitorProduct
from expo.demo import ADMIN_EMAIL
from expo.models import Expo, Sector, User
from visitors import demo as visitors_demo
from visitors import services as visitor_services
from visitors.demo import SITE_URL
from visitors.models import Category, CheckIn, Registration

from . import attendance, scheduler, selectors, services, slots, stall_leads
from .models import (
    Lead,
    MatchmakingSettings,
    Meeting,
    MeetingAttendance,
    MeetingBreak,
    MeetingNoShow,
    MeetingRequest,
    MeetingWindow,
    Participant,
    Priority,
    SchedulerRun,
    Slot,
    Table,
)
from .sequence_defaults import follow_up_steps_seed

DAY_STARTS, DAY_ENDS = datetime.time(10, 0), datetime.time(17, 0)
LUNCH = (datetime.time(13, 0), datetime.time(14, 0), "Lunch and Zuhr prayers")
TABLES = 20

# key, full name, email, category, organisation, country, city, expo days (0 = first), profile, sector slugs,
# slots of the first day they cannot meet in (counted from the day's first meeting slot)
BUYERS = [
    (
        "kenya",
        "Wanjiku Otieno",
        "wanjiku.otieno@example.ke",
        Category.BUYER,
        "Nairobi Medical Supplies Ltd",
        "KE",
        "Nairobi",
        [0, 1],
        {
            "product_keywords": "surgical instruments, dissecting forceps, needle holders, dental instruments",
            "hs_codes": "9018.90, 9018.49",
            "volume": "USD 250,000 a year",
            "target_markets": "Kenya, Uganda, Tanzania",
            "languages": "English, Swahili",
        },
        ["surgical-instruments"],
        [],
    ),
    (
        "azerbaijan",
        "Leyla Mammadova",
        "leyla.mammadova@example.az",
        Category.FOREIGN_DELEGATE,
        "Azerbaijan trade delegation",
        "AZ",
        "Baku",
        [0, 1, 2],
        {
            "product_keywords": "furniture, sports goods, home textiles, leather goods",
            "volume": "Container loads for retail chains in Baku",
            "target_markets": "Azerbaijan, Georgia",
            "languages": "Azerbaijani, Russian, English",
            "delegation_members": "Rashad Aliyev\nGunel Huseynova",
        },
        ["furniture", "sports-goods", "leather-and-leather-products"],
        [],
    ),
    (
        "malaysia",
        "Nurul Aisyah binti Rahman",
        "nurul.rahman@example.my",
        Category.FOREIGN_DELEGATE,
        "Malaysian halal trade delegation",
        "MY",
        "Kuala Lumpur",
        [0, 1],
        {
            "product_keywords": "mango pulp, dried mango, honey, herbal cosmetics, halal food",
            "hs_codes": "2007.99, 0409.00",
            "volume": "USD 100,000–500,000 per supplier",
            "target_markets": "Malaysia, Indonesia, Singapore",
            "languages": "Malay, English",
            "delegation_members": "Ahmad Faiz bin Ismail",
        },
        ["agro-food-processing", "honey", "cosmetics"],
        [],
    ),
    (
        "bank",
        "Kamran Aziz",
        "kamran.aziz@example.pk",
        Category.BANK,
        "Punjab SME Finance Bank",
        "PK",
        "Lahore",
        [0],
        {
            "product_keywords": "working capital, export refinance, machinery leasing",
            "volume": "PKR 5–50 million per SME",
            "target_markets": "Pakistan",
            "languages": "Urdu, English",
        },
        ["light-engineering", "ict-and-services"],
        # The bank's team is at the access to finance panel at noon on the first day.
        [1, 2],
    ),
    (
        "investor",
        "Sara Haroon",
        "sara.haroon@example.pk",
        Category.INVESTOR,
        "Indus Growth Partners",
        "PK",
        "Karachi",
        [1, 2],
        {
            "product_keywords": "equity, export-ready SMEs, women-led businesses",
            "volume": "USD 0.5–2 million a deal",
            "target_markets": "Pakistan, the Gulf",
            "languages": "Urdu, English",
        },
        ["ict-and-services", "cosmetics"],
        [],
    ),
]

P, D = Priority, MeetingRequest.DeclineReason
S = MeetingRequest.Status
ACCEPTED, PENDING, DECLINED = S.ACCEPTED, S.PENDING, S.DECLINED
# sender, receiver (a buyer's key or an exhibitor's name), priority, at the stall, message, outcome, decline reason
REQUESTS = [
    ("kenya", "Hilal Surgical", P.MUST, False, "We import CE-marked forceps for hospitals in Nairobi.", ACCEPTED, ""),
    ("kenya", "Wazirabad Cutlery House", P.WOULD, False, "Do you make scalpel handles or scissors?", PENDING, ""),
    ("kenya", "Kasur Tanners", P.IF_TIME, False, "", DECLINED, D.NOT_RELEVANT),
    ("azerbaijan", "Heritage Woodcraft", P.MUST, False, "Carved furniture for a Baku hotel group.", ACCEPTED, ""),
    ("azerbaijan", "Zahra Sports", P.WOULD, False, "", ACCEPTED, ""),
    ("azerbaijan", "Hala Crafts", P.WOULD, False, "Ajrak for a cultural week in Baku.", PENDING, ""),
    ("malaysia", "Sweet Chaunsa", P.MUST, False, "Halal mango pulp for Malaysian bakeries.", ACCEPTED, ""),
    ("malaysia", "Karak Honey", P.MUST, False, "", ACCEPTED, ""),
    ("malaysia", "Nimra Naturals", P.WOULD, True, "", ACCEPTED, ""),
    ("malaysia", "Codeloom", P.IF_TIME, False, "", DECLINED, D.NO_CAPACITY),
    ("bank", "GPE", P.WOULD, False, "Leasing for your new CNC line.", ACCEPTED, ""),
    ("Codeloom", "investor", P.MUST, False, "Our ERP suite for exporters is raising its first round.", ACCEPTED, ""),
    ("Hala Crafts", "investor", P.WOULD, False, "A women-led collective looking to grow.", PENDING, ""),
    ("Kasur Tanners", "Zahra Sports", P.WOULD, False, "Leather for your goalkeeper gloves.", ACCEPTED, ""),
]  # fmt: skip


def _lay_out_slots(expo: Expo) -> None:
    """Meeting windows on each expo day, lunch and Zuhr prayers as a break, and the slots the desk's generator
    cuts from them around the breaks and the programme's ceremonies. Only for an expo without meeting windows:
    staff may have changed them."""
    if MeetingWindow.objects.filter(expo=expo).exists():
        return
    for day in expo.days:
        MeetingWindow.objects.create(expo=expo, day=day, starts_at=DAY_STARTS, ends_at=DAY_ENDS)
    MeetingBreak.objects.create(expo=expo, label=LUNCH[2], starts_at=LUNCH[0], ends_at=LUNCH[1])
    slots.slots_generate(expo=expo, slot_minutes=selectors.settings_for(expo).slot_minutes)


def _buyer(expo: Expo, admin: User, row: tuple) -> Participant:
    """The person registered at the desk with their category confirmed, taking part with their profile; their
    availability set when they first join."""
    _key, full_name, email, category, organisation, country, city, days, profile, sectors, busy = row
    registration = Registration.objects.filter(expo=expo, email=email).first()
    if registration is None:
        registration, _created = visitor_services.registration_create(
            expo=expo,
            category=category,
            full_name=full_name,
            email=email,
            phone="+92 300 7654321",
            organisation=organisation,
            country=country,
            city=city,
            dates=[expo.days[day] for day in days],
            source=Registration.Source.DESK,
            site_url=SITE_URL,
            category_confirmed_by=admin,
        )
    joined_before = Participant.objects.filter(registration=registration).exists()
    sector_rows = Sector.objects.filter(slug__in=sectors)
    participant = services.participant_join(
        registration=registration,
        profile={"organisation": organisation, "country": country, **profile},
        sectors=sector_rows,
        clusters=[cluster for sector in sector_rows for cluster in sector.clusters.all()],
    )
    if not joined_before and busy:
        offered = selectors.default_slots(expo=expo, registration=registration)
        services.availability_set(
            participant=participant,
            available_slot_ids=[slot.pk for number, slot in enumerate(offered) if number not in busy],
        )
    return participant


def _exhibitor(exhibitor: Exhibitor) -> Participant:
    """The exhibitor taking part with its directory profile: its cluster, sector and products."""
    return services.participant_join(
        exhibitor=exhibitor,
        profile={
            "organisation": exhibitor.name,
            "country": "PK",
            "product_keywords": ", ".join(
                ExhibitorProduct.objects.filter(exhibitor=exhibitor).order_by("pk").values_list("name", flat=True)
            )[:300],
            "target_markets": exhibitor.export_markets[:200],
            "languages": "Urdu, English",
        },
        clusters=[exhibitor.cluster],
        sectors=[exhibitor.cluster.sector],
    )


def _ask(parties: dict[str, Participant], admin: User, row: tuple) -> None:
    """The request as its sender makes it, and its receiver's answer; once per pair."""
    sender_key, receiver_key, priority, at_stall, message, outcome, reason = row
    sender, receiver = parties[sender_key], parties[receiver_key]
    if MeetingRequest.objects.filter(sender=sender, receiver=receiver).exists():
        return
    meeting_request = services.request_send(
        sender=sender,
        participant_id=receiver.pk,
        message=message,
        priority=priority,
        at_stall=at_stall,
        by=admin,
        site_url=SITE_URL,
    )
    if outcome == MeetingRequest.Status.ACCEPTED:
        services.request_accept(meeting_request=meeting_request, by_participant=receiver, site_url=SITE_URL)
    elif outcome == MeetingRequest.Status.DECLINED:
        services.request_decline(
            meeting_request=meeting_request, by_participant=receiver, reason=reason, site_url=SITE_URL
        )


def _publish(expo: Expo, admin: User) -> None:
    """One scheduler run, computed here and published, unless meetings are already published.

    The run is computed in this process rather than queued as the desk's button queues it: the demo must have
    its agendas when the command ends, whether or not a worker is running."""
    if SchedulerRun.objects.filter(expo=expo, status=SchedulerRun.Status.PUBLISHED).exists():
        return
    if Meeting.objects.filter(expo=expo).exists():
        return
    run = SchedulerRun.objects.create(
        expo=expo, started_by=admin, parameters={"work_per_request": scheduler.WORK_PER_REQUEST}
    )
    services.scheduler_run_execute(run_id=run.pk)
    run.refresh_from_db()
    if run.status == SchedulerRun.Status.PREVIEW:
        services.scheduler_run_publish(run=run, by=admin, site_url=SITE_URL)


def _attendance(expo: Expo, admin: User) -> None:
    """The first day's first meetings held (both sides seen by the desk) and the next one missed, so that the
    desk's tally and the agendas show both; only while no meeting has an attendance or a no-show yet."""
    if (
        MeetingAttendance.objects.filter(meeting__expo=expo).exists()
        or MeetingNoShow.objects.filter(meeting__expo=expo).exists()
    ):
        return
    meetings = list(
        Meeting.objects.filter(expo=expo, state=Meeting.State.SCHEDULED)
        .select_related("slot", "request__sender", "request__receiver")
        .order_by("slot__start", "pk")[:4]
    )
    for meeting in meetings[:3]:
        for side in (meeting.request.sender, meeting.request.receiver):
            attendance.attendance_record_by_desk(
                meeting=meeting, participant=side, by=admin, now=meeting.slot.start + datetime.timedelta(minutes=2)
            )
    for meeting in meetings[3:]:
        attendance.no_show_report(
            meeting=meeting,
            reporter=meeting.request.receiver,
            by=None,
            now=meeting.slot.end + datetime.timedelta(minutes=1),
        )


# Visitors who stopped at a stall: (exhibitor, which of the demo's visitors (``visitors.demo``, in registration
# order), shares their contact, rating, product, quantity, next step, note, which day of the expo, the time there).
STALL_LEADS = [
    (
        "Hilal Surgical",
        0,
        True,
        "hot",
        "Dissecting forceps",
        "2,000 a quarter",
        "quote",
        "Hospital chain buyer.",
        0,
        datetime.time(11, 20),
    ),
    (
        "Hilal Surgical",
        1,
        False,
        "warm",
        "Needle holders",
        "",
        "sample",
        "Asked for a catalogue.",
        0,
        datetime.time(15, 45),
    ),
    ("Hilal Surgical", 2, True, "cold", "", "", "none", "Student project on surgical steel.", 1, datetime.time(12, 10)),
]


def _stall_leads(expo: Expo) -> None:
    """A few leads scanned at a demo stall, with and without the visitor's consent to share their contact, at the
    moments of the expo they were captured (so the follow-up sequence counts its days from them, as in life). The
    scan ids are derived from the pair, so a second load finds them already there."""
    visitors = list(
        Registration.objects.filter(expo=expo, participant__isnull=True, badge__isnull=False).order_by("pk")[:3]
    )
    zone = ZoneInfo(expo.time_zone)
    for name, index, shares, rating, product, quantity, next_step, note, day, at in STALL_LEADS:
        exhibitor = Exhibitor.objects.filter(expo=expo, name=name).first()
        if exhibitor is None or index >= len(visitors):
            continue
        visitor = visitors[index]
        Registration.objects.filter(pk=visitor.pk).update(share_contact_with_exhibitors=shares)
        scanned_at = datetime.datetime.combine(expo.days[day], at, tzinfo=zone)
        # Scanned at a stall, so let in at the gate that day: an hour before, or, if the visitors' demo let them in
        # later than that, scanned an hour after they came.
        came = (
            CheckIn.objects.filter(badge=visitor.badge, day=expo.days[day]).values_list("scanned_at", flat=True).first()
        )
        if came is not None:
            scanned_at = max(scanned_at, came + datetime.timedelta(hours=1))
        else:
            visitors_demo.gate_checkin(
                badge=visitor.badge,
                gate=expo.gates.order_by("name").first(),
                at=scanned_at - datetime.timedelta(hours=1),
            )
        stall_leads.stall_lead_capture(
            exhibitor=exhibitor,
            code=visitor.badge.number,
            scan_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-stall-lead:{exhibitor.pk}:{visitor.pk}"),
            by=None,
            note=note,
            scanned_at=scanned_at,
            now=scanned_at,  # the phone uploaded the scan at the stall, not when the demo loads
            rating=rating,
            interest_product=product,
            quantity=quantity,
            next_step=next_step,
        )


@transaction.atomic
def load(*, expo: Expo) -> dict[str, int]:
    MatchmakingSettings.objects.get_or_create(expo=expo)
    _lay_out_slots(expo)
    for number in range(1, TABLES + 1):
        Table.objects.get_or_create(expo=expo, number=number)
    admin = User.objects.get(email=ADMIN_EMAIL)
    parties: dict[str, Participant] = {}
    exhibitors = Exhibitor.objects.filter(expo=expo, listed=True).select_related("cluster__sector").order_by("pk")
    for exhibitor in exhibitors:
        parties[exhibitor.name] = _exhibitor(exhibitor)
    for row in BUYERS:
        parties[row[0]] = _buyer(expo, admin, row)
    for row in REQUESTS:
        if row[0] in parties and row[1] in parties:
            _ask(parties, admin, row)
    _publish(expo, admin)
    follow_up_steps_seed(expo)
    _attendance(expo, admin)
    _stall_leads(expo)
    visitors_demo.gate_checkins(expo=expo)  # the buyers registered here came to the expo too
    return {
        "meeting_slots": Slot.objects.filter(expo=expo, kind=Slot.Kind.MEETING).count(),
        "lounge_tables": Table.objects.filter(expo=expo).count(),
        "matchmaking_participants": Participant.objects.filter(expo=expo).count(),
        "meeting_requests": MeetingRequest.objects.filter(expo=expo).count(),
        "meetings": Meeting.objects.filter(expo=expo, state__in=Meeting.STANDING).count(),
        "meetings_held": Meeting.objects.filter(expo=expo, state=Meeting.State.HELD).count(),
        "leads": Lead.objects.filter(expo=expo).count(),
    }
