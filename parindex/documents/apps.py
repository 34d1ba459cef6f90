from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "parindex.documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        # Registers the document job kinds in every process (web server, job worker).
        from parindex.documents import jobs  # noqa: F401
