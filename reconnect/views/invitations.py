"""Placeholder: being written in this session."""
from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


invitation_list = invitation_create = invitation_revoke = accept = _missing
