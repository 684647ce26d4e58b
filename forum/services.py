"""Every write of the forum goes through these keyword-only functions.

Counters (board thread/post counts, a thread's reply count and last post) change in the same transaction as
the post, with F() expressions, so they never drift under concurrent writers.
"""

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forum import access
from forum.models import (
    BODY_MAX, REPORT_NOTE_MAX, TITLE_MAX, Board, Post, PostFlag, PostReport, PostRevision, Subscription, Thread,
)
from forum.models import Reaction
from forum.models import CIRCLE_DESCRIPTION_MAX, CIRCLE_NAME_MAX, Circle, CircleInvitation, CircleMembership
from forum.models import ABOUT_ME_MAX, MemberProfile
from forum.models import BoardCount
from reconnect.models import Role
from reconnect.userinput import UserFacingError, clean_text, within_rate_limit

logger = logging.getLogger(__name__)

# A burst of this many new posts (threads and replies) per person per minute; more waits for the next minute.
POSTS_PER_MINUTE_DEFAULT = 10


class ForumError(UserFacingError):
    """A write the forum refuses, with a message for the person (already translated)."""


# --- Checks that give the friendly message (the database constraints keep the truth) -------------------
def clean_title(title) -> str:
    return clean_text(
        title, max_length=TITLE_MAX, single_line=True, error=ForumError,
        empty_message=_("Please give your thread a title."),
        too_long_message=_("The title is %(length)s characters long. "
                           "Please shorten it to %(max)s characters or fewer."),
    )


def clean_body(body) -> str:
    return clean_text(
        body, max_length=BODY_MAX, error=ForumError,
        empty_message=_("Your post is empty. Please write something before you send it."),
        too_long_message=_("Your post is %(length)s characters long. "
                           "Please shorten it to %(max)s characters or fewer, or split it into two posts."),
    )


def check_rate_limit(*, user) -> None:
    """Raise ForumError when `user` has already made the allowed burst of posts this minute.

    Fails open when Redis (the cache) is down (see reconnect.userinput.within_rate_limit for why).
    """
    limit = getattr(settings, "FORUM_POSTS_PER_MINUTE", POSTS_PER_MINUTE_DEFAULT)
    if not within_rate_limit(scope="forum:posts", user=user, limit=limit):
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
    # Read from the locked row: slow mode set a moment ago counts, whatever the caller's copy of the thread says.
    check_slow_mode(thread=locked, author=author)
    number = locked.post_count + 1
    post = Post(
        thread=locked, author=author, number=number, body=body, created_at=now, submit_token=submit_token,
        # The first post carries the title, so a search for words part in the title, part in the text finds it.
        thread_title=locked.title if number == 1 else "",
    )
    post.save()
    is_reply = post.number > 1
    Thread.objects.filter(pk=thread_id).update(
        post_count=F("post_count") + 1,
        reply_count=F("reply_count") + (1 if is_reply else 0),
        last_post=post,
        last_post_at=now,
    )
    if locked.board_id is not None:  # a thread in a circle has no board to count on
        Board.objects.filter(pk=locked.board_id).update(
            post_count=F("post_count") + 1,
            thread_count=F("thread_count") + (0 if is_reply else 1),
            last_post_at=now,
        )
        _count_on_board(board_id=locked.board_id, community_id=locked.community_id,
                        threads=0 if is_reply else 1, posts=1, last_post_at=now)
    subscribe(user=author, thread=locked)
    # What you wrote yourself is not "new" to you.
    mark_thread_read(user=author, thread=locked, up_to_number=post.number)
    return post


def _count_on_board(*, board_id, community_id, threads, posts, last_post_at) -> None:
    """Add to the board's counters for the readers of one community's local threads (or of shared threads,
    community_id None), making the row on first use. One statement, safe under concurrent writers."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO forum_boardcount (board_id, community_id, thread_count, post_count, last_post_at)
            VALUES (%s, %s, GREATEST(%s, 0), GREATEST(%s, 0), %s)
            ON CONFLICT (board_id, community_id) DO UPDATE
               SET thread_count = GREATEST(forum_boardcount.thread_count + %s, 0),
                   post_count = GREATEST(forum_boardcount.post_count + %s, 0),
                   last_post_at = COALESCE(EXCLUDED.last_post_at, forum_boardcount.last_post_at)
            """,
            [board_id, community_id, threads, posts, last_post_at, threads, posts],
        )


# --- Threads and posts ---------------------------------------------------------------------------------
def start_thread(*, board=None, author, title, body, community=None, circle=None, submit_token=None) -> Thread:
    """Start a thread on `board` (local to `community` when given) or in `circle`, with its first post.
    Subscribes the author.

    The same `submit_token` twice (a form sent twice) returns the thread made the first time.
    """
    if (board is None) == (circle is None):
        raise ValueError("a thread goes on a board or in a circle, not both")
    if not access.can_post(author):
        raise ForumError(_("Your account cannot write in the forum."))
    if circle is not None:
        if community is not None:
            raise ValueError("a thread in a circle is never also local to a community")
        if not access.is_in_circle(author, circle):
            raise ForumError(_("Only members of this circle can start a thread in it."))
    elif not board.is_active:
        raise ForumError(_("This board is closed for new threads."))
    check_not_paused(user=author)
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
                board=board, circle=circle, title=title, author=author, community=community, created_at=now,
                last_post_at=now,
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
    if thread.circle_id is not None:
        # Someone who left the circle no longer sees its threads: no notification either. The consultant is
        # in every circle by role.
        members = CircleMembership.objects.filter(circle_id=thread.circle_id).values("user_id")
        subscribers = subscribers.filter(Q(user_id__in=members) | Q(user__role=Role.CONSULTANT))
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
    check_not_paused(user=author)
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
def why_no_reaction(*, post, user) -> str:
    """Why `user` cannot react to `post` (a message for them), or "" when they can.

    One's own post gets no reactions: support is for others, and a thank-you to oneself would only inflate a
    count others read as "people were moved by this". The post's author still sees who reacted.
    """
    if not access.can_post(user):
        return _("Your account cannot give support reactions.")
    if post.is_deleted:
        return _("This post was deleted by the author, so it cannot get reactions.")
    if post.is_hidden:
        return _("This post is hidden by the moderator, so it cannot get reactions.")
    if post.author_id is not None and post.author_id == user.pk:
        return _("This is your own post. Reactions are for showing support to others, "
                 "and you can see here who sent you one.")
    return ""


def toggle_reaction(*, post, user, kind, on=None) -> bool:
    """Give (or take back) `user`'s `kind` reaction ("thanks", "hug", "me_too") on `post`; returns whether
    the reaction is there afterwards.

    `on=None` toggles; `on=True` or `on=False` asks for a state, so the same form sent twice (a double click)
    leaves one reaction, not none. Refused (ForumError) for an unknown kind, a deleted or hidden post, one's own
    post, and accounts that cannot write in the forum (admins, providers).

    Safe under concurrent requests: the unique constraint decides whether a row was really inserted or
    deleted, and the post's counter moves (with F(), in the same transaction) only when it was.

    Quiet on purpose: no notification per reaction. A hug is small and frequent; a notification for each (which
    may travel by e-mail) would be noise, and the counts are on the post for its author to see.
    """
    if kind not in Reaction.Kind.values:
        raise ForumError(_("Please choose a reaction: thank you, hug or me too."))
    refusal = why_no_reaction(post=post, user=user)
    if refusal:
        raise ForumError(refusal)
    counter = Reaction.COUNTER_FIELDS[kind]
    mine = Reaction.objects.filter(post_id=post.pk, user_id=user.pk, kind=kind)
    with transaction.atomic():
        if on is None:
            on = not mine.exists()
        if on:
            try:
                with transaction.atomic():
                    Reaction.objects.create(post_id=post.pk, user=user, kind=kind)
            except IntegrityError:
                return True  # already there (a second tab, a double click): nothing changes
            Post.objects.filter(pk=post.pk).update(**{counter: F(counter) + 1})
        else:
            deleted, _rows = mine.delete()
            if not deleted:
                return False  # already taken back
            Post.objects.filter(pk=post.pk).update(**{counter: F(counter) - 1})
    return on




# --- Circles -----------------------------------------------------------------------------------------------
def clean_circle_name(name) -> str:
    """The circle's name, tidied; ForumError when it is missing or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise ForumError(_("Please give your circle a name."))
    if len(name) > CIRCLE_NAME_MAX:
        raise ForumError(
            _("The name is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(name), "max": CIRCLE_NAME_MAX}
        )
    return name


def clean_circle_description(description) -> str:
    """The circle's description, tidied (it may be empty); ForumError when it is too long."""
    description = " ".join((description or "").split())
    if len(description) > CIRCLE_DESCRIPTION_MAX:
        raise ForumError(
            _("The description is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(description), "max": CIRCLE_DESCRIPTION_MAX}
        )
    return description


def create_circle(*, creator, name, description="") -> Circle:
    """A service user (or the consultant) makes a circle; a service user becomes its first member.

    The consultant is in every circle by role, so they get no membership row. A form sent twice makes one
    circle: the same person's circle of the same name is refused with a message.
    """
    if not access.can_post(creator):
        raise ForumError(_("Your account cannot make circles."))
    name, description = clean_circle_name(name), clean_circle_description(description)
    if Circle.objects.filter(created_by=creator, name__iexact=name).exists():
        raise ForumError(_("You already have a circle called “%(name)s”. Please choose another name.") % {"name": name})
    with transaction.atomic():
        circle = Circle.objects.create(name=name, description=description, created_by=creator)
        if creator.role == Role.SERVICE_USER:
            CircleMembership.objects.create(circle=circle, user=creator)
    return circle


def _circle_invitation_notice():
    # No circle name, no pseudonym, no content: notifications may travel by e-mail (SECURITY.md).
    return gettext_lazy("You have been invited to a circle in the forum")


def invite_to_circle(*, circle, inviter, pseudonym) -> CircleInvitation:
    """`inviter` (a member of `circle`, or the consultant) invites the service user with `pseudonym`.

    The pseudonym is matched without regard to case. Nothing changes for the invitee until they accept;
    they get a notification that names neither the circle nor the inviter. Refused (ForumError, nothing
    stored) for an unknown pseudonym, someone who is not an active service user, oneself, a member, or
    someone who already has an invitation waiting.
    """
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from reconnect.services import notify

    if not access.is_in_circle(inviter, circle):
        raise ForumError(_("Only members of this circle can invite others to it."))
    pseudonym = (pseudonym or "").strip()
    if not pseudonym:
        raise ForumError(_("Please write the pseudonym of the person you want to invite."))
    invitee = get_user_model().objects.filter(pseudonym__iexact=pseudonym).first()
    if invitee is not None and invitee.role == Role.CONSULTANT and invitee.is_active:
        raise ForumError(_("The service user consultant is already part of every circle, so there is no need to "
                           "invite them."))
    # Providers and admins are not forum members, and their pseudonyms are not shown in the forum: for them,
    # as for deactivated accounts, the answer is the same as for a pseudonym nobody has.
    if invitee is None or not invitee.is_active or invitee.role != Role.SERVICE_USER:
        raise ForumError(_("No member has the pseudonym “%(pseudonym)s”. Please check the spelling.")
                         % {"pseudonym": pseudonym[:40]})
    if invitee.pk == inviter.pk:
        raise ForumError(_("You are already in this circle."))
    if CircleMembership.objects.filter(circle=circle, user=invitee).exists():
        raise ForumError(_("%(pseudonym)s is already in this circle.") % {"pseudonym": invitee.pseudonym})
    waiting = _("%(pseudonym)s is already invited and has not answered yet.") % {"pseudonym": invitee.pseudonym}
    if CircleInvitation.objects.filter(circle=circle, invitee=invitee, status=CircleInvitation.Status.PENDING).exists():
        raise ForumError(waiting)
    try:
        with transaction.atomic():
            invitation = CircleInvitation.objects.create(circle=circle, invitee=invitee, invited_by=inviter)
            with translation.override(invitee.preferred_language):
                notify(recipient=invitee, kind="forum_circle", text=str(_circle_invitation_notice()),
                       link=reverse("forum:circles") + "#invitations")
    except IntegrityError:
        # The same invitation sent twice at once: the first one stands.
        raise ForumError(waiting) from None
    return invitation


def _answer_invitation(*, invitation, invitee, status):
    """Set a waiting invitation's answer; returns the invitation as it is now (answered before or now)."""
    if invitation.invitee_id != invitee.pk:
        raise ForumError(_("This invitation is for someone else."))
    with transaction.atomic():
        locked = CircleInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status == CircleInvitation.Status.PENDING:
            locked.status, locked.answered_at = status, timezone.now()
            locked.save(update_fields=["status", "answered_at"])
            if status == CircleInvitation.Status.ACCEPTED:
                CircleMembership.objects.bulk_create(
                    [CircleMembership(circle_id=locked.circle_id, user=invitee)], ignore_conflicts=True,
                )
    invitation.status, invitation.answered_at = locked.status, locked.answered_at
    return locked


def accept_invitation(*, invitation, invitee) -> CircleInvitation:
    """The invitee joins the circle. Accepting twice changes nothing; a withdrawn or declined invitation
    cannot be accepted (ForumError)."""
    if not (access.can_post(invitee) and invitee.role == Role.SERVICE_USER):
        raise ForumError(_("Your account cannot join circles."))
    answered = _answer_invitation(invitation=invitation, invitee=invitee, status=CircleInvitation.Status.ACCEPTED)
    if answered.status == CircleInvitation.Status.WITHDRAWN:
        raise ForumError(_("This invitation was withdrawn, so it can no longer be accepted."))
    if answered.status == CircleInvitation.Status.DECLINED:
        raise ForumError(_("You have declined this invitation. A member of the circle can invite you again."))
    return answered


def decline_invitation(*, invitation, invitee) -> CircleInvitation:
    """The invitee says no; nobody is told. Declining twice (or a withdrawn invitation) changes nothing; an
    invitation already accepted is refused (ForumError): leaving the circle is the way out."""
    answered = _answer_invitation(invitation=invitation, invitee=invitee, status=CircleInvitation.Status.DECLINED)
    if answered.status == CircleInvitation.Status.ACCEPTED:
        raise ForumError(_("You have already joined this circle. You can leave it from the circle's page."))
    return answered


def withdraw_invitation(*, invitation, inviter) -> CircleInvitation:
    """The person who sent a waiting invitation takes it back. Twice changes nothing; an answered invitation
    is refused (ForumError)."""
    if invitation.invited_by_id != inviter.pk:
        raise ForumError(_("Only the person who sent an invitation can withdraw it."))
    with transaction.atomic():
        locked = CircleInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status == CircleInvitation.Status.PENDING:
            locked.status, locked.answered_at = CircleInvitation.Status.WITHDRAWN, timezone.now()
            locked.save(update_fields=["status", "answered_at"])
    invitation.status, invitation.answered_at = locked.status, locked.answered_at
    if locked.status in (CircleInvitation.Status.ACCEPTED, CircleInvitation.Status.DECLINED):
        raise ForumError(_("This invitation has already been answered, so it cannot be withdrawn."))
    return locked


def leave_circle(*, circle, user) -> bool:
    """`user` leaves `circle` and loses access to it at once; what they wrote there stays. True if they left,
    False if they were not a member. The consultant is in every circle by role and cannot leave (ForumError).

    A circle whose last member leaves stays, empty (the consultant can still read it).
    """
    if user.role == Role.CONSULTANT:
        raise ForumError(_("The service user consultant is part of every circle and cannot leave it."))
    deleted, _rows = CircleMembership.objects.filter(circle=circle, user=user).delete()
    return bool(deleted)


# --- Member profiles ---------------------------------------------------------------------------------------
def clean_about_me(text) -> str:
    """The "about me" text as it will be stored: line breaks kept, outer whitespace removed (so a text of
    only spaces and blank lines becomes empty); refused kindly when longer than ABOUT_ME_MAX characters."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > ABOUT_ME_MAX:
        raise ForumError(
            _("Your text is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(text), "max": ABOUT_ME_MAX}
        )
    return text


def update_member_profile(*, user, about_me, show_community) -> MemberProfile:
    """Save what `user` shows on their forum profile (the row is made on the first save, never on a read)."""
    if not access.has_forum_profile(user):
        raise ForumError(_("Only forum members have a profile."))
    about_me = clean_about_me(about_me)
    profile, _created = MemberProfile.objects.update_or_create(
        user=user,
        defaults={"about_me": about_me, "show_community": bool(show_community), "updated_at": timezone.now()},
    )
    return profile


# --- The consultant's moderation ---------------------------------------------------------------------------
# Pin, lock, move, hide and restore: only the service user consultant (forum.access.can_moderate). Each
# action that changes something writes one audit row; the same action twice changes nothing and writes
# nothing. Moderation is support, not censorship: a hidden post stays visible to its author, with the reason.
HIDE_REASON_MAX = 300


def _check_moderator(moderator) -> None:
    if not access.can_moderate(moderator):
        raise ForumError(_("Only the service user consultant can do this."))


def _audit_moderation(*, moderator, subject_user, obj, detail, action="", reason="") -> None:
    from forum.signals import moderated
    from reconnect.models import AuditAction
    from reconnect.services import record_audit_event

    record_audit_event(
        actor=moderator, action=AuditAction.MODERATION, subject_user=subject_user, obj=obj, detail=detail,
    )
    # The moderation log (moderation app) writes its row in this same transaction.
    moderated.send(sender=type(obj), moderator=moderator, action=action or detail.split(":")[0].replace(" ", "_"),
                   target=obj, subject_user=subject_user, reason=reason, detail=detail)


def _set_thread_flag(*, thread, moderator, field, value, detail) -> bool:
    """Set `thread.<field>` to `value` if it is not already; one audit row when it changed. True if changed."""
    _check_moderator(moderator)
    with transaction.atomic():
        changed = Thread.objects.filter(pk=thread.pk).exclude(**{field: value}).update(**{field: value})
        if changed:
            _audit_moderation(moderator=moderator, subject_user=thread.author, obj=thread, detail=detail)
    setattr(thread, field, value)
    return bool(changed)


def pin_thread(*, thread, moderator) -> bool:
    """Pin `thread` to the top of its board. True if it was not pinned before."""
    return _set_thread_flag(thread=thread, moderator=moderator, field="is_pinned", value=True, detail="pin thread")


def unpin_thread(*, thread, moderator) -> bool:
    """Let `thread` take its place by last activity again. True if it was pinned."""
    return _set_thread_flag(thread=thread, moderator=moderator, field="is_pinned", value=False, detail="unpin thread")


def lock_thread(*, thread, moderator) -> bool:
    """Stop new replies to `thread` (what is there stays readable). True if it was open."""
    return _set_thread_flag(thread=thread, moderator=moderator, field="is_locked", value=True, detail="lock thread")


def unlock_thread(*, thread, moderator) -> bool:
    """Open `thread` for replies again. True if it was locked."""
    return _set_thread_flag(thread=thread, moderator=moderator, field="is_locked", value=False, detail="unlock thread")


def _board_last_post_at(board_ref):
    from django.db.models import Subquery

    latest = Thread.objects.filter(board=board_ref).order_by("-last_post_at").values("last_post_at")[:1]
    return Subquery(latest)


def move_thread(*, thread, to_board, moderator) -> bool:
    """Move `thread` (with all its posts) to `to_board`. True if it moved; False if it was already there.

    The boards' thread and post counts move with it in the same transaction, and each board's last activity
    is taken again from its threads. A thread local to a community stays local to it. Threads in a circle
    belong to their circle and are never moved to a board.
    """
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Greatest

    _check_moderator(moderator)
    if thread.circle_id is not None:
        raise ForumError(_("This thread belongs to a circle, so it cannot be moved to a board."))
    if to_board is None or not to_board.is_active:
        raise ForumError(_("Please choose an open board to move the thread to."))
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        from_board_id = locked.board_id
        if from_board_id == to_board.pk:
            return False
        Thread.objects.filter(pk=locked.pk).update(board=to_board)
        # post_count counts every post ever placed on the board, deleted ones too (as _place_post does).
        moved = locked.post_count
        Board.objects.filter(pk=from_board_id).update(
            thread_count=Greatest(F("thread_count") - 1, 0), post_count=Greatest(F("post_count") - moved, 0),
        )
        Board.objects.filter(pk=to_board.pk).update(
            thread_count=F("thread_count") + 1, post_count=F("post_count") + moved,
        )
        Board.objects.filter(pk__in=[from_board_id, to_board.pk]).update(
            last_post_at=_board_last_post_at(OuterRef("pk"))
        )
        # The same for the counters of the part of the readers who see the thread (its community, or everyone).
        scope = locked.community_id
        _count_on_board(board_id=from_board_id, community_id=scope, threads=-1, posts=-moved, last_post_at=None)
        _count_on_board(board_id=to_board.pk, community_id=scope, threads=1, posts=moved, last_post_at=None)
        BoardCount.objects.filter(board_id__in=[from_board_id, to_board.pk], community_id=scope).update(
            last_post_at=Subquery(
                Thread.objects.filter(board=OuterRef("board_id"), community_id=scope)
                .order_by("-last_post_at").values("last_post_at")[:1]
            )
        )
        from_slug = Board.objects.filter(pk=from_board_id).values_list("slug", flat=True).first() or "?"
        _audit_moderation(
            moderator=moderator, subject_user=thread.author, obj=thread,
            detail=f"move thread: {from_slug} -> {to_board.slug}",
        )
    thread.board = to_board
    return True


def clean_hide_reason(reason) -> str:
    """The reason for hiding a post, tidied; ForumError when it is missing or too long."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ForumError(_("Please write a short reason. The author will read it."))
    if len(reason) > HIDE_REASON_MAX:
        raise ForumError(
            _("The reason is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(reason), "max": HIDE_REASON_MAX}
        )
    return reason


def _tell_author(*, post, moderator, text_lazy) -> None:
    """A private notification to the post's author: no post text, no title, just a link to the post."""
    from reconnect.services import notify

    author = post.author
    if author is None or not author.is_active or author.pk == moderator.pk:
        return
    with translation.override(author.preferred_language):
        notify(recipient=author, kind="moderation", text=str(text_lazy), link=post.get_absolute_url())


HIDDEN_NOTICE = gettext_lazy(
    "The service user consultant has hidden one of your posts. You can still see it and read why."
)
RESTORED_NOTICE = gettext_lazy(
    "Good news: the service user consultant has made one of your posts visible to others again."
)


def hide_post(*, post, moderator, reason) -> bool:
    """Hide `post` from everyone but its author (and the consultant), with a reason the author can read.

    The author is told privately (a notification without the post's text). True if the post was hidden
    now; False if it already was. Refused (ForumError) without a reason, with one over 300 characters, or
    for a post its author has deleted.
    """
    _check_moderator(moderator)
    reason = clean_hide_reason(reason)
    if post.is_deleted:
        raise ForumError(_("The author has deleted this post, so there is nothing to hide."))
    now = timezone.now()
    with transaction.atomic():
        changed = Post.objects.filter(
            pk=post.pk, hidden_at__isnull=True, deleted_by_author_at__isnull=True
        ).update(hidden_at=now, hidden_reason=reason, hidden_by=moderator)
        if changed:
            _audit_moderation(
                moderator=moderator, subject_user=post.author, obj=post, detail=f"hide post: {reason}",
                action="hide_post", reason=reason,
            )
            _tell_author(post=post, moderator=moderator, text_lazy=HIDDEN_NOTICE)
    if changed:
        post.hidden_at, post.hidden_reason, post.hidden_by = now, reason, moderator
    return bool(changed)


def restore_post(*, post, moderator) -> bool:
    """Show a hidden `post` to others again and tell its author. True if it was hidden."""
    _check_moderator(moderator)
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, hidden_at__isnull=False).update(
            hidden_at=None, hidden_reason="", hidden_by=None,
        )
        if changed:
            _audit_moderation(moderator=moderator, subject_user=post.author, obj=post, detail="restore post")
            _tell_author(post=post, moderator=moderator, text_lazy=RESTORED_NOTICE)
    post.hidden_at, post.hidden_reason, post.hidden_by = None, "", None
    return bool(changed)


# --- Slow mode and pausing a member's posting (set by the consultant, through the moderation app) -----------
def _when(moment) -> str:
    from django.utils import formats

    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def check_not_paused(*, user) -> None:
    """Raise ForumError (with the consultant's reason and the end) while `user`'s posting is paused."""
    pause = access.active_posting_pause(user)
    if pause is not None:
        raise ForumError(
            _("The service user consultant has paused your posting until %(until)s. The reason: %(reason)s "
              "You can still read the forum, and you can write to the consultant under Messages.")
            % {"until": _when(pause.until), "reason": pause.reason}
        )


def check_slow_mode(*, thread, author) -> None:
    """Raise ForumError when slow mode is on in `thread` and `author` replied there too recently.

    The consultant is never slowed down: acknowledging people is their job.
    """
    seconds = thread.slow_mode_seconds
    if not seconds or author.role != Role.SERVICE_USER:
        return
    from datetime import timedelta

    last = (Post.objects.filter(thread_id=thread.pk, author=author).order_by("-created_at")
            .values_list("created_at", flat=True).first())
    if last is not None and last > timezone.now() - timedelta(seconds=seconds):
        minutes = max(1, round(seconds / 60))
        raise ForumError(
            _("This thread is in slow mode: each person can reply once every %(minutes)s minutes, so everyone has "
              "time to read and think. You can reply again after %(when)s; your text is still here.")
            % {"minutes": minutes, "when": _when(last + timedelta(seconds=seconds))}
        )


def set_slow_mode(*, thread, moderator, seconds, reason="") -> bool:
    """Set the minimum time between one member's replies in `thread` (0 turns slow mode off). True if changed."""
    from forum.models import SLOW_MODE_MAX_SECONDS

    _check_moderator(moderator)
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        seconds = -1
    if not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise ForumError(_("Please choose how long members wait between replies, up to one day."))
    with transaction.atomic():
        changed = Thread.objects.filter(pk=thread.pk).exclude(slow_mode_seconds=seconds).update(
            slow_mode_seconds=seconds)
        if changed:
            _audit_moderation(moderator=moderator, subject_user=thread.author, obj=thread,
                              detail=f"slow mode: {seconds} s", action="slow_mode" if seconds else "slow_mode_off",
                              reason=reason)
    thread.slow_mode_seconds = seconds
    return bool(changed)


PAUSED_NOTICE = gettext_lazy(
    "The service user consultant has paused your posting in the forum for a while. You can read why when you "
    "try to post."
)
PAUSE_ENDED_NOTICE = gettext_lazy("You can post in the forum again.")


def pause_posting(*, member, moderator, until, reason, max_days):
    """Pause `member`'s posting until `until` (at most `max_days` ahead), with a reason they are told.

    Refused (ForumError, nothing stored) without a reason, for a time in the past or beyond the maximum, or for
    anyone but a service user. A pause already running is replaced by the new one.
    """
    from datetime import timedelta

    from forum.models import PAUSE_REASON_MAX, PostingPause
    from reconnect.services import notify

    _check_moderator(moderator)
    if member is None or member.role != Role.SERVICE_USER or not member.is_active:
        raise ForumError(_("Only a member's posting can be paused."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ForumError(_("Please write a short reason. The member will read it."))
    if len(reason) > PAUSE_REASON_MAX:
        raise ForumError(
            _("The reason is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(reason), "max": PAUSE_REASON_MAX}
        )
    now = timezone.now()
    if until is None or until <= now:
        raise ForumError(_("Please choose a time in the future for the pause to end."))
    if until > now + timedelta(days=max_days):
        raise ForumError(_("A pause can last at most %(days)s days. Please choose an earlier end.")
                         % {"days": max_days})
    with transaction.atomic():
        PostingPause.objects.filter(user=member, ended_at__isnull=True, until__gt=now).update(ended_at=now)
        pause = PostingPause.objects.create(user=member, until=until, reason=reason, paused_by=moderator,
                                            created_at=now)
        _audit_moderation(moderator=moderator, subject_user=member, obj=pause, detail=f"pause posting: {reason}",
                          action="pause_posting", reason=reason)
        with translation.override(member.preferred_language):
            notify(recipient=member, kind="moderation", text=str(PAUSED_NOTICE))
    return pause


def end_posting_pause(*, member, moderator) -> bool:
    """End `member`'s running pause now; they are told. True if there was one."""
    from forum.models import PostingPause
    from reconnect.services import notify

    _check_moderator(moderator)
    now = timezone.now()
    with transaction.atomic():
        pause = PostingPause.objects.select_for_update().filter(
            user=member, ended_at__isnull=True, until__gt=now).first()
        if pause is None:
            return False
        PostingPause.objects.filter(pk=pause.pk).update(ended_at=now)
        _audit_moderation(moderator=moderator, subject_user=member, obj=pause, detail="end pause",
                          action="end_pause")
        with translation.override(member.preferred_language):
            notify(recipient=member, kind="moderation", text=str(PAUSE_ENDED_NOTICE))
    return True
