import datetime
import itertools
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from expo.models import Cluster, Expo, Province, Sector, TradeBody, TradeBodyMembership, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.pk")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True


class ExpoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expo

    name = factory.Sequence(lambda n: f"SME Cluster Expo {2030 + n}")
    year = factory.Sequence(lambda n: 2030 + n)
    venue = "Lahore Expo Centre"
    city = "Lahore"
    start_date = factory.LazyAttribute(lambda expo: datetime.date(expo.year, 1, 24))
    end_date = factory.LazyAttribute(lambda expo: datetime.date(expo.year, 1, 26))
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    registration_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    is_current = True


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    sector = factory.SubFactory(SectorFactory)
    city = factory.Sequence(lambda n: f"City {n}")
    name = factory.LazyAttribute(lambda cluster: f"{cluster.sector.name}, {cluster.city}")
    province = Province.PUNJAB


class TradeBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradeBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Chamber of Commerce {n}")
    short_name = factory.Sequence(lambda n: f"CC{n}")
    kind = TradeBody.Kind.CHAMBER
    city = "Sialkot"
    province = Province.PUNJAB


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradeBodyMembership

    trade_body = factory.SubFactory(TradeBodyFactory)
    user = factory.SubFactory(UserFactory)


# --- exhibitors (appended; models named by string so the file's imports stay as they are) ---


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exhibitors.Enterprise"

    legal_name = factory.Sequence(lambda n: f"Enterprise {n} (Pvt) Ltd")
    city = "Sialkot"
    province = Province.PUNJAB
    cluster = factory.SubFactory(ClusterFactory)
    women_led = False
    size_class = "small"

    @factory.lazy_attribute
    def normalised_name(self):
        from exhibitors.models import normalise_name

        return normalise_name(self.legal_name)


class NominationFactory(factory.django.DjangoModelFactory):
    """A complete nomination of the current edition, submitted (pass ``status``/``enterprise=None`` for a draft)."""

    class Meta:
        model = "exhibitors.Nomination"

    expo = factory.LazyFunction(lambda: Expo.objects.filter(is_current=True).first() or ExpoFactory())
    trade_body = factory.SubFactory(TradeBodyFactory)
    status = "submitted"
    submitted_at = factory.LazyFunction(timezone.now)
    legal_name = factory.Sequence(lambda n: f"Nominee {n} (Pvt) Ltd")
    turnover_band = "30-75"
    size_class = "small"
    city = "Sialkot"
    province = Province.PUNJAB
    cluster = factory.SubFactory(ClusterFactory)
    description = "Hand-forged surgical instruments."
    owner_name = factory.Faker("name")
    women_led = False
    contact_name = factory.Faker("name")
    contact_email = factory.Sequence(lambda n: f"contact{n}@nominee.example.pk")
    contact_phone = "+92 300 1234567"
    justification = "Exports to Germany; ISO 13485 certified."
    enterprise = factory.SubFactory(
        EnterpriseFactory,
        legal_name=factory.SelfAttribute("..legal_name"),
        city=factory.SelfAttribute("..city"),
        province=factory.SelfAttribute("..province"),
        cluster=factory.SelfAttribute("..cluster"),
        women_led=factory.SelfAttribute("..women_led"),
        size_class=factory.SelfAttribute("..size_class"),
    )


class NominationProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exhibitors.NominationProduct"

    nomination = factory.SubFactory(NominationFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    description = "Stainless steel, autoclavable."


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review written straight to the table (tests of the scoring path use ``services.review_save``)."""

    class Meta:
        model = "exhibitors.Review"

    nomination = factory.SubFactory(NominationFactory, status="under_review")
    reviewer = factory.SubFactory(StaffFactory)
    scores = factory.LazyFunction(lambda: {"quality": 4, "innovation": 4, "market_readiness": 4, "export_potential": 4})
    weighted_score = "4.00"


class ExhibitorFactory(factory.django.DjangoModelFactory):
    """An exhibitor made from an approved nomination, listed in the directory."""

    class Meta:
        model = "exhibitors.Exhibitor"

    nomination = factory.SubFactory(NominationFactory, status="approved")
    expo = factory.SelfAttribute("nomination.expo")
    enterprise = factory.SelfAttribute("nomination.enterprise")
    trade_body = factory.SelfAttribute("nomination.trade_body")
    cluster = factory.SelfAttribute("nomination.cluster")
    name = factory.SelfAttribute("nomination.legal_name")
    slug = factory.Sequence(lambda n: f"exhibitor-{n}")
    city = factory.SelfAttribute("nomination.city")
    province = factory.SelfAttribute("nomination.province")
    women_led = factory.SelfAttribute("nomination.women_led")
    size_class = factory.SelfAttribute("nomination.size_class")
    stall_size = "9"
    description = "Hand-forged surgical instruments for hospitals in Europe."
    # The database derives ``listed``; ``listed=False`` makes one that staff have unlisted.
    unlisted_at = factory.LazyAttribute(lambda exhibitor: None if exhibitor.listed else timezone.now())
    unlisted_reason = factory.LazyAttribute(lambda exhibitor: "" if exhibitor.listed else "Unlisted by staff.")

    class Params:
        listed = True


class ExhibitorMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exhibitors.ExhibitorMembership"

    exhibitor = factory.SubFactory(ExhibitorFactory)
    user = factory.SubFactory(UserFactory)


class ExhibitorProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exhibitors.ExhibitorProduct"

    exhibitor = factory.SubFactory(ExhibitorFactory)
    name = factory.Sequence(lambda n: f"Exhibited product {n}")
    description = "Stainless steel, autoclavable."


class BoothStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exhibitors.BoothStaff"

    exhibitor = factory.SubFactory(ExhibitorFactory)
    full_name = factory.Faker("name")
    designation = "Sales manager"
    id_number = factory.Sequence(lambda n: f"35202-{n:07d}-1")


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exhibitors.Certification"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"ISO {9000 + n}")


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pavilions.Hall"

    expo = factory.SubFactory(ExpoFactory)
    code = factory.Sequence(lambda n: f"H{n + 1}")
    name = factory.LazyAttribute(lambda hall: f"Hall {hall.code[1:]}")
    width = Decimal("60")
    depth = Decimal("40")


class PavilionFactory(factory.django.DjangoModelFactory):
    """A 20 × 12 m cluster pavilion at the hall's front-left corner, hosting ``clusters``."""

    class Meta:
        model = "pavilions.Pavilion"
        skip_postgeneration_save = True

    hall = factory.SubFactory(HallFactory)
    code = factory.Sequence(lambda n: "ABCDEFGHJKLMNPQR"[n % 16])
    name = factory.Sequence(lambda n: f"Pavilion {n + 1}")
    kind = "cluster"
    x = Decimal("2")
    y = Decimal("2")
    width = Decimal("20")
    depth = Decimal("12")

    @factory.post_generation
    def clusters(self, create, extracted, **kwargs):
        if create and extracted:
            self.clusters.set(extracted)


class StallFactory(factory.django.DjangoModelFactory):
    """A 3 × 3 m stall inside its pavilion; give x and y to place it."""

    class Meta:
        model = "pavilions.Stall"

    pavilion = factory.SubFactory(PavilionFactory)
    code = factory.Sequence(lambda n: f"S-{n + 1:03d}")
    x = Decimal("3")
    y = Decimal("3")
    width = Decimal("3")
    depth = Decimal("3")


# --- Visitors -------------------------------------------------------------------------


class GateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "visitors.Gate"

    expo = factory.SubFactory(ExpoFactory)
    name = factory.Sequence(lambda n: f"Gate {n + 1}")


_visitor_numbers = itertools.count(1)


def register_visitor(expo, **overrides):
    """A registration made through the service, as the public form makes it; returns it."""
    from visitors import services

    data = {
        "expo": expo,
        "category": "trade_visitor",
        "full_name": "Ali Raza",
        "email": f"visitor{next(_visitor_numbers)}@example.pk",
        "phone": "+92 300 1234567",
        "organisation": "Raza Traders",
        "country": "PK",
        "city": "Lahore",
        "dates": [expo.start_date],
        "site_url": "http://testserver/",
    }
    data.update(overrides)
    registration, _created = services.registration_create(**data)
    return registration


# --- Matchmaking ----------------------------------------------------------------------


def confirmed_buyer(expo, **overrides):
    """A registration in a privileged category (a buyer unless ``category`` says otherwise) that the
    registration desk has confirmed: one that may take part in matchmaking."""
    from visitors.models import Registration

    registration = register_visitor(expo, **{"category": "buyer", "designation": "Head of sourcing", **overrides})
    Registration.objects.filter(pk=registration.pk).update(category_status=Registration.CategoryStatus.CONFIRMED)
    registration.refresh_from_db()
    return registration


class MatchmakingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.MatchmakingSettings"
        django_get_or_create = ["expo"]

    expo = factory.SubFactory(ExpoFactory)


class SlotFactory(factory.django.DjangoModelFactory):
    """A 30-minute meeting slot on the expo's first day (Asia/Karachi), from 10:00 on, one after the other (16 at most
    per expo: then the day is full)."""

    class Meta:
        model = "matchmaking.Slot"

    expo = factory.SubFactory(ExpoFactory)
    start = factory.LazyAttributeSequence(
        lambda slot, n: (
            datetime.datetime(
                slot.expo.start_date.year,
                slot.expo.start_date.month,
                slot.expo.start_date.day,
                10,
                tzinfo=datetime.timezone(datetime.timedelta(hours=5)),
            )
            + datetime.timedelta(minutes=30 * (n % 16))
        )
    )
    end = factory.LazyAttribute(lambda slot: slot.start + datetime.timedelta(minutes=30))


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.Table"

    expo = factory.SubFactory(ExpoFactory)
    number = factory.Sequence(lambda n: n + 1)


class ExhibitorParticipantFactory(factory.django.DjangoModelFactory):
    """An exhibitor taking part in matchmaking."""

    class Meta:
        model = "matchmaking.Participant"

    exhibitor = factory.SubFactory(ExhibitorFactory)
    expo = factory.SelfAttribute("exhibitor.expo")
    kind = "exhibitor"
    organisation = factory.SelfAttribute("exhibitor.name")
    country = "PK"


class VisitorParticipantFactory(factory.django.DjangoModelFactory):
    """A confirmed buyer (or ``registration``'s category) taking part in matchmaking."""

    class Meta:
        model = "matchmaking.Participant"

    expo = factory.SubFactory(ExpoFactory)
    registration = factory.LazyAttribute(lambda participant: confirmed_buyer(participant.expo))
    kind = "visitor"
    organisation = factory.SelfAttribute("registration.organisation")
    country = "KE"
    product_keywords = "surgical instruments"


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matchmaking.MeetingRequest"

    sender = factory.SubFactory(VisitorParticipantFactory)
    receiver = factory.SubFactory(
        ExhibitorParticipantFactory, exhibitor__nomination__expo=factory.SelfAttribute("....sender.expo")
    )
    expo = factory.SelfAttribute("sender.expo")
    priority = "would"
    message = "We import scissors to Nairobi."


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programme.Room"

    hall = factory.SubFactory(HallFactory)
    name = factory.Sequence(lambda n: f"Seminar room {n + 1}")
    capacity = 60


class SessionFactory(factory.django.DjangoModelFactory):
    """A talk of an hour at 11:00 (Pakistan time) on the edition's first day, in its own room."""

    class Meta:
        model = "programme.Session"

    expo = factory.SubFactory(ExpoFactory)
    room = factory.SubFactory(RoomFactory, hall__expo=factory.SelfAttribute("..expo"))
    kind = "talk"
    title = factory.Sequence(lambda n: f"Export readiness for SMEs, part {n + 1}")
    starts_at = factory.LazyAttribute(
        lambda session: datetime.datetime.combine(
            session.expo.start_date, datetime.time(11), tzinfo=timezone.get_default_timezone()
        )
    )
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=1))


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programme.Speaker"

    expo = factory.SubFactory(ExpoFactory)
    name = factory.Faker("name")
    title = "Director"
    organisation = "SMEDA"


# --- awards ---


class AwardCategoryFactory(factory.django.DjangoModelFactory):
    """An award category with no eligibility rules, open for candidates."""

    class Meta:
        model = "awards.Category"

    expo = factory.LazyFunction(lambda: Expo.objects.filter(is_current=True).first() or ExpoFactory())
    name = factory.Sequence(lambda n: f"Award {n + 1}")
    description = "For the SME that did the most."


class AwardRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.Round"

    category = factory.SubFactory(AwardCategoryFactory)
    kind = "final"
    jurors_per_candidate = 2


class AwardCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.Criterion"

    round = factory.SubFactory(AwardRoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n + 1}")
    weight = Decimal("1")


class AwardCandidateFactory(factory.django.DjangoModelFactory):
    """A candidate put forward by staff, eligible by the rules (tests of the checks use ``awards.services``)."""

    class Meta:
        model = "awards.Candidate"

    category = factory.SubFactory(AwardCategoryFactory)
    exhibitor = factory.SubFactory(ExhibitorFactory, nomination__expo=factory.SelfAttribute("...category.expo"))
    route = "staff"
    statement = "Doubled its exports in two years."
    rules_eligible = True


class JurorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.Juror"

    expo = factory.LazyFunction(lambda: Expo.objects.filter(is_current=True).first() or ExpoFactory())
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"juror{n}@jury.example.pk")
    organisation = "Lahore University of Management Sciences"


class AwardAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.Assignment"

    round = factory.SubFactory(AwardRoundFactory)
    candidate = factory.SubFactory(AwardCandidateFactory, category=factory.SelfAttribute("..round.category"))
    juror = factory.SubFactory(JurorFactory, expo=factory.SelfAttribute("..round.category.expo"))
