"""The only place the core fetches protected objects for a person and decides what they may see.

Every function raises Http404 for what the person may not see, exactly as for what does not exist.
"""

from django.http import Http404

from reconnect.models import AuditEvent, CareLink, Notification, Role


def notifications_for(user):
    """The notifications addressed to `user`, newest first; nobody else's."""
    return Notification.objects.filter(recipient=user)


def get_notification_for(user, notification_id):
    """The notification `notification_id` if it is addressed to `user`, else 404."""
    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    return notification


def active_care_links_for(user):
    """Active care links where `user` is the provider or the service user; none for other roles."""
    if user.role == Role.PROVIDER:
        return CareLink.objects.active().filter(provider=user)
    if user.role == Role.SERVICE_USER:
        return CareLink.objects.active().filter(service_user=user)
    return CareLink.objects.none()


def get_care_link_for(user, link_id):
    """An active care link `user` is part of, else 404."""
    link = active_care_links_for(user).filter(pk=link_id).select_related("provider", "service_user").first()
    if link is None:
        raise Http404
    return link


def audit_events_about(user):
    """The audit trail rows about `user`'s own data, newest first."""
    return AuditEvent.objects.filter(subject_user=user)
