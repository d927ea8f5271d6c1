from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "visitors"
    verbose_name = _("Visitors")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy check
