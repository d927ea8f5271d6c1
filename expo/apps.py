from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpoConfig(AppConfig):
    name = "expo"
    verbose_name = _("Expo")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import caching, views
        from .models import Cluster, Expo, Sector

        def home_changed(**kwargs) -> None:
            # Edits come through the admin, not a service: a signal is the one place that sees them all.
            caching.bump(views.HOME_VERSION_KEY)

        for model in (Expo, Sector, Cluster):
            post_save.connect(home_changed, sender=model, dispatch_uid=f"home-changed-{model.__name__}-save")
            post_delete.connect(home_changed, sender=model, dispatch_uid=f"home-changed-{model.__name__}-delete")
