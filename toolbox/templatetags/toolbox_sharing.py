"""Template tags of the toolbox's sharing card (toolbox/templates/toolbox/_sharing.html)."""

from django import template

from toolbox import access

register = template.Library()


@register.simple_tag
def provider_view_notices_on(user) -> bool:
    """True when `user` asked for a notification each time a provider opens something they share."""
    return access.has_own_toolbox(user) and access.notifies_on_provider_view(user)
