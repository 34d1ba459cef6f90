from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "parindex.criteria"
    verbose_name = _("Bộ tiêu chí")

    def ready(self) -> None:
        # How the audit trail words this app's events (the audit page, its export).
        from parindex.criteria import audit_labels

        audit_labels.register()
