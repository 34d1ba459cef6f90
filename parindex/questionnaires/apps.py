from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "parindex.questionnaires"
    verbose_name = _("Điều tra xã hội học")

    def ready(self) -> None:
        # How the audit trail words this app's events (the audit page, its export).
        from parindex.questionnaires import audit_labels

        audit_labels.register()
