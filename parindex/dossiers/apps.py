from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "parindex.dossiers"
    verbose_name = _("Dữ liệu hồ sơ thủ tục hành chính")
