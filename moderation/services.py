"""Every write of the consultant's workspace goes through these keyword-only functions.

- Queue items come from sources (a report, a crisis or privacy flag, the "waiting for an answer" sweep, a café
  request or "how was it" note). Each source becomes one QueueReason with a unique `source` key, so the same
  source twice changes nothing; reasons about the same post join one open item.
- Actions from an item (reply, hide, lock, ...) first check that nobody else has handled it; the forum's own
  services do the forum work and send `forum.signals.moderated`, which writes the moderation log here.
- The moderation log is append-only (a database trigger); every row is also in the audit trail.
"""

import contextvars
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from forum import services as forum_services
from forum.models import Post, PostFlag, Thread
from moderation import access
from moderation.duty import forget_cached_hours, on_duty_seconds
from moderation.models import (
    HANDLED_NOTE_MAX, NOTE_MAX, PRIORITY, TEMPLATE_BODY_MAX, TEMPLATE_TITLE_MAX, LogAction, MemberNote,
    ModerationLog, OnDutyHours, QueueItem, QueueKind, QueueReason, QueueState, ReplyTemplate,
)
from reconnect.models import Role
from reconnect.userinput import UserFacingError, clean_text

logger = logging.getLogger(__name__)

WAITING_HOURS_DEFAULT = 12
PAUSE_MAX_DAYS_DEFAULT = 14
# The sweep looks back this far for unanswered posts: older silence is history, not a queue item.
WAITING_LOOKBACK_DAYS = 14


class ModerationError(UserFacingError):
    """A workspace write that is refused, with a message for the person (already translated)."""


# The queue item an action is taken from, so the log row written by the forum's signal points at it.
_current_item = contextvars.ContextVar("moderation_current_item", default=None)


# --- The log -------------------------------------------------------------------------------------------------
def log_action(*, actor, action, target=None, subject_user=None, reason="", detail="", thread=None, item=None,
               audit=True) -> ModerationLog:
    """Append one row to the moderation log (and, unless the caller already did, to the audit trail)."""
    from reconnect.models import AuditAction
    from reconnect.services import record_audit_event

    item = item if item is not None else _current_item.get()
    if thread is None and isinstance(target, Thread):
        thread = target
    elif thread is None and isinstance(target, Post):
        thread = target.thread
    row = ModerationLog.objects.create(
        actor=actor, action=action, reason=(reason or "")[:500], subject_user=subject_user,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        thread=thread, item=item, detail=(detail or "")[:200],
    )
    if audit:
        record_audit_event(actor=actor, action=AuditAction.MODERATION, subject_user=subject_user, obj=target,
                           detail=detail or action)
    return row


def on_forum_moderation(sender, *, moderator, action, target, subject_user, reason="", detail="", **kwargs):
    """forum.signals.moderated: the forum has already written the audit row; the log row joins it."""
    if action not in LogAction.values:
        logger.warning("Unknown forum moderation action %r logged as it is.", action)
    log_action(actor=moderator, action=action[:30], target=target, subject_user=subject_user, reason=reason,
               detail=detail, audit=False)


# --- Queue items from their sources ----------------------------------------------------------------------------
def _community_of_post(post):
    thread = post.thread
    if thread.community_id:
        return thread.community_id
    return post.author.community_id if post.author_id and post.author else None


def add_reason(*, kind, source, post=None, report=None, companion_request=None, feedback=None, cafe=None,
               community_id=None, now=None):
    """Put a source in the queue: a new reason on the open item about the same post (or request, or note), or a
    new item. The same `source` twice changes nothing. Returns the item."""
    now = now or timezone.now()
    existing = QueueReason.objects.filter(source=source).select_related("item").first()
    if existing is not None:
        return existing.item
    target = {"post": post} if post is not None else (
        {"companion_request": companion_request} if companion_request is not None else {"feedback": feedback})
    try:
        with transaction.atomic():
            item = QueueItem.objects.select_for_update().filter(**target).exclude(state=QueueState.DONE).first()
            if item is None:
                item = QueueItem.objects.create(
                    kind=kind, priority=PRIORITY[kind], created_at=now, community_id=community_id,
                    thread_id=post.thread_id if post is not None else None, cafe=cafe, **target,
                )
            elif PRIORITY[kind] < item.priority:
                # The most urgent reason decides where the item stands (crisis language first).
                QueueItem.objects.filter(pk=item.pk).update(kind=kind, priority=PRIORITY[kind])
                item.kind, item.priority = kind, PRIORITY[kind]
            QueueReason.objects.create(item=item, kind=kind, source=source, report=report, created_at=now)
    except IntegrityError:
        # The same source (or a first item about the same post) at the same moment: the other one stands.
        existing = QueueReason.objects.filter(source=source).select_related("item").first()
        if existing is None:
            raise
        return existing.item
    return item


def queue_report(report):
    post = report.post
    return add_reason(kind=QueueKind.REPORT, source=f"report:{report.pk}", post=post, report=report,
                      community_id=_community_of_post(post), now=report.created_at)


def queue_flag(flag):
    kind = QueueKind.CRISIS if flag.kind == PostFlag.Kind.CRISIS else QueueKind.PRIVACY
    post = flag.post
    return add_reason(kind=kind, source=f"flag:{flag.pk}", post=post, community_id=_community_of_post(post),
                      now=flag.created_at)


def queue_companion_request(request):
    return add_reason(kind=QueueKind.CAFE, source=f"companion:{request.pk}", companion_request=request,
                      cafe=request.cafe, community_id=request.cafe.community_id, now=request.created_at)


def queue_feedback(feedback):
    return add_reason(kind=QueueKind.CAFE, source=f"feedback:{feedback.pk}", feedback=feedback, cafe=feedback.cafe,
                      community_id=feedback.cafe.community_id)


def _close(items, *, note, now=None) -> int:
    """Close open `items` (a queryset) by themselves: nobody acted, the matter resolved itself."""
    now = now or timezone.now()
    return QueueItem.objects.filter(pk__in=items.values("pk")).exclude(state=QueueState.DONE).update(
        state=QueueState.DONE, done_at=now, done_by=None, done_note=note[:HANDLED_NOTE_MAX])


def close_waiting_after_reply(post) -> int:
    """A reply by someone else answers the posts before it: their "waiting" items close themselves (items that
    also have another reason, such as a report, stay open for the consultant)."""
    if post.number <= 1 and post.thread.post_count <= 1:
        return 0
    waiting = QueueItem.objects.filter(
        thread_id=post.thread_id, kind=QueueKind.WAITING, post__number__lt=post.number,
    ).exclude(state=QueueState.DONE).exclude(post__author_id=post.author_id)
    return _close(waiting, note=_("Answered in the thread."))


def tidy_cafe_items(*, now=None) -> int:
    """Café requests that closed (withdrawn, can't come, café cancelled), found company (an agreed match), or
    whose café has begun leave the queue by themselves."""
    from django.db.models import Exists, OuterRef

    from cafes.models import CompanionMatch

    now = now or timezone.now()
    agreed = CompanionMatch.objects.filter(Q(wanted=OuterRef("companion_request")) |
                                           Q(offered=OuterRef("companion_request")), status="accepted")
    items = QueueItem.objects.filter(companion_request__isnull=False).exclude(state=QueueState.DONE).filter(
        Q(companion_request__closed_at__isnull=False) | Q(cafe__starts_at__lte=now) | Exists(agreed))
    return _close(items, note=_("The request was closed, found company, or its café has begun."), now=now)


def waiting_hours() -> int:
    return getattr(settings, "MODERATION_WAITING_HOURS", WAITING_HOURS_DEFAULT)


def sweep_waiting(*, now=None) -> int:
    """Put in the queue every post that has been the last in its thread, unanswered, for `waiting_hours()` of
    the consultant's on-duty time (all the time when no hours are set). Idempotent: each post once. Returns how
    many posts were added."""
    now = now or timezone.now()
    threshold = waiting_hours() * 3600
    candidates = (
        Thread.objects.filter(
            last_post__isnull=False,
            last_post_at__lte=now - timedelta(seconds=threshold),
            last_post_at__gte=now - timedelta(days=WAITING_LOOKBACK_DAYS),
            last_post__author__role=Role.SERVICE_USER,
            last_post__deleted_by_author_at__isnull=True,
            last_post__hidden_at__isnull=True,
        )
        .exclude(last_post__in=QueueReason.objects.filter(kind=QueueKind.WAITING).values("item__post_id"))
        .select_related("last_post", "last_post__author", "last_post__thread")
        .order_by("last_post_at")
    )
    added = 0
    for thread in candidates.iterator(chunk_size=500):
        post = thread.last_post
        if on_duty_seconds(post.created_at, now) < threshold:
            continue
        source = f"waiting:{post.pk}"
        if QueueReason.objects.filter(source=source).exists():
            continue
        add_reason(kind=QueueKind.WAITING, source=source, post=post, community_id=_community_of_post(post), now=now)
        added += 1
    return added


# --- Acting on an item -------------------------------------------------------------------------------------------
def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def handled_message(item) -> str:
    who = item.done_by.pseudonym if item.done_by_id and item.done_by else _("the portal")
    return _("This was already handled by %(who)s at %(when)s. Nothing was changed.") % {
        "who": who, "when": _when(item.done_at)}


def check_open(item) -> None:
    """Raise ModerationError ("handled by X at T") when `item` is done; read fresh from the database."""
    fresh = QueueItem.objects.select_related("done_by").get(pk=item.pk)
    if fresh.state == QueueState.DONE:
        raise ModerationError(handled_message(fresh))


def take_item(*, item, by) -> bool:
    """`by` starts handling `item` (others see who and since when). True if the item was new."""
    access.check_can_use_workspace(by)
    with transaction.atomic():
        check_open(item)
        changed = QueueItem.objects.filter(pk=item.pk, state=QueueState.NEW).update(
            state=QueueState.HANDLING, handling_by=by, handling_since=timezone.now())
        if changed:
            log_action(actor=by, action=LogAction.TAKE_ITEM, target=item, item=item, subject_user=_subject(item))
    return bool(changed)


def handle_item(*, item, by, note="") -> QueueItem:
    """Mark `item` handled with an optional note. Refused (nothing changed) when someone already did."""
    access.check_can_use_workspace(by)
    note = " ".join((note or "").split())
    if len(note) > HANDLED_NOTE_MAX:
        raise ModerationError(
            _("The note is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(note), "max": HANDLED_NOTE_MAX})
    now = timezone.now()
    with transaction.atomic():
        locked = QueueItem.objects.select_for_update(of=("self",)).select_related("done_by").get(pk=item.pk)
        if locked.state == QueueState.DONE:
            raise ModerationError(handled_message(locked))
        QueueItem.objects.filter(pk=item.pk).update(state=QueueState.DONE, done_by=by, done_at=now, done_note=note)
        if locked.post_id:
            # The forum's own reports and flags on this post count as handled too.
            from forum.models import PostReport

            PostReport.objects.filter(post_id=locked.post_id, handled_at__isnull=True).update(handled_at=now)
            PostFlag.objects.filter(post_id=locked.post_id, handled_at__isnull=True).update(handled_at=now)
        log_action(actor=by, action=LogAction.HANDLE_ITEM, target=item, item=item, reason=note,
                   subject_user=_subject(item))
    item.state, item.done_by, item.done_at, item.done_note = QueueState.DONE, by, now, note
    return item


def _subject(item):
    if item.post_id:
        return item.post.author
    if item.companion_request_id:
        return item.companion_request.user
    return None


def act_on_item(*, item, by, action, **fields):
    """Take a forum action from `item`: reply, hide, restore, lock, unlock, move, slow mode. Refused when the item
    was handled by someone else. Returns what the forum service returned."""
    if not item.post_id:
        raise ModerationError(_("This item is not about a post, so there is nothing to do in the forum."))
    post, thread = item.post, item.thread or item.post.thread
    actions = {
        "hide": lambda: forum_services.hide_post(post=post, moderator=by, reason=fields.get("reason", "")),
        "restore": lambda: forum_services.restore_post(post=post, moderator=by),
        "lock": lambda: forum_services.lock_thread(thread=thread, moderator=by),
        "unlock": lambda: forum_services.unlock_thread(thread=thread, moderator=by),
        "move": lambda: forum_services.move_thread(thread=thread, to_board=fields.get("board"), moderator=by),
        "slow": lambda: forum_services.set_slow_mode(thread=thread, moderator=by, seconds=fields.get("seconds"),
                                                     reason=fields.get("reason", "")),
        "reply": lambda: _reply(item=item, by=by, thread=thread, body=fields.get("body", ""),
                                submit_token=fields.get("submit_token")),
    }
    if action not in actions:
        raise ModerationError(_("Please choose what to do."))
    token = _current_item.set(item)
    try:
        with transaction.atomic():
            check_open(item)
            try:
                return actions[action]()
            except forum_services.ForumError as exc:
                raise ModerationError(exc.message) from None
    finally:
        _current_item.reset(token)


def _reply(*, item, by, thread, body, submit_token):
    post = forum_services.post_reply(thread=thread, author=by, body=body, submit_token=submit_token)
    log_action(actor=by, action=LogAction.REPLY, target=post, item=item, subject_user=item.post.author,
               detail="reply in thread")
    return post


def write_privately(*, item=None, member, by, subject, body, submit_token=None):
    """The consultant writes to `member` through messaging (from a queue item, or from the member's page)."""
    from messaging import services as messaging_services

    if item is not None:
        check_open(item)
    try:
        conversation = messaging_services.start_conversation_as_consultant(
            consultant=by, member=member, subject=subject, body=body, submit_token=submit_token)
    except messaging_services.MessagingError as exc:
        raise ModerationError(exc.message) from None
    # No subject or text in the log: the message itself is private between the two.
    log_action(actor=by, action=LogAction.WRITE_PRIVATELY, target=conversation, item=item, subject_user=member,
               detail="wrote privately")
    return conversation


# --- Member care -----------------------------------------------------------------------------------------------
def pause_max_days() -> int:
    return getattr(settings, "MODERATION_PAUSE_MAX_DAYS", PAUSE_MAX_DAYS_DEFAULT)


def pause_member(*, member, by, until, reason):
    """Pause `member`'s posting until `until` (at most MODERATION_PAUSE_MAX_DAYS ahead), with a reason they read."""
    try:
        return forum_services.pause_posting(member=member, moderator=by, until=until, reason=reason,
                                            max_days=pause_max_days())
    except forum_services.ForumError as exc:
        raise ModerationError(exc.message) from None


def end_member_pause(*, member, by) -> bool:
    try:
        return forum_services.end_posting_pause(member=member, moderator=by)
    except forum_services.ForumError as exc:
        raise ModerationError(exc.message) from None


def add_member_note(*, member, by, text) -> MemberNote:
    """A short note about `member` for consultants and admins. Refused when empty or too long."""
    access.check_can_use_workspace(by)
    text = clean_text(text, max_length=NOTE_MAX, error=ModerationError,
                      empty_message=_("Please write the note before you save it."),
                      too_long_message=_("The note is %(length)s characters long. "
                                         "Please shorten it to %(max)s characters or fewer."))
    with transaction.atomic():
        note = MemberNote.objects.create(member=member, author=by, text=text)
        # The log says that a note was written, never what it says.
        log_action(actor=by, action=LogAction.MEMBER_NOTE, target=member, subject_user=member,
                   detail="member note", audit=False)
    return note


def save_reply_template(*, owner, title, body, template=None) -> ReplyTemplate:
    """Add (or change `template`, one of `owner`'s own) a reply template."""
    if not access.can_act_in_forum(owner):
        raise ModerationError(_("Only the service user consultant keeps reply templates."))
    title = clean_text(title, max_length=TEMPLATE_TITLE_MAX, single_line=True, error=ModerationError,
                       empty_message=_("Please give the template a short name."),
                       too_long_message=_("The name is %(length)s characters long. "
                                          "Please shorten it to %(max)s characters or fewer."))
    body = clean_text(body, max_length=TEMPLATE_BODY_MAX, error=ModerationError,
                      empty_message=_("Please write the text of the template."),
                      too_long_message=_("The text is %(length)s characters long. "
                                         "Please shorten it to %(max)s characters or fewer."))
    if template is None:
        return ReplyTemplate.objects.create(owner=owner, title=title, body=body)
    if template.owner_id != owner.pk:
        raise ModerationError(_("You can only change your own templates."))
    template.title, template.body = title, body
    template.save(update_fields=["title", "body"])
    return template


def delete_reply_template(*, owner, template) -> None:
    if template.owner_id != owner.pk:
        raise ModerationError(_("You can only delete your own templates."))
    template.delete()


def set_on_duty_hours(*, by, hours) -> None:
    """Replace the on-duty hours: `hours` is {weekday: (starts, ends)} for the days on duty."""
    if not access.can_use_workspace(by) or by.role != Role.CONSULTANT and by.role != Role.ADMIN:
        raise ModerationError(_("Only the service user consultant and admins set the on-duty hours."))
    for weekday, (starts, ends) in hours.items():
        if not 0 <= weekday <= 6 or starts is None or ends is None or ends <= starts:
            raise ModerationError(_("On each day, the end of the hours must come after the start."))
    with transaction.atomic():
        OnDutyHours.objects.all().delete()
        OnDutyHours.objects.bulk_create(OnDutyHours(weekday=d, starts=s, ends=e) for d, (s, e) in sorted(hours.items()))
    transaction.on_commit(forget_cached_hours)
    forget_cached_hours()


def publish_announcement(*, by, board, title, body, community=None) -> Thread:
    """Start a thread on `board` (local to `community` when given) and pin it to the top: an announcement."""
    if not access.can_act_in_forum(by):
        raise ModerationError(_("Only the service user consultant can publish announcements."))
    try:
        with transaction.atomic():
            thread = forum_services.start_thread(board=board, author=by, title=title, body=body, community=community)
            forum_services.pin_thread(thread=thread, moderator=by)
            log_action(actor=by, action=LogAction.ANNOUNCE, target=thread, detail="announcement", audit=False)
    except forum_services.ForumError as exc:
        raise ModerationError(exc.message) from None
    return thread

