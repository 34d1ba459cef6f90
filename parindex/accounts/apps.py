from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "parindex.accounts"
    verbose_name = _("Người dùng và vai trò")

    def ready(self) -> None:
        # How the audit trail words this app's events (the audit page, its export).
        from parindex.accounts import audit_labels

        audit_labels.register()
