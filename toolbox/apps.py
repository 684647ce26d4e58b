from django.apps import AppConfig


class ToolboxConfig(AppConfig):
    name = "toolbox"

    def ready(self):
        from toolbox import signals  # noqa: F401 - connects the receivers
