"""The only place the core fetches protected objects for a person and decides what they may see.

Every function raises Http404 for what the person may not see, exactly as for what does not exist.
"""

from functools import wraps

from allauth.usersessions.models import UserSession
from django.http import Http404
from django.shortcuts import get_object_or_404

from reconnect.models import AuditEvent, CareLink, Invitation, Notification, Role, hash_token


def page_for(check):
    """A view decorator: `check(request.user)` runs first and raises (Http404) for anyone the page is not for.

    Each app names its own, e.g. `forum_reader = page_for(access.check_can_read_forum)`.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            check(request.user)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def notifications_for(user):
    """The notifications addressed to `user`, newest first; nobody else's."""
    return Notification.objects.filter(recipient=user)


def get_notification_for(user, notification_id):
    """The notification `notification_id` if it is addressed to `user`, else 404."""
    return get_object_or_404(notifications_for(user), pk=notification_id)


def active_care_links_for(user):
    """Active care links where `user` is the provider or the service user; none for other roles."""
    if user.role == Role.PROVIDER:
        return CareLink.objects.active().filter(provider=user)
    if user.role == Role.SERVICE_USER:
        return CareLink.objects.active().filter(service_user=user)
    return CareLink.objects.none()


def get_care_link_for(user, link_id):
    """An active care link `user` is part of, else 404."""
    return get_object_or_404(active_care_links_for(user).select_related("provider", "service_user"), pk=link_id)


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
    return Invitation.objects.filter(invited_by=user).select_related("community")


def get_invitation_sent_by(user, invitation_id):
    """The invitation `invitation_id` if `user` sent it, else 404."""
    return get_object_or_404(invitations_sent_by(user), pk=invitation_id)


def get_usable_invitation(token):
    """The invitation for `token` if it can still be accepted, else 404 (unknown, expired, used or withdrawn)."""
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
    return get_object_or_404(UserSession.objects, user=user, pk=session_id)
