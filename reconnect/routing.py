"""WebSocket routes: each installed app may bring its own in `<app>/routing.py` (`websocket_urlpatterns`).

Found through the app registry, so the core names no feature app (dependencies point one way). The live
socket itself is reconnect.live.LiveConsumer; messaging routes its subclass at /ws/live/.
"""

import importlib
import importlib.util

from pathlib import Path

from django.apps import apps
from django.conf import settings


def _app_websocket_urlpatterns():
    patterns = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.routing"
        # Only the project's own apps, which sit at the top of the repository (a library such as channels has a
        # routing module of another kind).
        if config.name == "reconnect" or Path(config.path).parent != Path(settings.BASE_DIR):
            continue
        if importlib.util.find_spec(module_name) is not None:
            patterns += getattr(importlib.import_module(module_name), "websocket_urlpatterns", [])
    return patterns


websocket_urlpatterns = _app_websocket_urlpatterns()
