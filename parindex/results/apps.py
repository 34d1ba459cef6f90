from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "parindex.results"
    verbose_name = _("Kết quả và báo cáo")

    def ready(self) -> None:
        # Registers the export job kinds in every process (web server, job worker).
        from parindex.results import jobs  # noqa: F401
