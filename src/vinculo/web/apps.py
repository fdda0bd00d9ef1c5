from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "vinculo.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from vinculo.web.signin import audit_locked_out

        user_locked_out.connect(audit_locked_out, dispatch_uid="vinculo_audit_locked_out")
