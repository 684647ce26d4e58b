"""The portal's ASGI application, plus /bench/hello/ answered by a Django handler with no middleware at all.

Both run in the same server processes, so the hello view measures what the server, the ASGI adapter and
Django's request cycle cost by themselves: the ceiling every page is compared with.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from reconnect.asgi import application as portal  # noqa: E402  (sets Django up)

HELLO_PATH = "/bench/hello/"


class BareHandler(ASGIHandler):
    """Django's own ASGI handler, built with an empty middleware list, resolving only bench.hello's URL."""

    def resolve_request(self, request):
        match = get_resolver("bench.hello").resolve(request.path_info)
        request.resolver_match = match
        return match


with override_settings(MIDDLEWARE=[]):
    bare = BareHandler()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == HELLO_PATH:
        return await bare(scope, receive, send)
    return await portal(scope, receive, send)
