"""The toolbox's receivers of core signals (connected in ToolboxConfig.ready)."""

from django.dispatch import receiver

from reconnect.signals import care_link_ended
from toolbox import services


@receiver(care_link_ended, dispatch_uid="toolbox.end_shares_when_care_link_ends")
def end_shares_when_care_link_ends(sender, *, link, **kwargs):
    """Access stopped with the link already (toolbox.access checks it on every request); the shares go too, so a
    later new link with the same provider starts from "nothing shared", as every link does."""
    services.end_shares_after_care_link_ended(provider=link.provider, service_user=link.service_user)
