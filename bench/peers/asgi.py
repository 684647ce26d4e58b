"""The ASGI application of a peer forum (DJANGO_SETTINGS_MODULE names its settings), for bench/serve.py."""

from django.core.asgi import get_asgi_application

application = get_asgi_application()
