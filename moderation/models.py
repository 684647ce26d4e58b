"""The consultant's workspace: the queue, the append-only moderation log, member notes, reply templates, on-duty
hours (and, in its own block below, the statistics' monthly summary)."""

# --- The queue, the log and member care (moderation.services) -----------------------------------------------
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_MAX = 1000
TEMPLATE_TITLE_MAX = 80
TEMPLATE_BODY_MAX = 4000
HANDLED_NOTE_MAX = 500


class QueueKind(models.TextChoices):
    # In order of urgency: the queue shows crisis items first.
    CRISIS = "crisis", _("Crisis language")
    REPORT = "report", _("Report by a member")
    PRIVACY = "privacy", _("Identifying details")
    WAITING = "waiting", _("Waiting for an answer")
    CAFE = "cafe", _("Café matter")


# Lower comes first in the queue.
PRIORITY = {QueueKind.CRISIS: 0, QueueKind.REPORT: 1, QueueKind.PRIVACY: 2, QueueKind.WAITING: 3, QueueKind.CAFE: 4}


class QueueState(models.TextChoices):
    NEW = "new", _("New")
    HANDLING = "handling", _("Being handled")
    DONE = "done", _("Done")


OPEN_STATES = (QueueState.NEW, QueueState.HANDLING)


class QueueItem(models.Model):
    """Something for the consultant to see to: one item per post (reports, flags and "waiting for an answer"
    about the same post are merged into it as reasons), or one per café request or "how was it" note.

    `kind` and `priority` are those of the most urgent reason. While an item is open, a second one about the
    same post, request or note cannot exist (partial unique constraints); a handled item stays as history.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=QueueKind.choices)
    priority = models.PositiveSmallIntegerField(default=9)
    state = models.CharField(_("state"), max_length=10, choices=QueueState.choices, default=QueueState.NEW)
    post = models.ForeignKey("forum.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("forum.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    companion_request = models.ForeignKey(
        "cafes.CompanionRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    feedback = models.ForeignKey("cafes.CafeFeedback", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    cafe = models.ForeignKey("cafes.Cafe", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The community the matter belongs to (a local thread's, the author's, the café's); None: shared.
    community = models.ForeignKey("reconnect.Community", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    handling_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    handling_since = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(max_length=HANDLED_NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("queue item")
        verbose_name_plural = _("queue items")
        constraints = [
            models.UniqueConstraint(fields=["post"], condition=Q(post__isnull=False) & ~Q(state="done"),
                                    name="moderation_item_open_once_per_post"),
            models.UniqueConstraint(fields=["companion_request"],
                                    condition=Q(companion_request__isnull=False) & ~Q(state="done"),
                                    name="moderation_item_open_once_per_request"),
            models.UniqueConstraint(fields=["feedback"], condition=Q(feedback__isnull=False),
                                    name="moderation_item_once_per_feedback"),
            models.CheckConstraint(condition=~Q(state="done") | Q(done_at__isnull=False),
                                   name="moderation_item_done_has_time"),
            models.CheckConstraint(condition=Q(done_note__length__lte=HANDLED_NOTE_MAX),
                                   name="moderation_item_note_length"),
        ]
        indexes = [
            # The open queue, most urgent first, then oldest first.
            models.Index(fields=["priority", "created_at"], condition=~Q(state="done"), name="moderation_open_queue"),
            models.Index(fields=["-done_at"], condition=Q(state="done"), name="moderation_done_queue"),
        ]

    def __str__(self):
        return f"Queue item #{self.pk} ({self.kind})"

    def get_absolute_url(self):
        return reverse("moderation:item", args=[self.pk])

    @property
    def is_open(self):
        return self.state != QueueState.DONE


class QueueReason(models.Model):
    """Why an item is in the queue: one row per source (a report, a flag, a "waiting" sweep, a café request or
    note). `source` is unique, so the same source can never bring a second reason or item."""

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="reasons")
    kind = models.CharField(max_length=10, choices=QueueKind.choices)
    source = models.CharField(max_length=80, unique=True)
    report = models.ForeignKey("forum.PostReport", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class LogAction(models.TextChoices):
    PIN_THREAD = "pin_thread", _("pinned a thread")
    UNPIN_THREAD = "unpin_thread", _("unpinned a thread")
    LOCK_THREAD = "lock_thread", _("locked a thread")
    UNLOCK_THREAD = "unlock_thread", _("unlocked a thread")
    MOVE_THREAD = "move_thread", _("moved a thread")
    HIDE_POST = "hide_post", _("hid a post")
    RESTORE_POST = "restore_post", _("restored a post")
    SLOW_MODE = "slow_mode", _("turned on slow mode")
    SLOW_MODE_OFF = "slow_mode_off", _("turned off slow mode")
    PAUSE_POSTING = "pause_posting", _("paused a member's posting")
    END_PAUSE = "end_pause", _("ended a pause")
    REPLY = "reply", _("replied in a thread")
    WRITE_PRIVATELY = "write_privately", _("wrote privately to a member")
    TAKE_ITEM = "take_item", _("started handling an item")
    HANDLE_ITEM = "handle_item", _("marked an item handled")
    ANNOUNCE = "announce", _("published an announcement")
    MEMBER_NOTE = "member_note", _("wrote a note about a member")


# Actions on a member's own posts or threads that the member sees on "Moderation of my posts".
ACTIONS_SHOWN_TO_MEMBER = (
    LogAction.LOCK_THREAD, LogAction.UNLOCK_THREAD, LogAction.MOVE_THREAD, LogAction.HIDE_POST,
    LogAction.RESTORE_POST, LogAction.SLOW_MODE, LogAction.SLOW_MODE_OFF, LogAction.PAUSE_POSTING,
    LogAction.END_PAUSE,
)


class ModerationLog(models.Model):
    """One moderation action: who, what, why, when, and on what. Append-only: a database trigger refuses UPDATE
    and DELETE (migration moderation 0002). The foreign keys carry no database constraint, so rows outlive what
    they name."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    action = models.CharField(max_length=30, choices=LogAction.choices)
    reason = models.CharField(max_length=500, blank=True)
    # Whom it concerns (the author of the post, the paused member); never the person who reported.
    subject_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="+")
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    thread = models.ForeignKey("forum.Thread", null=True, blank=True, on_delete=models.DO_NOTHING,
                               db_constraint=False, related_name="+")
    item = models.ForeignKey(QueueItem, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="moderation_log_recent"),
            models.Index(fields=["subject_user", "-created_at"], name="moderation_log_subject"),
        ]

    def __str__(self):
        return f"{self.action} #{self.pk}"


class MemberNote(models.Model):
    """A short note by the consultant about a member (by pseudonym); seen only by consultants and admins."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(text__length__lte=NOTE_MAX) & ~Q(text=""),
                                              name="moderation_note_length")]


class ReplyTemplate(models.Model):
    """A kind phrasing the consultant starts replies from; each consultant keeps their own list."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("name"), max_length=TEMPLATE_TITLE_MAX)
    body = models.TextField(_("text"), max_length=TEMPLATE_BODY_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(body__length__lte=TEMPLATE_BODY_MAX) & ~Q(body=""),
                                   name="moderation_template_body_length"),
            models.CheckConstraint(condition=~Q(title=""), name="moderation_template_has_title"),
        ]

    def __str__(self):
        return self.title


class OnDutyHours(models.Model):
    """When the consultant is on duty on one weekday (0 = Monday), in the portal's time zone. A weekday without
    a row is a day off. No rows at all: on duty always (nothing said in the forum)."""

    weekday = models.PositiveSmallIntegerField(unique=True)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="moderation_duty_weekday"),
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="moderation_duty_ends_after"),
        ]


# --- Statistics: the monthly summary (moderation.statistics) ------------------------------------------------
# Kept apart from the queue's models above. The statistics page reads only these rows, never the forum's,
# cafés', messaging's or toolbox's own tables, so it renders in the same few queries whatever their size.


class MonthlyFigure(models.Model):
    """One figure for one community and one calendar month (Europe/Oslo), e.g. ("posts", 2025-03, 412).

    Counts only, never who or what. Written by moderation.statistics.refresh_months from aggregate queries.
    """

    community = models.ForeignKey("reconnect.Community", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    figure = models.CharField(max_length=60)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "month", "figure"], name="stats_figure_once"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="stats_month_first_day"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="stats_value_not_negative"),
        ]
        indexes = [models.Index(fields=["month", "figure"], name="stats_figure_month")]

    def __str__(self):
        return f"{self.figure} {self.month:%Y-%m} community #{self.community_id}"


class StatisticsMonth(models.Model):
    """When a month's figures were last counted, and whether the month had ended by then (`final`).

    The nightly task counts each ended month once more after it ends, then leaves it alone."""

    month = models.DateField(unique=True)
    computed_at = models.DateTimeField(default=timezone.now)
    final = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="stats_month_marker_first_day"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"
