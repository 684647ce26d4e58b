"""The forum's data: boards, threads, posts and the per-person state around them.

Counters (a board's thread and post counts, a thread's reply count and last post) are kept on write by
forum.services, so list pages read them from the rows instead of counting. Later issues add circles
(Thread.circle, a nullable foreign key), reactions, reports and moderation actions around these models.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.markdown import render_markdown

# Lets constraints say title__length__lte (also registered by the core; registering twice is harmless).
models.CharField.register_lookup(Length)
models.TextField.register_lookup(Length)

TITLE_MAX = 120
BODY_MAX = 20_000
THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20


class Board(models.Model):
    """A topic area, managed by the admin. Shared by all communities."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_nb = models.CharField(_("name (Norwegian Bokmål)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description_nb = models.CharField(_("description (Norwegian Bokmål)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Lower numbers come first."))
    is_active = models.BooleanField(_("active"), default=True)
    # Kept on write by forum.services.
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_nb if (get_language() or "").startswith("nb") and self.name_nb else self.name_en

    @property
    def description(self):
        if (get_language() or "").startswith("nb") and self.description_nb:
            return self.description_nb
        return self.description_en

    def get_absolute_url(self):
        return reverse("forum:board", args=[self.slug])


class Thread(models.Model):
    """A conversation on a board. Local to one community when `community` is set."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads", verbose_name=_("board"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    # SET_NULL: when an account is deleted its posts stay, shown as from a former member (SECURITY.md).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_threads"
    )
    community = models.ForeignKey(
        "reconnect.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="local_threads",
        verbose_name=_("only for members of"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    # Kept on write by forum.services: post_count counts every post ever placed (deleted ones keep their
    # place and number), so the next post's number is post_count + 1.
    post_count = models.PositiveIntegerField(default=0, editable=False)
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_post_at = models.DateTimeField(default=timezone.now, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints = [
            models.CheckConstraint(
                condition=Q(title__length__gte=1) & Q(title__length__lte=TITLE_MAX), name="forum_thread_title_length"
            ),
            models.CheckConstraint(condition=Q(reply_count__lte=F("post_count")), name="forum_thread_replies_le_posts"),
        ]
        indexes = [
            # A board's thread list: pinned first, then by last activity.
            models.Index(fields=["board", "-is_pinned", "-last_post_at"], name="forum_thread_board_list"),
            models.Index(fields=["community"], condition=Q(community__isnull=False), name="forum_thread_local"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:thread", args=[self.pk])

    @property
    def page_count(self):
        return max(1, (self.post_count + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)


class Post(models.Model):
    """One contribution to a thread. `body` is the author's Markdown; `body_html` is rendered once on save."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_posts"
    )
    number = models.PositiveIntegerField(help_text=_("Place in the thread, from 1."))
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_by_author_at = models.DateTimeField(null=True, blank=True)
    # For the consultant's moderation (a later issue): the author still sees a hidden post, others do not.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    # The one-time token of the form that made the post: a form sent twice makes one post.
    submit_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["thread", "number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="forum_post_number_unique"),
            models.UniqueConstraint(fields=["author", "submit_token"], name="forum_post_submit_once"),
            models.CheckConstraint(condition=Q(body__length__lte=BODY_MAX), name="forum_post_body_length"),
            models.CheckConstraint(condition=Q(number__gte=1), name="forum_post_number_positive"),
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="forum_post_author_recent")]

    def __str__(self):
        return f"Post #{self.pk}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_markdown(self.body)
            if update_fields is not None and "body_html" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "body_html"]
        super().save(*args, **kwargs)

    @property
    def is_deleted(self):
        return self.deleted_by_author_at is not None

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    @property
    def page_number(self):
        return (self.number - 1) // POSTS_PER_PAGE + 1

    def get_absolute_url(self):
        return reverse("forum:post", args=[self.pk])

    def get_thread_url(self):
        """The thread page this post is on, with the post as the anchor."""
        url = reverse("forum:thread", args=[self.thread_id])
        if self.page_number > 1:
            url += f"?page={self.page_number}"
        return url + f"#post-{self.number}"


class PostRevision(models.Model):
    """An earlier version of an edited post, kept for the consultant (moderator). Never shown to peers."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    # When this version was current until (the moment of the edit that replaced it).
    replaced_at = models.DateTimeField(default=timezone.now)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("earlier version of a post")
        verbose_name_plural = _("earlier versions of posts")
        ordering = ["post", "-replaced_at"]


class Subscription(models.Model):
    """A person follows a thread: new replies there become notifications."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="forum_subscription_unique")]
        indexes = [models.Index(fields=["thread"], name="forum_subscription_thread")]


class ThreadReadState(models.Model):
    """How far a person has read a thread, by post number: posts after it are unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="forum_readstate_unique")]


class ThreadView(models.Model):
    """One row per person per thread per day: a thread's view count counts each person once a day."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user", "day"], name="forum_view_once_a_day")]


REPORT_NOTE_MAX = 1000


class PostReport(models.Model):
    """A member asks the service user consultant to look at a post. The writer is never told who reported.

    One open report per person per post: a second one while the first is unhandled is refused kindly. The
    moderation queue (a later issue) reads the unhandled rows and sets `handled_at`.
    """

    class Reason(models.TextChoices):
        HURTFUL = "hurtful", _("It is hurtful or unkind")
        PRIVATE_DETAILS = "private_details", _("It shares someone's private details")
        WORRIED = "worried", _("I am worried about the writer")
        SPAM = "spam", _("It is spam or advertising")
        OTHER = "other", _("Something else")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    # SET_NULL: a report stays in the queue when the reporter's account is deleted.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), max_length=REPORT_NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post report")
        verbose_name_plural = _("post reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"], condition=Q(handled_at__isnull=True), name="forum_report_open_once"
            ),
            models.CheckConstraint(condition=Q(note__length__lte=REPORT_NOTE_MAX), name="forum_report_note_length"),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(handled_at__isnull=True), name="forum_report_open"),
        ]

    def __str__(self):
        return f"Report #{self.pk} on post #{self.post_id}"


class PostFlag(models.Model):
    """A post the writing checks marked for the consultant's attention after its author chose "Post anyway".

    crisis: crisis language (the post is published; the consultant may want to reach out).
    privacy: identifying details (the consultant can kindly suggest an edit). Nothing about the check's
    findings is stored, only the kind.
    """

    class Kind(models.TextChoices):
        CRISIS = "crisis", _("Crisis language")
        PRIVACY = "privacy", _("Identifying details")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post flag")
        verbose_name_plural = _("post flags")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "kind"], name="forum_flag_once_per_kind")]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(handled_at__isnull=True), name="forum_flag_open"),
        ]

    def __str__(self):
        return f"{self.kind} flag on post #{self.post_id}"


class WritingCheckDay(models.Model):
    """How often the writing checks ran on a day and what they found, for the consultant's statistics.

    Only counts: never the text, the author, the post or what was found.
    """

    day = models.DateField(unique=True)
    checked = models.PositiveIntegerField(default=0, help_text=_("Posts checked when sent."))
    privacy_found = models.PositiveIntegerField(default=0, help_text=_("Checks that found identifying details."))
    crisis_found = models.PositiveIntegerField(default=0, help_text=_("Checks that found crisis language."))
    posted_anyway = models.PositiveIntegerField(default=0, help_text=_("Posts sent with \"Post anyway\"."))

    class Meta:
        verbose_name = _("writing checks on a day")
        verbose_name_plural = _("writing checks per day")
        ordering = ["-day"]


def new_submit_token():
    return uuid.uuid4()
