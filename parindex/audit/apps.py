from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "parindex.audit"
    verbose_name = _("Nhật ký thay đổi")

    def ready(self) -> None:
        # Registers the export job kind in every process (web server, job worker).
        from parindex.audit import jobs  # noqa: F401
