from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "vinculo.linkage"
    verbose_name = _("Duplicate records")

    def ready(self) -> None:
        from vinculo.linkage import receivers  # noqa: F401  (hears the registry's registrations)
