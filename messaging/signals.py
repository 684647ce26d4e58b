"""Messaging's receivers of core signals (connected in MessagingConfig.ready)."""

from django.dispatch import receiver

from messaging import services
from reconnect.signals import care_link_ended


@receiver(care_link_ended, dispatch_uid="messaging.forget_unread_after_care_link_ended")
def forget_unread_when_care_link_ends(sender, *, link, **kwargs):
    """The provider can no longer open those conversations, so their unread messages there leave the badge."""
    services.forget_unread_after_care_link_ended(provider=link.provider, service_user=link.service_user)
