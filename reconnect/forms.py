from django import forms  # noqa: F401
from django.utils.translation import gettext_lazy as _  # noqa: F401
