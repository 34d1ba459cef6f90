from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "parindex.assessments"
    verbose_name = _("Tự đánh giá và thẩm định")

    def ready(self) -> None:
        # How the audit trail words this app's events (the audit page, its export, history).
        from parindex.assessments import audit_labels

        audit_labels.register()
