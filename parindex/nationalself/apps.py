from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalSelfConfig(AppConfig):
    name = "parindex.nationalself"
    label = "nationalself"
    verbose_name = _("Tự đánh giá Chỉ số CCHC cấp tỉnh")

    def ready(self) -> None:
        # Registers the package job kinds in every process (web server, job worker) and the
        # audit trail's words for this app's events.
        from parindex.nationalself import audit_labels, jobs  # noqa: F401

        audit_labels.register()
