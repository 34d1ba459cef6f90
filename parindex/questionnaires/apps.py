from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "parindex.questionnaires"
    verbose_name = _("Điều tra xã hội học")
