"""The filters of each list, and the query parameters its cached answers are keyed on (``params_for``).

Ids and years are plain numbers, not model choices: a filter never reads the database to check them, and an
id that matches nothing gives an empty list. A value that is not well formed is dropped, as the public
pages drop it, so the list answers unfiltered by it.
"""

import django_filters
from django.db.models import Q

from awards.models import Result
from exhibitors.models import EXPORT_READY, Exhibitor, ExhibitorProduct, SizeClass
from expo import caching
from expo.models import Cluster, Province
from pavilions.models import Hall, Pavilion, Stall
from programme.models import Room, Session, Speaker

from . import responses

ID_MAX = 2**63 - 1


def _id(field_name: str, help_text: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(field_name=field_name, help_text=help_text)


def _edition(field_name: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(field_name=field_name, help_text="The edition's year, e.g. 2026.")


class ClusterFilter(django_filters.FilterSet):
    sector = _id("sector_id", "A sector's id.")
    province = django_filters.ChoiceFilter(choices=Province.choices)

    class Meta:
        model = Cluster
        fields = ["sector", "province"]


class ExhibitorFilter(django_filters.FilterSet):
    expo = _edition("expo__year")
    cluster = _id("cluster_id", "A cluster's id.")
    sector = _id("cluster__sector_id", "A sector's id.")
    province = django_filters.ChoiceFilter(choices=Province.choices)
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices)
    women_led = django_filters.BooleanFilter()
    export_ready = django_filters.BooleanFilter(
        method="filter_export_ready", help_text="Exports now and then or regularly."
    )

    class Meta:
        model = Exhibitor
        fields = ["expo", "cluster", "sector", "province", "size_class", "women_led", "export_ready"]

    def filter_export_ready(self, queryset, name, value):
        ready = Q(export_experience__in=EXPORT_READY)
        return queryset.filter(ready) if value else queryset.exclude(ready)


class ProductFilter(django_filters.FilterSet):
    expo = _edition("exhibitor__expo__year")
    exhibitor = _id("exhibitor_id", "An exhibitor's id.")
    cluster = _id("exhibitor__cluster_id", "A cluster's id.")
    sector = _id("exhibitor__cluster__sector_id", "A sector's id.")
    hs_code = django_filters.CharFilter(lookup_expr="startswith", help_text="The start of an HS code, e.g. 9018.")

    class Meta:
        model = ExhibitorProduct
        fields = ["expo", "exhibitor", "cluster", "sector", "hs_code"]


class HallFilter(django_filters.FilterSet):
    expo = _edition("expo__year")

    class Meta:
        model = Hall
        fields = ["expo"]


class PavilionFilter(django_filters.FilterSet):
    expo = _edition("hall__expo__year")
    hall = _id("hall_id", "A hall's id.")
    kind = django_filters.ChoiceFilter(choices=Pavilion.Kind.choices)
    cluster = _id("clusters", "A cluster's id: pavilions hosting it.")

    class Meta:
        model = Pavilion
        fields = ["expo", "hall", "kind", "cluster"]


class StallFilter(django_filters.FilterSet):
    expo = _edition("pavilion__hall__expo__year")
    hall = _id("pavilion__hall_id", "A hall's id.")
    pavilion = _id("pavilion_id", "A pavilion's id.")
    exhibitor = django_filters.NumberFilter(method="filter_exhibitor", help_text="A listed exhibitor's id.")
    occupied = django_filters.BooleanFilter(
        method="filter_occupied", help_text="Whether a listed exhibitor stands there."
    )

    class Meta:
        model = Stall
        fields = ["expo", "hall", "pavilion", "exhibitor", "occupied"]

    def filter_exhibitor(self, queryset, name, value):
        return queryset.filter(allocation__exhibitor_id=value, allocation__exhibitor__listed=True)

    def filter_occupied(self, queryset, name, value):
        occupied = Q(allocation__exhibitor__listed=True)
        return queryset.filter(occupied) if value else queryset.exclude(occupied)


class RoomFilter(django_filters.FilterSet):
    expo = _edition("hall__expo__year")
    hall = _id("hall_id", "A hall's id.")

    class Meta:
        model = Room
        fields = ["expo", "hall"]


class SessionFilter(django_filters.FilterSet):
    expo = _edition("expo__year")
    kind = django_filters.ChoiceFilter(choices=Session.Kind.choices)
    room = _id("room_id", "A room's id.")
    sector = _id("sectors", "A sector's id: sessions tagged with it.")
    cluster = _id("clusters", "A cluster's id: sessions tagged with it.")
    speaker = _id("speakers", "A speaker's id.")
    day = django_filters.DateFilter(field_name="starts_at", lookup_expr="date", help_text="Sessions starting that day.")

    class Meta:
        model = Session
        fields = ["expo", "kind", "room", "sector", "cluster", "speaker", "day"]


class SpeakerFilter(django_filters.FilterSet):
    expo = _edition("expo__year")

    class Meta:
        model = Speaker
        fields = ["expo"]


class AwardWinnerFilter(django_filters.FilterSet):
    expo = _edition("category__expo__year")
    category = _id("category_id", "An award category's id.")
    place = django_filters.ChoiceFilter(choices=Result.Place.choices)
    exhibitor = _id("candidate__exhibitor_id", "An exhibitor's id.")

    class Meta:
        model = Result
        fields = ["expo", "category", "place", "exhibitor"]


def _normaliser(filter_: django_filters.Filter) -> caching.Normaliser:
    if isinstance(filter_, django_filters.ChoiceFilter):
        return caching.choice(str(value) for value, _label in filter_.extra["choices"])
    if isinstance(filter_, django_filters.BooleanFilter):
        return responses.boolean
    if isinstance(filter_, django_filters.DateFilter):
        return responses.date
    if isinstance(filter_, django_filters.NumberFilter):
        return caching.integer(ID_MAX)
    return caching.text(100)


def params_for(filterset_class: type[django_filters.FilterSet] | None) -> caching.Params:
    """The query parameters of a list: its filters, each normalised by its kind, and the page's cursor."""
    filters = filterset_class.base_filters if filterset_class else {}
    return caching.Params(cursor=responses.cursor, **{name: _normaliser(f) for name, f in filters.items()})
