"""The only place the forum fetches boards, threads and posts for a person and decides what they may see.

Who is in the forum:
- service users read and write; a thread local to a community is seen only by that community's members; a
  thread in a circle only by the circle's members;
- the service user consultant reads and writes everywhere (they moderate every community and are a member of
  every circle);
- admins may read the boards (to help with support) but do not write: the forum is for peers. Circles are
  closed groups of people who have revealed more of themselves to each other, so admins do not see them;
- health providers are not forum members at all. DESIGN.md: a provider never sees the forum identity of
  the people in their care unless the person reveals it. A provider who could read the forum could match a
  patient's story to a pseudonym, so they get nothing: every forum page answers 404 and the menu has no
  forum link for them.

Everything a person may not see answers 404, exactly like what does not exist.
"""

import re

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from forum.models import Board, BoardCount, Circle, CircleInvitation, CircleMembership, Post, Thread
from reconnect.models import Role

READER_ROLES = (Role.SERVICE_USER, Role.CONSULTANT, Role.ADMIN)
WRITER_ROLES = (Role.SERVICE_USER, Role.CONSULTANT)


def can_read_forum(user) -> bool:
    """True for signed-in, active service users, the consultant and admins; never for providers."""
    return bool(user.is_authenticated and user.is_active and user.role in READER_ROLES)


def can_post(user) -> bool:
    """True for those who may start threads and reply: service users and the consultant."""
    return bool(user.is_authenticated and user.is_active and user.role in WRITER_ROLES)


def can_moderate(user) -> bool:
    """True for the service user consultant: pin, lock, move, hide and restore, read earlier versions."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.CONSULTANT)


def check_can_moderate(user) -> None:
    """Raise 404 unless `user` is the consultant (to everyone else, moderation pages do not exist)."""
    if not can_moderate(user):
        raise Http404


def check_can_read_forum(user) -> None:
    """Raise 404 unless `user` may read the forum (providers and anonymous visitors may not)."""
    if not can_read_forum(user):
        raise Http404


def check_can_post(user) -> None:
    """Raise 404 unless `user` may write in the forum."""
    if not can_post(user):
        raise Http404


def boards_visible_to(user):
    """The active boards, in the admin's order, for a forum reader; none for anyone else."""
    if not can_read_forum(user):
        return Board.objects.none()
    return Board.objects.filter(is_active=True)


def get_board_for(user, slug):
    """The active board `slug` if `user` may read the forum, else 404."""
    return get_object_or_404(boards_visible_to(user), slug=slug)


def with_visible_counts(user, boards):
    """`boards` as a list, each with `shown_thread_count`, `shown_post_count` and `shown_last_post_at`: what
    `user` may see. A service user's counts leave out threads local to other communities (one query for all
    boards: the counters kept on write for shared threads and for their own community); the consultant and
    admins see every board's totals."""
    boards = list(boards)
    if user.role == Role.SERVICE_USER:
        rows = BoardCount.objects.filter(board__in=[b.pk for b in boards]).filter(
            Q(community__isnull=True) | Q(community_id=user.community_id)
        )
        by_board = {}
        for row in rows:
            by_board.setdefault(row.board_id, []).append(row)
        for board in boards:
            counts = by_board.get(board.pk, [])
            board.shown_thread_count = sum(c.thread_count for c in counts)
            board.shown_post_count = sum(c.post_count for c in counts)
            board.shown_last_post_at = max((c.last_post_at for c in counts if c.last_post_at), default=None)
    else:
        for board in boards:
            board.shown_thread_count, board.shown_post_count = board.thread_count, board.post_count
            board.shown_last_post_at = board.last_post_at
    return boards


def circles_visible_to(user):
    """The circles `user` is a member of; every circle for the consultant; none for anyone else."""
    if not can_post(user):
        return Circle.objects.none()
    if user.role == Role.CONSULTANT:
        return Circle.objects.all()
    return Circle.objects.filter(pk__in=CircleMembership.objects.filter(user=user).values("circle_id"))


def get_circle_for(user, circle_id):
    """The circle `circle_id` if `user` is in it (or is the consultant), else 404."""
    return get_object_or_404(circles_visible_to(user), pk=circle_id)


def is_in_circle(user, circle) -> bool:
    """True when `user` may read and write in `circle`: a member, or the consultant (in every circle by role)."""
    return circles_visible_to(user).filter(pk=circle.pk).exists()


def circle_invitations_for(user):
    """Invitations into circles addressed to `user` (any status); none for anyone who cannot be in a circle."""
    if not (can_post(user) and user.role == Role.SERVICE_USER):
        return CircleInvitation.objects.none()
    return CircleInvitation.objects.filter(invitee=user)


def get_circle_invitation_for_invitee(user, invitation_id):
    """The invitation `invitation_id` if it is addressed to `user` (to accept or decline), else 404."""
    return get_object_or_404(circle_invitations_for(user).select_related("circle"), pk=invitation_id)


def get_circle_invitation_for_inviter(user, invitation_id):
    """The invitation `invitation_id` if `user` sent it into a circle they are still in (to withdraw), else 404."""
    return get_object_or_404(
        CircleInvitation.objects.select_related("circle", "invitee").filter(
            invited_by_id=user.pk, circle__in=circles_visible_to(user),
        ),
        pk=invitation_id,
    )


def threads_visible_to(user):
    """Threads `user` may see: on active boards (local threads only for their community and the consultant)
    and in circles they belong to (all circles for the consultant, none for admins)."""
    if not can_read_forum(user):
        return Thread.objects.none()
    return Thread.objects.filter(thread_visible(user))


def thread_visible(user, path=""):
    """The condition of threads_visible_to on the thread at `path` ("thread__" from a post), for a query that
    joins the thread anyway: checked on its own rows, not by looking through every thread `user` may see."""
    if not can_read_forum(user):
        return Q(pk__in=[])
    on_boards = Q(**{f"{path}board__is_active": True})
    if user.role == Role.SERVICE_USER:
        # Threads shared by all communities, and those local to the person's own community.
        on_boards &= Q(**{f"{path}community__isnull": True}) | Q(**{f"{path}community_id": user.community_id})
    in_circles = Q(**{f"{path}circle__in": circles_visible_to(user)}) if can_post(user) else Q(pk__in=[])
    return on_boards | in_circles


def board_threads_visible_to(user):
    """The threads of `threads_visible_to` that are on a board (not in a circle)."""
    return threads_visible_to(user).filter(board__isnull=False)


def get_thread_for(user, thread_id):
    """The thread `thread_id` if `user` may see it (with board and community fetched), else 404."""
    return get_object_or_404(threads_visible_to(user).select_related("board", "circle", "community"), pk=thread_id)


def get_post_for(user, post_id):
    """The post `post_id` if `user` may see its thread (with the thread fetched), else 404."""
    return get_object_or_404(
        Post.objects.select_related("thread", "thread__board", "thread__circle", "author"),
        thread__in=threads_visible_to(user), pk=post_id,
    )


def readable_text(user):
    """The condition on a post (in a thread `user` may see) for reading its text: not deleted, and not hidden
    by the moderator (except one's own hidden posts, and everything for the consultant)."""
    readable = Q(deleted_by_author_at__isnull=True)
    if not can_moderate(user):
        readable &= Q(hidden_at__isnull=True) | Q(author_id=user.pk)
    return readable


def posts_visible_to(user):
    """Posts `user` may read the text of, for search and profile pages: in threads they may see, not deleted,
    and not hidden by the moderator (except their own hidden posts, and everything for the consultant)."""
    return Post.objects.filter(readable_text(user), thread__in=threads_visible_to(user))


def posts_in_threads_visible_to(user):
    """Every post in a thread `user` may see, deleted and hidden ones too: for search results that point to a
    thread by its title (whose first post may be gone). Show a post's text only where `readable_text` holds."""
    return Post.objects.filter(thread_visible(user, "thread__"))


def get_post_for_edit(user, post_id):
    """`user`'s own, not deleted post `post_id` in a thread they may still see and write in, else 404."""
    if not can_post(user):
        raise Http404
    return get_object_or_404(
        Post.objects.select_related("thread", "thread__board", "thread__circle"),
        thread__in=threads_visible_to(user), pk=post_id, author=user, deleted_by_author_at__isnull=True,
    )


# --- Member profiles ---------------------------------------------------------------------------------------
# Pseudonyms are 3–30 letters, digits, spaces, hyphens and underscores (reconnect.forms.pseudonym_problem).
# Anything else in a profile URL cannot be a member, and is answered 404 before it reaches the database (a NUL
# character, say, would make PostgreSQL raise).
_PSEUDONYM_SHAPE = re.compile(r"[\w\- ]{3,30}")


def has_forum_profile(user) -> bool:
    """True for those who have a forum profile: active service users and the consultant (not providers, not
    admins, not deleted or deactivated accounts)."""
    return bool(user is not None and user.is_active and user.role in WRITER_ROLES)


def get_member_for(viewer, pseudonym):
    """The member whose pseudonym is `pseudonym` (any letter case), with their profile and community fetched,
    if `viewer` may read the forum and the member has a forum profile; else 404."""
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Lower

    check_can_read_forum(viewer)
    if not isinstance(pseudonym, str) or not _PSEUDONYM_SHAPE.fullmatch(pseudonym):
        raise Http404
    member = (
        get_user_model().objects.select_related("forum_profile", "community")
        .annotate(pseudonym_lower=Lower("pseudonym"))
        .filter(pseudonym_lower=pseudonym.lower(), is_active=True, role__in=WRITER_ROLES)
        .first()
    )
    if member is None:
        raise Http404
    return member


def active_posting_pause(user):
    """`user`'s running posting pause (set by the consultant), or None."""
    from django.utils import timezone

    from forum.models import PostingPause

    if not getattr(user, "pk", None):
        return None
    return PostingPause.objects.filter(user_id=user.pk, ended_at__isnull=True, until__gt=timezone.now()).first()
