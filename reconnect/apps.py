from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReconnectConfig(AppConfig):
    name = "reconnect"
    verbose_name = _("ReConnect core")
