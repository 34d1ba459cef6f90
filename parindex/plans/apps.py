from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "parindex.plans"
    verbose_name = _("Kế hoạch nâng hạng")

    def ready(self) -> None:
        # Registers the plan export, rank-interval and monthly job kinds in every process.
        from parindex.plans import jobs  # noqa: F401
