from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "parindex.tasks"
    verbose_name = _("Giao việc")

    def ready(self) -> None:
        # Registers the export and daily-check job kinds in every process (web, job worker).
        from parindex.tasks import jobs  # noqa: F401
