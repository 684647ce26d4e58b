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
    """The audit trail rows about `user`'s own data, newest first, with the actor fetched alongside."""
    return AuditEvent.objects.filter(subject_user=user).select_related("actor").order_by("-created_at", "-id")


def provider_ids_named_to(user):
    """Ids of the providers whose real name `user` may see: those with a care link to them, now or before.

    A person knows who their own providers are (or were); anyone else is named only by role.
    """
    if user.role != Role.SERVICE_USER:
        return set()
    return set(CareLink.objects.filter(service_user=user).values_list("provider_id", flat=True))


def invitations_sent_by(user):
    """The invitations `user` has sent, newest first; nobody else's."""
    from reconnect.models import Invitation

    return Invitation.objects.filter(invited_by=user).select_related("community")


def get_invitation_sent_by(user, invitation_id):
    """The invitation `invitation_id` if `user` sent it, else 404."""
    invitation = invitations_sent_by(user).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def get_usable_invitation(token):
    """The invitation for `token` if it can still be accepted, else 404 (unknown, expired, used or withdrawn)."""
    from reconnect.models import Invitation, hash_token

    if not token or len(token) > 200:
        raise Http404
    invitation = Invitation.objects.select_related("community", "care_provider").filter(
        token_hash=hash_token(token)
    ).first()
    if invitation is None or not invitation.is_usable:
        raise Http404
    return invitation


def get_user_session_for(user, session_id):
    """One of `user`'s own signed-in sessions (allauth usersessions), else 404."""
    from allauth.usersessions.models import UserSession

    session = UserSession.objects.filter(user=user, pk=session_id).first()
    if session is None:
        raise Http404
    return session
