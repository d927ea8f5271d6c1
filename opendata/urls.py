"""URLs of the open data pages, listed beside their views."""

from .views import urlpatterns

__all__ = ["urlpatterns"]
