from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    name = "parindex.periods"
    verbose_name = _("Kỳ đánh giá")

    def ready(self) -> None:
        # How the audit trail words this app's events (the audit page, its export).
        from parindex.periods import audit_labels

        audit_labels.register()
