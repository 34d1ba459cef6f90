from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "parindex.dossiers"
    verbose_name = _("Dữ liệu hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        # Registers the import and data-criteria job kinds in every process (web server, job
        # worker), and how the audit trail words this app's events (the audit page, its export).
        from parindex.dossiers import audit_labels, jobs  # noqa: F401

        audit_labels.register()
