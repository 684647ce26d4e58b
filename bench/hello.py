"""The ceiling: a bare Django view behind no middleware, served by the same server processes as the portal."""

from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse(b"Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello)]
