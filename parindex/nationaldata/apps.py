from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalDataConfig(AppConfig):
    name = "parindex.nationaldata"
    verbose_name = _("Chỉ số CCHC cấp tỉnh (toàn quốc)")
