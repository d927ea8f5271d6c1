from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # Every person's calendar (``programme.calendar``) carries their B2B meetings beside their sessions.
        from programme.calendar import register_source

        from .calendar import meeting_entries

        register_source(meeting_entries)

        # Suggestions are drawn from the exhibitors' directory profiles and products.
        from exhibitors.signals import exhibitor_offer_changed

        from .suggest_services import exhibitor_offer_changed_received

        exhibitor_offer_changed.connect(exhibitor_offer_changed_received, dispatch_uid="matchmaking.suggestions")
