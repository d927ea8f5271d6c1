"""URLs of the insights dashboard, listed beside its views."""

from .views import urlpatterns

__all__ = ["urlpatterns"]
