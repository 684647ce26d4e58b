"""The only place the forum fetches boards, threads and posts for a person and decides what they may see.

Who is in the forum:
- service users read and write; a thread local to a community is seen only by that community's members;
- the service user consultant reads and writes everywhere (they moderate every community);
- admins may read (to help with support) but do not write: the forum is for peers;
- health providers are not forum members at all. DESIGN.md: a provider never sees the forum identity of
  the people in their care unless the person reveals it. A provider who could read the forum could match a
  patient's story to a pseudonym, so they get nothing: every forum page answers 404 and the menu has no
  forum link for them.

Everything a person may not see answers 404, exactly like what does not exist.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from forum.models import Board, Post, Thread
from reconnect.models import Role

READER_ROLES = (Role.SERVICE_USER, Role.CONSULTANT, Role.ADMIN)
WRITER_ROLES = (Role.SERVICE_USER, Role.CONSULTANT)


def can_read_forum(user) -> bool:
    """True for signed-in, active service users, the consultant and admins; never for providers."""
    return bool(user.is_authenticated and user.is_active and user.role in READER_ROLES)


def can_post(user) -> bool:
    """True for those who may start threads and reply: service users and the consultant."""
    return bool(user.is_authenticated and user.is_active and user.role in WRITER_ROLES)


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


def _local_filter(user):
    """Threads shared by all communities, and those local to `user`'s own community."""
    return Q(community__isnull=True) | Q(community_id=user.community_id)


def threads_visible_to(user):
    """Threads on active boards that `user` may see: local threads only for their community and the consultant."""
    if not can_read_forum(user):
        return Thread.objects.none()
    threads = Thread.objects.filter(board__is_active=True)
    if user.role == Role.SERVICE_USER:
        threads = threads.filter(_local_filter(user))
    return threads


def get_thread_for(user, thread_id):
    """The thread `thread_id` if `user` may see it (with board and community fetched), else 404."""
    return get_object_or_404(threads_visible_to(user).select_related("board", "community"), pk=thread_id)


def get_post_for(user, post_id):
    """The post `post_id` if `user` may see its thread (with the thread fetched), else 404."""
    return get_object_or_404(
        Post.objects.select_related("thread", "thread__board", "author"),
        thread__in=threads_visible_to(user), pk=post_id,
    )


def get_post_for_edit(user, post_id):
    """`user`'s own, not deleted post `post_id` in a thread they may still see and write in, else 404."""
    if not can_post(user):
        raise Http404
    return get_object_or_404(
        Post.objects.select_related("thread", "thread__board"),
        thread__in=threads_visible_to(user), pk=post_id, author=user, deleted_by_author_at__isnull=True,
    )
