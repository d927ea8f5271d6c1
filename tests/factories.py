import datetime

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
