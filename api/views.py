"""The public read-only API under /api/v1/: one viewset per kind of public data, all alike.

Each reads from ``api.selectors`` (public rows only), filters with its ``api.filters`` filter set, pages
by cursor, and answers through ``api.responses.cached_answer``: cached under the versions of the data it
shows (the same versions as the public pages), with ETag and Last-Modified. Nobody signs in to the API and
every answer is the same for everyone; what a visitor may not see is a 404, like what does not exist.
"""

from collections.abc import Callable
from functools import cache

from django.db.models import QuerySet
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets

from awards.results import AWARDS_VERSION_KEY
from exhibitors.services import DIRECTORY_VERSION_KEY
from expo import caching
from expo.views import HOME_VERSION_KEY
from pavilions.services import FLOOR_PLAN_VERSION_KEY
from programme.services import PROGRAMME_VERSION_KEY

from . import filters, policies, responses, selectors, serializers


@cache
def _list_params(filterset_class) -> caching.Params:
    return filters.params_for(filterset_class)


class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail of public rows, cached under ``versions``; subclasses name what they show."""

    # The editions, sectors and clusters (HOME_VERSION_KEY) decide what every endpoint shows.
    versions: tuple[str, ...] = (HOME_VERSION_KEY,)
    # What a detail shows beyond its list's data, when it does.
    detail_versions: tuple[str, ...] = ()
    rows: Callable[[], QuerySet]
    detail_rows: Callable[[], QuerySet] | None = None
    detail_serializer_class = None
    filterset_class = None
    cursor_ordering: tuple[str, ...] = ("pk",)
    lookup_value_regex = "[0-9]+"
    content_negotiation_class = policies.JsonOnly

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve" and self.detail_rows is not None:
            return self.detail_rows()
        return self.rows()

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def list(self, request, *args, **kwargs):
        return responses.cached_answer(
            request,
            versions=self.versions,
            params=_list_params(self.filterset_class),
            build=lambda: super(PublicViewSet, self).list(request, *args, **kwargs),
        )

    def retrieve(self, request, *args, **kwargs):
        return responses.cached_answer(
            request,
            versions=(*self.versions, *self.detail_versions),
            params=caching.NO_PARAMS,
            build=lambda: super(PublicViewSet, self).retrieve(request, *args, **kwargs),
        )


class EditionViewSet(PublicViewSet):
    """Expo editions: the current one and those already held."""

    rows = staticmethod(selectors.editions)
    serializer_class = serializers.EditionSerializer
    lookup_field = "year"
    cursor_ordering = ("year",)


class SectorViewSet(PublicViewSet):
    rows = staticmethod(selectors.sectors)
    serializer_class = serializers.SectorSerializer


class ClusterViewSet(PublicViewSet):
    """Clusters: a sector in a place (surgical instruments in Sialkot)."""

    rows = staticmethod(selectors.clusters)
    serializer_class = serializers.ClusterSerializer
    filterset_class = filters.ClusterFilter


class ExhibitorViewSet(PublicViewSet):
    """Exhibitors listed in the public directory, with their public profile; the detail adds products, stalls
    and published awards."""

    # Publishing awards renews the directory's version too (``awards.results.results_changed``).
    versions = (HOME_VERSION_KEY, DIRECTORY_VERSION_KEY)
    detail_versions = (FLOOR_PLAN_VERSION_KEY,)
    rows = staticmethod(selectors.exhibitors)
    detail_rows = staticmethod(selectors.exhibitor_detail)
    serializer_class = serializers.ExhibitorSerializer
    detail_serializer_class = serializers.ExhibitorDetailSerializer
    filterset_class = filters.ExhibitorFilter


class ProductViewSet(PublicViewSet):
    """Products of listed exhibitors."""

    versions = (HOME_VERSION_KEY, DIRECTORY_VERSION_KEY)
    rows = staticmethod(selectors.products)
    serializer_class = serializers.ProductSerializer
    filterset_class = filters.ProductFilter


class HallViewSet(PublicViewSet):
    versions = (HOME_VERSION_KEY, FLOOR_PLAN_VERSION_KEY)
    rows = staticmethod(selectors.halls)
    serializer_class = serializers.HallSerializer
    filterset_class = filters.HallFilter


class PavilionViewSet(PublicViewSet):
    versions = (HOME_VERSION_KEY, FLOOR_PLAN_VERSION_KEY)
    rows = staticmethod(selectors.pavilions)
    serializer_class = serializers.PavilionSerializer
    filterset_class = filters.PavilionFilter


class StallViewSet(PublicViewSet):
    """Stalls on the halls' plans, each with the listed exhibitor standing there, if any."""

    versions = (HOME_VERSION_KEY, FLOOR_PLAN_VERSION_KEY, DIRECTORY_VERSION_KEY)
    rows = staticmethod(selectors.stalls)
    serializer_class = serializers.StallSerializer
    filterset_class = filters.StallFilter


class RoomViewSet(PublicViewSet):
    versions = (HOME_VERSION_KEY, PROGRAMME_VERSION_KEY)
    rows = staticmethod(selectors.rooms)
    serializer_class = serializers.RoomSerializer
    filterset_class = filters.RoomFilter


class SessionViewSet(PublicViewSet):
    """The programme's sessions in time order, cancelled ones included and marked."""

    versions = (HOME_VERSION_KEY, PROGRAMME_VERSION_KEY)
    rows = staticmethod(selectors.sessions)
    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionFilter
    cursor_ordering = ("starts_at", "pk")


class SpeakerViewSet(PublicViewSet):
    versions = (HOME_VERSION_KEY, PROGRAMME_VERSION_KEY)
    rows = staticmethod(selectors.speakers)
    serializer_class = serializers.SpeakerSerializer
    filterset_class = filters.SpeakerFilter


class AwardWinnerViewSet(PublicViewSet):
    """Winners and runners-up of the awards, once the secretariat publishes them."""

    versions = (HOME_VERSION_KEY, AWARDS_VERSION_KEY, DIRECTORY_VERSION_KEY)
    rows = staticmethod(selectors.award_winners)
    serializer_class = serializers.AwardWinnerSerializer
    filterset_class = filters.AwardWinnerFilter


class ApiDocsView(SpectacularSwaggerSplitView):
    """The API's interactive documentation; its script is a file of its own (no inline script: the CSP)."""

    template_name = "api/docs.html"
