"""Placeholder: being written in this session."""
from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


access_log = _missing
