from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "visitors"
    verbose_name = _("Visitors")

    def ready(self) -> None:
        from expo import services as core

        from . import (
            checks,  # noqa: F401 - registers the deploy check
            services,
        )

        core.attachment_maker_register(services.BADGE_ATTACHMENT, services.badge_attachment)
