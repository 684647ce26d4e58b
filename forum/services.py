"""Every write of the forum goes through these keyword-only functions.

Counters (board thread/post counts, a thread's reply count and last post) change in the same transaction as
the post, with F() expressions, so they never drift under concurrent writers.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forum import access
from forum.models import (
    BODY_MAX, REPORT_NOTE_MAX, TITLE_MAX, Board, Post, PostFlag, PostReport, PostRevision, Subscription, Thread,
)
from reconnect.models import Role

logger = logging.getLogger(__name__)

# A burst of this many new posts (threads and replies) per person per minute; more waits for the next minute.
POSTS_PER_MINUTE_DEFAULT = 10


class ForumError(Exception):
    """A write the forum refuses, with a message for the person (already translated)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Checks that give the friendly message (the database constraints keep the truth) -------------------
def clean_title(title) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ForumError(_("Please give your thread a title."))
    if len(title) > TITLE_MAX:
        raise ForumError(
            _("The title is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(title), "max": TITLE_MAX}
        )
    return title


def clean_body(body) -> str:
    body = (body or "").replace("\r\n", "\n").strip("\n").rstrip()
    if not body.strip():
        raise ForumError(_("Your post is empty. Please write something before you send it."))
    if len(body) > BODY_MAX:
        raise ForumError(
            _("Your post is %(length)s characters long. Please shorten it to %(max)s characters or fewer, "
              "or split it into two posts.") % {"length": len(body), "max": BODY_MAX}
        )
    return body


def _rate_key(user) -> str:
    # The database name keeps several sites (and parallel test runs) sharing one Redis apart; the join time
    # keeps a re-created database, whose ids start again from 1, from inheriting another person's count.
    joined = int(user.date_joined.timestamp()) if user.date_joined else 0
    return f"forum:posts:{connection.settings_dict['NAME']}:{user.pk}:{joined}:{int(time.time() // 60)}"


def check_rate_limit(*, user) -> None:
    """Raise ForumError when `user` has already made the allowed burst of posts this minute.

    Fails open: if Redis (the cache) is down, posting is allowed. A lost rate limit for a few minutes costs
    little in a small invitation-only forum whose every post the consultant reads; refusing a person in
    distress their post because a cache is down would cost much more.
    """
    limit = getattr(settings, "FORUM_POSTS_PER_MINUTE", POSTS_PER_MINUTE_DEFAULT)
    key = _rate_key(user)
    try:
        cache.add(key, 0, timeout=70)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - any cache failure (connection refused, timeout) means: allow
        logger.warning("Forum rate limit skipped: the cache is not reachable.", exc_info=True)
        return
    if count > limit:
        raise ForumError(
            _("You have written a lot in a short time. Please wait a minute and send it again; "
              "your text is still here.")
        )


def _existing_post(author, submit_token):
    if submit_token is None:
        return None
    return Post.objects.filter(author=author, submit_token=submit_token).select_related("thread").first()


def _parse_token(submit_token):
    if submit_token in (None, ""):
        return None
    try:
        return uuid.UUID(str(submit_token))
    except ValueError:
        return None


def _place_post(*, thread_id, author, body, submit_token, now) -> Post:
    """Add a post at the end of a locked thread row and keep every counter in step."""
    locked = Thread.objects.select_for_update().get(pk=thread_id)
    if locked.is_locked and locked.post_count:
        raise ForumError(_("This thread is locked, so no new replies can be added."))
    post = Post(
        thread=locked, author=author, number=locked.post_count + 1, body=body, created_at=now,
        submit_token=submit_token,
    )
    post.save()
    is_reply = post.number > 1
    Thread.objects.filter(pk=thread_id).update(
        post_count=F("post_count") + 1,
        reply_count=F("reply_count") + (1 if is_reply else 0),
        last_post=post,
        last_post_at=now,
    )
    Board.objects.filter(pk=locked.board_id).update(
        post_count=F("post_count") + 1,
        thread_count=F("thread_count") + (0 if is_reply else 1),
        last_post_at=now,
    )
    subscribe(user=author, thread=locked)
    # What you wrote yourself is not "new" to you.
    mark_thread_read(user=author, thread=locked, up_to_number=post.number)
    return post


# --- Threads and posts ---------------------------------------------------------------------------------
def start_thread(*, board, author, title, body, community=None, submit_token=None) -> Thread:
    """Start a thread on `board` with its first post; local to `community` when given. Subscribes the author.

    The same `submit_token` twice (a form sent twice) returns the thread made the first time.
    """
    if not access.can_post(author):
        raise ForumError(_("Your account cannot write in the forum."))
    if not board.is_active:
        raise ForumError(_("This board is closed for new threads."))
    if community is not None and author.role == Role.SERVICE_USER and community.pk != author.community_id:
        raise ForumError(_("You can only make a thread local to your own community."))
    title, body = clean_title(title), clean_body(body)
    submit_token = _parse_token(submit_token)
    existing = _existing_post(author, submit_token)
    if existing is not None:
        return existing.thread
    check_rate_limit(user=author)
    now = timezone.now()
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                board=board, title=title, author=author, community=community, created_at=now, last_post_at=now,
            )
            _place_post(thread_id=thread.pk, author=author, body=body, submit_token=submit_token, now=now)
    except IntegrityError:
        existing = _existing_post(author, submit_token)
        if existing is None:
            raise
        return existing.thread
    thread.refresh_from_db()
    return thread


def _reply_notice():
    # No post text, no title, no pseudonym: notifications may travel by e-mail (SECURITY.md).
    return gettext_lazy("New reply in a thread you follow")


def _notify_subscribers(*, post):
    from reconnect.services import notify

    thread = post.thread
    subscribers = (
        Subscription.objects.filter(thread=thread, user__is_active=True)
        .exclude(user_id=post.author_id)
        .select_related("user")
    )
    if thread.community_id is not None:
        # Someone who moved to another community no longer sees a local thread: no notification either.
        subscribers = subscribers.filter(
            Q(user__community_id=thread.community_id) | Q(user__role__in=[Role.CONSULTANT, Role.ADMIN])
        )
    link = post.get_absolute_url()
    for subscription in subscribers:
        recipient = subscription.user
        if recipient.role not in access.READER_ROLES:
            continue
        with translation.override(recipient.preferred_language):
            notify(recipient=recipient, kind="forum_reply", text=str(_reply_notice()), link=link)


def post_reply(*, thread, author, body, submit_token=None) -> Post:
    """Add `author`'s reply at the end of `thread`, subscribe them, and notify the other subscribers.

    Refused (ForumError) for a locked thread, an empty or too long text, or too many posts in a minute. The
    same `submit_token` twice returns the post made the first time.
    """
    if not access.can_post(author):
        raise ForumError(_("Your account cannot write in the forum."))
    if thread.is_locked:
        raise ForumError(_("This thread is locked, so no new replies can be added."))
    body = clean_body(body)
    submit_token = _parse_token(submit_token)
    existing = _existing_post(author, submit_token)
    if existing is not None:
        return existing
    check_rate_limit(user=author)
    now = timezone.now()
    try:
        with transaction.atomic():
            post = _place_post(thread_id=thread.pk, author=author, body=body, submit_token=submit_token, now=now)
            _notify_subscribers(post=post)
    except IntegrityError:
        existing = _existing_post(author, submit_token)
        if existing is None:
            raise
        return existing
    thread.reply_count, thread.post_count = thread.reply_count + 1, post.number
    thread.last_post, thread.last_post_at = post, now
    return post


def edit_post(*, post, editor, body) -> Post:
    """Change the text of `editor`'s own post; the earlier text is kept as a PostRevision for the moderator."""
    if post.author_id != editor.pk or post.is_deleted:
        raise ForumError(_("You can only edit your own posts."))
    body = clean_body(body)
    if body == post.body:
        return post
    now = timezone.now()
    with transaction.atomic():
        PostRevision.objects.create(post=post, body=post.body, replaced_at=now, editor=editor)
        post.body, post.edited_at = body, now
        post.save(update_fields=["body", "edited_at"])
    return post


def delete_own_post(*, post, author) -> None:
    """Delete `author`'s own post: its text (and earlier versions) are removed, its place stays.

    The thread then shows "deleted by the author" where the post was, so replies keep their context. The
    text is really gone: a person who deletes what they wrote must be able to trust that it is deleted.
    """
    if post.author_id != author.pk:
        raise ForumError(_("You can only delete your own posts."))
    if post.is_deleted:
        return
    now = timezone.now()
    with transaction.atomic():
        PostRevision.objects.filter(post=post).delete()
        Post.objects.filter(pk=post.pk).update(deleted_by_author_at=now, body="", body_html="")
    post.deleted_by_author_at, post.body, post.body_html = now, "", ""


# --- Following, reading, views ---------------------------------------------------------------------------
def subscribe(*, user, thread) -> None:
    """`user` follows `thread`; twice changes nothing."""
    Subscription.objects.bulk_create([Subscription(user=user, thread=thread)], ignore_conflicts=True)


def unsubscribe(*, user, thread) -> None:
    """`user` stops following `thread`; when they were not following, nothing changes."""
    Subscription.objects.filter(user=user, thread=thread).delete()


def mark_thread_read(*, user, thread, up_to_number) -> None:
    """Remember that `user` has read `thread` up to post `up_to_number`; never moves backwards. One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO forum_threadreadstate (user_id, thread_id, last_read_number, updated_at)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (user_id, thread_id) DO UPDATE
               SET last_read_number = EXCLUDED.last_read_number, updated_at = EXCLUDED.updated_at
             WHERE forum_threadreadstate.last_read_number < EXCLUDED.last_read_number
            """,
            [user.pk, thread.pk, up_to_number, timezone.now()],
        )


def record_thread_view(*, user, thread, day=None) -> bool:
    """Count a view of `thread` by `user`, once per person per day. True when this view was counted.

    One statement: the insert that does nothing on a repeat, and the counter raised only when a row was
    inserted, so two tabs opening at once still count one view.
    """
    day = day or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH inserted AS (
                INSERT INTO forum_threadview (thread_id, user_id, day) VALUES (%s, %s, %s)
                ON CONFLICT (thread_id, user_id, day) DO NOTHING
                RETURNING 1
            )
            UPDATE forum_thread SET view_count = view_count + 1
             WHERE id = %s AND EXISTS (SELECT 1 FROM inserted)
            """,
            [thread.pk, user.pk, day, thread.pk],
        )
        counted = cursor.rowcount == 1
    if counted:
        thread.view_count += 1
    return counted


# --- Reports and flags for the consultant -----------------------------------------------------------------
ALREADY_REPORTED_MESSAGE = gettext_lazy(
    "You have already reported this post, and the service user consultant has it. Thank you."
)


class AlreadyReported(ForumError):
    """The person's earlier report of this post is still open: nothing new is stored."""


def already_reported(*, post, reporter) -> bool:
    """True while `reporter` has an open (unhandled) report of `post`."""
    return PostReport.objects.filter(post=post, reporter=reporter, handled_at__isnull=True).exists()


def why_not_reportable(*, post, reporter) -> str:
    """Why `reporter` cannot report `post` (a message for them), or "" when they can."""
    if not access.can_post(reporter):
        return _("Your account cannot report posts.")
    if post.author_id == reporter.pk:
        return _("This is your own post. You can edit or delete it instead of reporting it.")
    if post.is_deleted or post.is_hidden:
        return _("This post has already been removed from view, so there is nothing to report.")
    return ""


def report_post(*, post, reporter, reason, note="") -> PostReport:
    """`reporter` asks the consultant to look at `post`. The writer is never told who reported.

    Refused (ForumError) for one's own post, a deleted or hidden post, an unknown reason or a note that is too
    long; AlreadyReported (a ForumError) while the same person's earlier report of the post is still open.
    """
    refusal = why_not_reportable(post=post, reporter=reporter)
    if refusal:
        raise ForumError(refusal)
    if reason not in PostReport.Reason.values:
        raise ForumError(_("Please choose why you are reporting this post."))
    note = (note or "").strip()
    if len(note) > REPORT_NOTE_MAX:
        raise ForumError(
            _("Your note is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(note), "max": REPORT_NOTE_MAX}
        )
    already = AlreadyReported(str(ALREADY_REPORTED_MESSAGE))
    if already_reported(post=post, reporter=reporter):
        raise already
    try:
        with transaction.atomic():
            return PostReport.objects.create(post=post, reporter=reporter, reason=reason, note=note)
    except IntegrityError:
        # The same report sent twice at once: the first one stands.
        raise already from None


def flag_post(*, post, kind) -> PostFlag:
    """Mark `post` for the consultant's attention (kind "crisis" or "privacy"); twice changes nothing."""
    if kind not in PostFlag.Kind.values:
        raise ValueError(f"unknown flag kind: {kind!r}")
    flag, _created = PostFlag.objects.get_or_create(post=post, kind=kind)
    return flag


def count_writing_check(*, privacy_found=False, crisis_found=False, posted_anyway=False, day=None) -> None:
    """Add one to today's statistics of the writing checks. Stores counts only, never text or people.

    A check shown to the writer counts as checked (with what kind of thing it found); a post the writer then
    sent with "Post anyway" counts as posted anyway.
    """
    day = day or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO forum_writingcheckday (day, checked, privacy_found, crisis_found, posted_anyway)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (day) DO UPDATE SET
                checked = forum_writingcheckday.checked + EXCLUDED.checked,
                privacy_found = forum_writingcheckday.privacy_found + EXCLUDED.privacy_found,
                crisis_found = forum_writingcheckday.crisis_found + EXCLUDED.crisis_found,
                posted_anyway = forum_writingcheckday.posted_anyway + EXCLUDED.posted_anyway
            """,
            [day, 0 if posted_anyway else 1, int(privacy_found), int(crisis_found), int(posted_anyway)],
        )


# --- Support reactions -------------------------------------------------------------------------------------


# --- Circles -----------------------------------------------------------------------------------------------


# --- Member profiles ---------------------------------------------------------------------------------------


# --- The consultant's moderation ---------------------------------------------------------------------------
