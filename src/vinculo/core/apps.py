from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vinculo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from vinculo.core import receivers  # noqa: F401  (connects the audit receivers)
