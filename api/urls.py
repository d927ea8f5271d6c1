"""URLs of the public API: /api/v1/ (the endpoints), its OpenAPI schema and its documentation."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views


class ApiRouter(DefaultRouter):
    # One form of each URL: no ".json" twins.
    include_format_suffixes = False


router = ApiRouter()
router.register("editions", views.EditionViewSet, basename="api-edition")
router.register("sectors", views.SectorViewSet, basename="api-sector")
router.register("clusters", views.ClusterViewSet, basename="api-cluster")
router.register("exhibitors", views.ExhibitorViewSet, basename="api-exhibitor")
router.register("products", views.ProductViewSet, basename="api-product")
router.register("halls", views.HallViewSet, basename="api-hall")
router.register("pavilions", views.PavilionViewSet, basename="api-pavilion")
router.register("stalls", views.StallViewSet, basename="api-stall")
router.register("rooms", views.RoomViewSet, basename="api-room")
router.register("sessions", views.SessionViewSet, basename="api-session")
router.register("speakers", views.SpeakerViewSet, basename="api-speaker")
router.register("award-winners", views.AwardWinnerViewSet, basename="api-award-winner")

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/docs/", views.ApiDocsView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/v1/", include(router.urls)),
]
