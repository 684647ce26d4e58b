"""The only place messaging fetches conversations, messages and attachments for a person.

Who can reach whom:
- a service user writes to the providers they have an ACTIVE care link with (one of them, or the whole care
  team at once), or to a service user consultant. Consultants belong to no community in this portal (they
  serve every community, as in the forum), so every active consultant can be reached;
- a provider starts a conversation with a service user actively linked to them;
- the consultant replies in conversations a service user started with them, and starts none;
- admins do not read messages: every messaging page answers 404 to them.

Who sees a conversation: its service user always; a provider while they are a participant AND still have an
active care link to that service user (checked in the query on every request, so ending the link ends access
at once); the consultant while a participant. Everything else answers 404, exactly like what does not exist.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from messaging.models import Attachment, Conversation, Message, Participant
from reconnect.models import CareLink, Role, User

MESSAGING_ROLES = (Role.SERVICE_USER, Role.PROVIDER, Role.CONSULTANT)


def can_use_messaging(user) -> bool:
    """True for signed-in, active service users, providers and consultants; never for admins."""
    return bool(user.is_authenticated and user.is_active and user.role in MESSAGING_ROLES)


def check_can_use_messaging(user) -> None:
    """Raise 404 unless `user` may use messaging at all."""
    if not can_use_messaging(user):
        raise Http404


def can_set_reply_time(user) -> bool:
    """True for those people write to: providers and the consultant."""
    return can_use_messaging(user) and user.role in (Role.PROVIDER, Role.CONSULTANT)


def _active_link(provider_ref, service_user_ref):
    return CareLink.objects.active().filter(provider=provider_ref, service_user=service_user_ref)


def conversations_visible_to(user):
    """The conversations `user` may open (see the module docstring); none for anyone else."""
    if not can_use_messaging(user):
        return Conversation.objects.none()
    if user.role == Role.SERVICE_USER:
        return Conversation.objects.filter(service_user=user)
    is_participant = Exists(Participant.objects.filter(conversation=OuterRef("pk"), user=user))
    visible = Conversation.objects.filter(is_participant)
    if user.role == Role.PROVIDER:
        visible = visible.filter(Exists(_active_link(user, OuterRef("service_user"))))
    elif user.role == Role.CONSULTANT:
        visible = visible.filter(kind=Conversation.Kind.CONSULTANT)
    return visible


def get_conversation_for(user, conversation_id):
    """The conversation `conversation_id` if `user` may open it (with its service user fetched), else 404."""
    return get_object_or_404(conversations_visible_to(user).select_related("service_user"), pk=conversation_id)


def participants_of(conversation):
    """Every participant of `conversation` with their user, each annotated `linked`: whether a provider still
    has an active care link to its service user (False for other roles, who need none; see `has_access`)."""
    return (
        Participant.objects.filter(conversation=conversation)
        .annotate(linked=Exists(_active_link(OuterRef("user"), conversation.service_user_id)))
        .select_related("user")
        .order_by("joined_at", "pk")
    )


def has_access(participant) -> bool:
    """For a participant from `participants_of`: can they open the conversation now?"""
    return participant.user.is_active and (participant.linked or participant.user.role != Role.PROVIDER)


def participants_with_access(conversation):
    """The participants of `conversation` who can open it now, with their users: a provider whose care link
    ended is left out (they no longer count as unread, are not alerted, and do not hold back "read")."""
    return participants_of(conversation).filter(user__is_active=True).filter(
        Q(linked=True) | ~Q(user__role=Role.PROVIDER)
    )


def get_own_message_for_change(user, message_id):
    """`user`'s own message `message_id` in a conversation they can still open, else 404."""
    return get_object_or_404(
        Message.objects.select_related("conversation", "conversation__service_user"),
        conversation__in=conversations_visible_to(user), sender=user, pk=message_id,
    )


def get_attachment_for(user, attachment_id):
    """The attachment `attachment_id` if `user` may open its conversation and it was not withdrawn, else 404."""
    return get_object_or_404(
        Attachment.objects.select_related("message"),
        message__conversation__in=conversations_visible_to(user), message__withdrawn_at__isnull=True,
        pk=attachment_id,
    )


# --- Whom a person may write to -----------------------------------------------------------------------
def linked_providers_of(service_user):
    """The providers with an active care link to `service_user`, by real name."""
    return User.objects.filter(
        role=Role.PROVIDER, is_active=True,
        pk__in=CareLink.objects.active().filter(service_user=service_user).values("provider_id"),
    ).order_by("real_name", "pk")


def reachable_consultants():
    """Every active service user consultant (they serve all communities)."""
    return User.objects.filter(role=Role.CONSULTANT, is_active=True).order_by("pseudonym", "pk")


def linked_service_users_of(provider):
    """The service users with an active care link to `provider`."""
    return User.objects.filter(
        role=Role.SERVICE_USER, is_active=True,
        pk__in=CareLink.objects.active().filter(provider=provider).values("service_user_id"),
    ).order_by("real_name", "pk")


def can_start_conversation(user) -> bool:
    """Service users and providers start conversations; the consultant only answers."""
    return can_use_messaging(user) and user.role in (Role.SERVICE_USER, Role.PROVIDER)


# --- How people are named -----------------------------------------------------------------------------
def display_name(viewer, person) -> str:
    """How `person` is named to `viewer` in messaging.

    Providers are professionals: named by their real name to the people in their care and to colleagues.
    A provider sees the real name of the people in their care (DESIGN.md: the care team relationship).
    The consultant is a peer worker and is named by pseudonym; the consultant sees service users only by
    pseudonym (DESIGN.md: the consultant never sees real names).
    """
    if person is None:
        return ""
    if person.pk == viewer.pk:
        return str(person)
    if person.role == Role.PROVIDER:
        return person.real_name or person.pseudonym
    if person.role == Role.SERVICE_USER and viewer.role == Role.PROVIDER:
        return person.real_name or person.pseudonym
    return person.pseudonym
