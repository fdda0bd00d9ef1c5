from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "vinculo.placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        from vinculo.placements import receivers  # noqa: F401  (a selection opens a placement)
