"""The consultant's workspace in `manage.py seed`: the queue as the portal would have filled it, reply templates
and on-duty hours; at the very end (`finish`), the statistics' monthly summary.

The forum's seed writes its reports and flags with COPY, which sends no signals, so nothing reaches the queue by
itself. Here the queue is built from the rows, as moderation.services would have built it, with the same
`QueueReason.source` keys ("report:<id>", "flag:<id>", "waiting:<post id>", "companion:<id>", "feedback:<id>"),
so a later sweep or signal finds each source already there and adds nothing twice:

- every seeded report and flag becomes a reason on one item per post (the most urgent reason decides its kind);
  the newest tenth stay open (a third of those being handled by a consultant), the others were handled a few
  hours after they came in: done by a consultant, with their reports and flags marked handled, and the log
  and audit rows moderation.services.handle_item writes;
- every thread whose last post, by a member, went unanswered for the on-duty hours the sweep waits for
  (moderation.services.sweep_waiting, same conditions) got a "waiting for an answer" item when it came due;
  those of the last three days are still open, older ones were seen to by a consultant;
- a couple of café matters: members asking for company to an upcoming café, and "how was it" notes about
  past cafés (half of those read and handled).

Rows go in with COPY and ids reserved up front; nothing here goes through a signal or a service one row at a
time. Choices come from ctx.rng in a fixed order (sorted by id), so the same seed gives the same queue.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from moderation.duty import forget_cached_hours, on_duty_seconds
from moderation.models import (
    PRIORITY, LogAction, ModerationLog, OnDutyHours, QueueItem, QueueKind, QueueReason, QueueState, ReplyTemplate,
)
from moderation.services import WAITING_LOOKBACK_DAYS, waiting_hours
from reconnect.seeding import copy_rows, reserve_ids, run_sql

# The seeded forum and cafés must be there first (manage.py seed orders the apps by this; see feature_seed_modules).
AFTER = ("forum", "cafes")

# Monday to Friday, 09:00-15:00 (the portal's time zone).
DUTY_HOURS = {weekday: (time(9), time(15)) for weekday in range(5)}
STILL_OPEN_DAYS = 3  # "waiting" items that came due in the last three days are still open
TEMPLATES = [
    ("Takk for at du skrev", "Takk for at du skrev dette her. Det er modig å dele. Jeg er her hvis du vil "
                             "prate mer, også på melding."),
    ("Thank you for writing", "Thank you for writing this here. It takes courage to share. I'm here if you "
                              "would like to talk more, in a message too."),
    ("Personal details removed", "I took out a few details that could tell others who you are. The rest of "
                                 "your post is still there. Thank you for understanding."),
    ("Krisehjelp", "Hvis det blir for tungt: ring legevakten på 116 117, eller Mental Helse på 116 123, "
                   "hele døgnet."),
]
HANDLED_NOTES = ["Wrote to the member privately.", "Replied in the thread.", "Nothing to do, read it through.",
                 "Snakket med medlemmet.", "Removed a phone number, the member agreed.", ""]
FEEDBACK_TEXTS = ["It was good to come, the coffee was warm and people were kind.",
                  "Litt mange folk for meg, men fint å være der.", "I'd like the café to start a bit later."]


class _Item:
    __slots__ = ("id", "kind", "priority", "state", "post", "thread", "request", "feedback", "cafe", "community",
                 "created", "handling_by", "handling_since", "done_by", "done_at", "note", "reasons", "subject")

    def __init__(self, *, kind, created, post=None, thread=None, request=None, feedback=None, cafe=None,
                 community=None, subject=None):
        self.id, self.kind, self.priority, self.state = None, kind, PRIORITY[kind], QueueState.NEW
        self.post, self.thread, self.request, self.feedback, self.cafe = post, thread, request, feedback, cafe
        self.community, self.created, self.subject = community, created, subject
        self.handling_by = self.handling_since = self.done_by = self.done_at = None
        self.note, self.reasons = "", []  # reasons: (kind, source, report id, created)

    def add(self, kind, source, created, report=None):
        self.reasons.append((kind, source, report, created))
        if PRIORITY[kind] < self.priority:
            self.kind, self.priority = kind, PRIORITY[kind]


def seed(ctx):
    now = ctx.now
    hours = _duty_hours()
    consultants = ctx.consultant_ids
    if consultants:
        ReplyTemplate.objects.bulk_create([ReplyTemplate(owner_id=owner, title=title, body=body, created_at=now)
                                           for owner in consultants for title, body in TEMPLATES])
    items = _report_and_flag_items(ctx)
    items += _waiting_items(ctx, hours, {item.post: item for item in items if item.state != QueueState.DONE})
    items += _cafe_items(ctx)
    _write(ctx, items)


def finish(ctx):
    """After every app's seed: the statistics' monthly summary, counted once with the app's own function from
    the first month with seeded activity (the forum's posts go back two years) to this one."""
    from moderation import statistics

    first = statistics.month_of(ctx.now - timedelta(days=730))
    months = statistics.months_between(first, statistics.month_of(ctx.now))
    statistics.refresh_months(months=months, now=ctx.now)


# --- On-duty hours -------------------------------------------------------------------------------------------
def _duty_hours():
    OnDutyHours.objects.bulk_create([OnDutyHours(weekday=d, starts=s, ends=e) for d, (s, e) in DUTY_HOURS.items()],
                                    ignore_conflicts=True)
    # The sweep reads them through the cache: forget what it held, now and once the seed is committed.
    forget_cached_hours()
    transaction.on_commit(forget_cached_hours)
    return {row.weekday: (row.starts, row.ends) for row in OnDutyHours.objects.all()}


def _came_due(created, hours, threshold):
    """The moment `created` + `threshold` seconds of on-duty time (when the sweep would have queued the post)."""
    if not hours:
        return created + timedelta(seconds=threshold)
    tz = timezone.get_current_timezone()
    day, left = timezone.localtime(created).date(), threshold
    while True:
        span = hours.get(day.weekday())
        if span is not None:
            on = max(timezone.make_aware(datetime.combine(day, span[0]), tz), created)
            off = timezone.make_aware(datetime.combine(day, span[1]), tz)
            if off > on:
                if (off - on).total_seconds() >= left:
                    return on + timedelta(seconds=left)
                left -= (off - on).total_seconds()
        day += timedelta(days=1)


# --- Where the items come from ---------------------------------------------------------------------------------
def _report_and_flag_items(ctx):
    from forum.models import PostFlag, PostReport

    rng, now = ctx.rng, ctx.now
    post_fields = ("post_id", "post__thread_id", "post__thread__community_id", "post__author__community_id",
                   "post__author_id")
    by_post = {}

    def add(row, kind, source, created, report=None):
        post, thread, thread_community, author_community, author = row
        if post not in by_post:
            by_post[post] = _Item(kind=kind, created=created, post=post, thread=thread,
                                  community=thread_community or author_community, subject=author)
        item = by_post[post]
        item.created = min(item.created, created)
        item.add(kind, source, created, report=report)

    for report_id, created, *row in (PostReport.objects.filter(handled_at__isnull=True).order_by("pk")
                                     .values_list("pk", "created_at", *post_fields)):
        add(row, QueueKind.REPORT, f"report:{report_id}", created, report=report_id)
    for flag_id, kind, created, *row in (PostFlag.objects.filter(handled_at__isnull=True).order_by("pk")
                                         .values_list("pk", "kind", "created_at", *post_fields)):
        add(row, QueueKind.CRISIS if kind == PostFlag.Kind.CRISIS else QueueKind.PRIVACY, f"flag:{flag_id}", created)

    # The newest tenth (at least three) wait for the consultant; the older ones were handled.
    items = sorted(by_post.values(), key=lambda item: (item.created, item.post), reverse=True)
    still_open = max(3, len(items) // 10)
    for n, item in enumerate(items):
        if n >= still_open:
            _handled(ctx, item, after=item.created)
        elif n % 3 == 1 and ctx.consultant_ids:
            item.state, item.handling_by = QueueState.HANDLING, rng.choice(ctx.consultant_ids)
            item.handling_since = min(item.created + timedelta(minutes=rng.randint(10, 600)), now)
    return items[::-1]


def _handled(ctx, item, *, after):
    rng = ctx.rng
    item.state, item.done_by = QueueState.DONE, rng.choice(ctx.consultant_ids or [None])
    item.done_at = min(after + timedelta(minutes=rng.randint(20, 48 * 60)), ctx.now)
    item.note = rng.choice(HANDLED_NOTES)


def _waiting_items(ctx, hours, open_by_post):
    """Exactly the posts moderation.services.sweep_waiting would have queued by now, each when it came due."""
    from forum.models import Thread
    from reconnect.models import Role

    now = ctx.now
    threshold = waiting_hours() * 3600
    lookback = now - timedelta(days=WAITING_LOOKBACK_DAYS)
    rows = (Thread.objects.filter(last_post__isnull=False, last_post_at__lte=now - timedelta(seconds=threshold),
                                  last_post__author__role=Role.SERVICE_USER,
                                  last_post__deleted_by_author_at__isnull=True, last_post__hidden_at__isnull=True)
            .order_by("last_post_id")
            .values_list("last_post_id", "last_post_at", "last_post__created_at", "pk", "community_id",
                         "last_post__author__community_id", "last_post__author_id"))
    items = []
    for post, last_at, created, thread, thread_community, author_community, author in rows.iterator(chunk_size=5000):
        if last_at >= lookback:
            # Still in the sweep's window: only what the sweep itself would take now.
            if on_duty_seconds(created, now, hours=hours) < threshold:
                continue
        due = min(_came_due(created, hours, threshold), now)
        source = f"waiting:{post}"
        item = open_by_post.get(post)
        if item is not None:  # a report or flag about the same post is still open: one more reason on it
            item.add(QueueKind.WAITING, source, due)
            continue
        item = _Item(kind=QueueKind.WAITING, created=due, post=post, thread=thread,
                     community=thread_community or author_community, subject=author)
        item.add(QueueKind.WAITING, source, due)
        if due < now - timedelta(days=STILL_OPEN_DAYS):
            _handled(ctx, item, after=due)
        items.append(item)
    return items


def _cafe_items(ctx):
    """A couple of café matters: wishes for company to upcoming cafés, "how was it" notes about past ones."""
    from cafes.models import CafeFeedback, CompanionRequest, FeedbackGiven, Rsvp

    rng, now = ctx.rng, ctx.now
    count = max(2, ctx.scale.cafes // 50)
    items = []
    upcoming = list(Rsvp.objects.filter(cafe__starts_at__gt=now + timedelta(days=1), cafe__status="planned",
                                    answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.MAYBE])
                .order_by("cafe__starts_at", "cafe_id", "user_id").distinct("cafe__starts_at", "cafe_id")
                .values_list("cafe_id", "user_id", "cafe__community_id", "cafe__starts_at")[:count])
    requests = CompanionRequest.objects.bulk_create([
        CompanionRequest(cafe_id=cafe, user_id=user, created_at=min(starts - timedelta(days=rng.uniform(2, 9)), now),
                         kind=rng.choice([CompanionRequest.Kind.COMPANION_WANTED, CompanionRequest.Kind.RIDE_WANTED]),
                         note=rng.choice(["", "I get nervous on the bus.", "Første gang, litt spent."]))
        for cafe, user, _community, starts in upcoming
    ])
    for request, (cafe, user, community, _starts) in zip(requests, upcoming):
        item = _Item(kind=QueueKind.CAFE, created=request.created_at, request=request.pk, cafe=cafe,
                     community=community, subject=user)
        item.add(QueueKind.CAFE, f"companion:{request.pk}", request.created_at)
        items.append(item)

    past = list(Rsvp.objects.filter(cafe__ends_at__lt=now, cafe__status="planned", answer=Rsvp.Answer.GOING,
                                    waitlisted_at__isnull=True)
                .order_by("-cafe__starts_at", "cafe_id", "user_id").distinct("cafe__starts_at", "cafe_id")
                .values_list("pk", "cafe_id", "cafe__community_id", "cafe__starts_at")[:count])
    FeedbackGiven.objects.bulk_create([FeedbackGiven(rsvp_id=rsvp) for rsvp, *_rest in past])
    notes = CafeFeedback.objects.bulk_create([
        CafeFeedback(cafe_id=cafe, text=rng.choice(FEEDBACK_TEXTS), day=timezone.localtime(starts).date())
        for _rsvp, cafe, _community, starts in past
    ])
    for n, (note, (_rsvp, cafe, community, starts)) in enumerate(zip(notes, past)):
        created = min(starts + timedelta(hours=rng.randint(3, 30)), now)
        item = _Item(kind=QueueKind.CAFE, created=created, feedback=note.pk, cafe=cafe, community=community)
        item.add(QueueKind.CAFE, f"feedback:{note.pk}", created)
        if n % 2:
            _handled(ctx, item, after=created)
        items.append(item)
    return items


# --- Writing it all ------------------------------------------------------------------------------------------
def _write(ctx, items):
    from reconnect.models import AuditAction, AuditEvent

    bar = ctx.progress("moderation queue", len(items))
    first_item = reserve_ids(QueueItem, len(items))
    item_rows, reason_rows, log_rows, audit_rows = [], [], [], []
    handled_posts = []  # (post id, when): its reports and flags count as handled then, as handle_item does
    for n, item in enumerate(items):
        item.id = first_item + n
        item_rows.append((item.id, item.kind, item.priority, item.state, item.post, item.thread, item.request,
                          item.feedback, item.cafe, item.community, item.created, item.handling_by,
                          item.handling_since, item.done_by, item.done_at, item.note))
        reason_rows += [(item.id, kind, source, report, created) for kind, source, report, created in item.reasons]
        logged = []
        if item.handling_by:
            logged.append((item.handling_by, LogAction.TAKE_ITEM, "", item.handling_since))
        if item.state == QueueState.DONE and item.done_by:
            logged.append((item.done_by, LogAction.HANDLE_ITEM, item.note, item.done_at))
        for actor, action, reason, when in logged:
            # As moderation.services.log_action writes it for an item: the item is the target, no thread.
            log_rows.append((actor, action, reason, item.subject, "moderation.queueitem", str(item.id), None,
                             item.id, "", when))
            audit_rows.append((actor, item.subject, AuditAction.MODERATION, "moderation.queueitem", str(item.id),
                               action, when))
        if item.state == QueueState.DONE and any(source.startswith(("report:", "flag:"))
                                                 for _kind, source, _report, _created in item.reasons):
            handled_posts.append((item.post, item.done_at))
    copy_rows(QueueItem, ["id", "kind", "priority", "state", "post_id", "thread_id", "companion_request_id",
                          "feedback_id", "cafe_id", "community_id", "created_at", "handling_by_id", "handling_since",
                          "done_by_id", "done_at", "done_note"], item_rows, progress=bar)
    copy_rows(QueueReason, ["item_id", "kind", "source", "report_id", "created_at"], reason_rows)
    copy_rows(ModerationLog, ["actor_id", "action", "reason", "subject_user_id", "target_type", "target_id",
                              "thread_id", "item_id", "detail", "created_at"], log_rows)
    copy_rows(AuditEvent, ["actor_id", "subject_user_id", "action", "object_type", "object_id", "detail",
                           "created_at"], audit_rows)
    if handled_posts:
        posts, moments = [p for p, _w in handled_posts], [w for _p, w in handled_posts]
        for table in ("forum_postreport", "forum_postflag"):
            run_sql(f"""
                UPDATE {table} r SET handled_at = h.at
                  FROM unnest(%s::bigint[], %s::timestamptz[]) AS h(post_id, at)
                 WHERE r.post_id = h.post_id AND r.handled_at IS NULL
            """, [posts, moments])
    bar.close()
    run_sql("ANALYZE moderation_queueitem; ANALYZE moderation_queuereason; ANALYZE moderation_moderationlog")
