from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PavilionsConfig(AppConfig):
    name = "pavilions"
    verbose_name = _("Pavilions")
