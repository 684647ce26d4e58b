"""Placeholder: being written in this session."""
from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


notification_list = mark_all_read = open_notification = preferences = _missing
