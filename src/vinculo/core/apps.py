from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vinculo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.urls import register_converter

        from vinculo.core.converters import IdConverter

        register_converter(IdConverter, "id")  # before any URLconf is read
        from vinculo.core import receivers  # noqa: F401  (connects the audit receivers)
