"""Placeholder: being written in this session."""
from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


setup = verify = recovery = manage = recovery_codes = _missing
