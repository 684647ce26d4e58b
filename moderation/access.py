"""The only place the moderation app fetches its objects for a person and decides what they may see.

The queue, the log, member notes and the rest of the consultant's workspace are for the service user
consultant and admins; to everyone else they do not exist (404). A member sees only what was done to their own
posts, and never who reported them.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from forum import access as forum_access
from moderation.models import (
    ACTIONS_SHOWN_TO_MEMBER, OPEN_STATES, MemberNote, ModerationLog, QueueItem, QueueKind, QueueReason, QueueState,
    ReplyTemplate,
)
from reconnect.models import Role
from reconnect.queries import fetched_in_written_join_order

WORKSPACE_ROLES = (Role.CONSULTANT, Role.ADMIN)
# The age filter: "older than" choices in hours.
AGE_CHOICES = (1, 12, 24, 72)


def can_use_workspace(user) -> bool:
    """True for the signed-in, active service user consultant and admins."""
    return bool(user.is_authenticated and user.is_active and user.role in WORKSPACE_ROLES)


def check_can_use_workspace(user) -> None:
    """Raise 404 unless `user` is the consultant or an admin."""
    if not can_use_workspace(user):
        raise Http404


def can_act_in_forum(user) -> bool:
    """True for those who may hide, lock, reply and so on: the consultant (admins read and mark handled)."""
    return forum_access.can_moderate(user)


def check_can_act_in_forum(user) -> None:
    """Raise 404 unless `user` may act in the forum from the workspace."""
    if not can_act_in_forum(user):
        raise Http404


def open_item_count(user) -> int:
    """How many items wait in the queue (new or being handled); 0 for anyone without the workspace. One query."""
    if not can_use_workspace(user):
        return 0
    return QueueItem.objects.exclude(state=QueueState.DONE).count()


def _reasons_prefetch():
    return Prefetch("reasons", queryset=QueueReason.objects.select_related("report", "report__reporter")
                    .only("item_id", "kind", "created_at", "report__reason", "report__note",
                          "report__reporter__pseudonym"))


def queue_items_for(user, *, kind="", community_id=None, state="open", older_than_hours=None, now=None):
    """The queue as `user` (consultant or admin) sees it, filtered; none for anyone else.

    Open items come most urgent first (crisis language first), then oldest first; handled items newest first.
    Each item comes with its post, thread, author, community, café and reasons (with the reporter's pseudonym),
    in a fixed number of queries whatever the number of items.
    """
    if not can_use_workspace(user):
        return QueueItem.objects.none()
    items = QueueItem.objects.all()
    if state == "done":
        items = items.filter(state=QueueState.DONE).order_by("-done_at", "-pk")
    else:
        if state in (QueueState.NEW, QueueState.HANDLING):
            items = items.filter(state=state)
        elif state != "all":
            items = items.filter(state__in=OPEN_STATES)
        items = items.order_by("priority", "created_at", "pk")
    if kind in QueueKind.values:
        items = items.filter(kind=kind)
    if community_id:
        items = items.filter(community_id=community_id)
    if older_than_hours:
        items = items.filter(created_at__lte=(now or timezone.now()) - timedelta(hours=older_than_hours))
    return items.select_related(
        "post", "post__author", "thread", "community", "handling_by", "done_by", "companion_request",
        "companion_request__user", "cafe", "feedback",
    ).prefetch_related(_reasons_prefetch())


def get_item_for(user, item_id):
    """The queue item `item_id` with everything its page shows, if `user` is the consultant or an admin; else 404."""
    check_can_use_workspace(user)
    found = fetched_in_written_join_order(queue_items_for(user, state="all").filter(pk=item_id))
    if not found:
        raise Http404
    return found[0]


def log_for(user):
    """The moderation log, newest first, with the people it names (by pseudonym); none for anyone else."""
    if not can_use_workspace(user):
        return ModerationLog.objects.none()
    return ModerationLog.objects.select_related("actor", "subject_user", "thread").order_by("-created_at", "-id")


def get_member_for(user, pseudonym):
    """The service user whose pseudonym is `pseudonym` (any letter case), for the consultant or an admin; else 404."""
    check_can_use_workspace(user)
    if not isinstance(pseudonym, str) or not 3 <= len(pseudonym) <= 30:
        raise Http404
    return get_object_or_404(get_user_model().objects.select_related("community"),
                             pseudonym__iexact=pseudonym, role=Role.SERVICE_USER)


def notes_about(user, member):
    """The notes about `member`, newest first, for the consultant or an admin; none for anyone else."""
    if not can_use_workspace(user):
        return MemberNote.objects.none()
    return MemberNote.objects.filter(member=member).select_related("author")


def templates_of(user):
    """`user`'s own reply templates (the consultant's); none for anyone else."""
    if not can_act_in_forum(user):
        return ReplyTemplate.objects.none()
    return ReplyTemplate.objects.filter(owner=user)


def get_template_for(user, template_id):
    """One of `user`'s own reply templates, else 404."""
    return get_object_or_404(templates_of(user), pk=template_id)


def own_moderation_history(user):
    """What was done to `user`'s own posts, threads and posting, newest first. Never who reported, never notes."""
    if not forum_access.has_forum_profile(user) or user.role != Role.SERVICE_USER:
        return ModerationLog.objects.none()
    return (ModerationLog.objects.filter(subject_user=user, action__in=ACTIONS_SHOWN_TO_MEMBER)
            .select_related("thread").order_by("-created_at", "-id"))
