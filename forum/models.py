"""The forum's data: boards, threads, posts and the per-person state around them.

Counters (a board's thread and post counts, a thread's reply count and last post, a post's reaction counts)
are kept on write by forum.services, so list pages read them from the rows instead of counting.

A thread lives either on a board (shared by all communities, or local to one community) or in a circle (a
closed group; seen only by its members and the consultant), never both.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.markdown import render_markdown

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


class BoardCount(models.Model):
    """A board's counters for one part of its readers: the threads shared by all communities (no community)
    or the threads local to one community. Board's own counters are the totals the consultant sees; a member
    sees the shared row plus their own community's row, so the board list never counts threads they cannot
    open. Kept on write by forum.services, like Board's."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="counts")
    community = models.ForeignKey(
        "reconnect.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
    )
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "community"], nulls_distinct=False, name="forum_boardcount_once"),
        ]


class Thread(models.Model):
    """A conversation on a board. Local to one community when `community` is set."""

    # How "Who has seen my data" names this object in the author's moderation rows (reconnect.views.audit).
    audit_label = _("your thread")

    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="threads", verbose_name=_("board"),
    )
    circle = models.ForeignKey(
        "Circle", null=True, blank=True, on_delete=models.PROTECT, related_name="threads", verbose_name=_("circle"),
    )
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
    # Slow mode (set by the consultant's moderation): a member waits this long between their replies here.
    slow_mode_seconds = models.PositiveIntegerField(default=0, editable=False)
    # Kept up to date by PostgreSQL itself (a stored generated column): the title in both languages' configs.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", config="norwegian") + SearchVector("title", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints = [
            models.CheckConstraint(
                condition=Q(title__length__gte=1) & Q(title__length__lte=TITLE_MAX), name="forum_thread_title_length"
            ),
            models.CheckConstraint(condition=Q(reply_count__lte=F("post_count")), name="forum_thread_replies_le_posts"),
            # On a board or in a circle, never both; a circle thread is never also local to a community.
            models.CheckConstraint(
                condition=(Q(board__isnull=False, circle__isnull=True)
                           | Q(board__isnull=True, circle__isnull=False, community__isnull=True)),
                name="forum_thread_board_xor_circle",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="forum_thread_search"),
            models.Index(fields=["circle", "-last_post_at"], condition=Q(circle__isnull=False), name="forum_thread_circle"),
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

    # How "Who has seen my data" names this object in the author's moderation rows (reconnect.views.audit).
    audit_label = _("your post")

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
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    # Support reactions, kept on write by forum.services (one of each kind per person per post).
    thanks_count = models.PositiveIntegerField(default=0, editable=False)
    hug_count = models.PositiveIntegerField(default=0, editable=False)
    me_too_count = models.PositiveIntegerField(default=0, editable=False)
    # A first post carries its thread's title (set by forum.services when the thread starts; titles are never
    # changed), so a search whose words are part in the title, part in the text finds the thread.
    thread_title = models.CharField(max_length=TITLE_MAX, blank=True, default="", editable=False)
    # Kept up to date by PostgreSQL itself (a stored generated column): the text (and, on a first post, the
    # thread's title) in both languages' configs. A post deleted by its author has an empty body, so its text
    # can no longer be found.
    search_vector = models.GeneratedField(
        expression=(SearchVector("thread_title", "body", config="norwegian")
                    + SearchVector("thread_title", "body", config="english")),
        output_field=SearchVectorField(),
        db_persist=True,
    )
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
        indexes = [
            models.Index(fields=["author", "-created_at"], name="forum_post_author_recent"),
            GinIndex(fields=["search_vector"], name="forum_post_search"),
        ]

    def __str__(self):
        return f"Post #{self.pk}"

    def save(self, *args, **kwargs):
        # The generated search_vector is computed by PostgreSQL and never written by Django.
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


class Reaction(models.Model):
    """A support reaction: one person's "thank you", "hug" or "me too" on a post, at most one of each kind."""

    class Kind(models.TextChoices):
        THANKS = "thanks", _("Thank you")
        HUG = "hug", _("Hug")
        ME_TOO = "me_too", _("Me too")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reactions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support reaction")
        verbose_name_plural = _("support reactions")
        ordering = ["post", "kind", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="forum_reaction_once_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=["thanks", "hug", "me_too"]), name="forum_reaction_kind"),
        ]

    # Which counter on Post belongs to each kind.
    COUNTER_FIELDS = {"thanks": "thanks_count", "hug": "hug_count", "me_too": "me_too_count"}


CIRCLE_NAME_MAX = 60
CIRCLE_DESCRIPTION_MAX = 300


class Circle(models.Model):
    """A closed group a member creates and invites others to by pseudonym: the study's "closed threads for
    those who have revealed their identities". Its threads are seen only by its members; the service user
    consultant is always a member (implicitly: every consultant sees every circle and moderates it)."""

    name = models.CharField(_("name"), max_length=CIRCLE_NAME_MAX)
    description = models.CharField(_("description"), max_length=CIRCLE_DESCRIPTION_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("circle")
        verbose_name_plural = _("circles")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(name__length__gte=1) & Q(name__length__lte=CIRCLE_NAME_MAX), name="forum_circle_name_length"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:circle", args=[self.pk])


class CircleMembership(models.Model):
    """A member of a circle (the consultant is not listed here: they are in every circle by role)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("circle member")
        verbose_name_plural = _("circle members")
        constraints = [models.UniqueConstraint(fields=["circle", "user"], name="forum_circle_member_once")]
        indexes = [models.Index(fields=["user"], name="forum_circle_member_user")]


class CircleInvitation(models.Model):
    """A member invites someone (by pseudonym) into a circle; nothing changes until the invitee accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("circle invitation")
        verbose_name_plural = _("circle invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "invitee"], condition=Q(status="pending"), name="forum_circle_invitation_open_once"
            ),
        ]


ABOUT_ME_MAX = 500


class MemberProfile(models.Model):
    """What a member chooses to show others on their forum profile, besides their pseudonym and join month.

    Never a real name or e-mail. The community shows only when the member has chosen so.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="forum_profile",
    )
    about_me = models.TextField(_("about me"), max_length=ABOUT_ME_MAX, blank=True)
    show_community = models.BooleanField(_("show my community on my profile"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        constraints = [
            models.CheckConstraint(condition=Q(about_me__length__lte=ABOUT_ME_MAX), name="forum_profile_about_length"),
        ]


def new_submit_token():
    return uuid.uuid4()


# --- Set by the consultant's moderation (the moderation app sets these through forum.services) -------------
# The forum keeps the state so that it can refuse a post itself; forum never imports moderation.
SLOW_MODE_MAX_SECONDS = 24 * 60 * 60
PAUSE_REASON_MAX = 300


class PostingPause(models.Model):
    """The consultant has paused a member's posting until a time, with a reason the member reads when they try
    to post. Rare; ended early by setting `ended_at`. History is kept."""

    # How "Who has seen my data" names this object in the member's moderation rows (reconnect.views.audit).
    audit_label = _("your posting in the forum")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posting_pauses")
    until = models.DateTimeField()
    reason = models.CharField(max_length=PAUSE_REASON_MAX)
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("posting pause")
        verbose_name_plural = _("posting pauses")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(until__gt=F("created_at")), name="forum_pause_ends_after_start"),
            models.CheckConstraint(condition=~Q(reason=""), name="forum_pause_has_reason"),
        ]
        indexes = [models.Index(fields=["user", "-until"], condition=Q(ended_at__isnull=True),
                                name="forum_pause_open")]

    @property
    def is_active(self):
        return self.ended_at is None and self.until > timezone.now()
