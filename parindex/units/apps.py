from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "parindex.units"
    verbose_name = _("Đơn vị")

    def ready(self) -> None:
        # Name search folds diacritics in SQL; SQLite needs the folding function on each
        # connection (parindex/units/search.py). Database plumbing, not business logic.
        from parindex.units.search import register_fold

        connection_created.connect(register_fold, dispatch_uid="parindex_units_fold")
        # How the audit trail words this app's events (the audit page, its export).
        from parindex.units import audit_labels

        audit_labels.register()
