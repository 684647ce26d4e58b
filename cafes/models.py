"""ReConnect-cafés: monthly face-to-face peer groups per community, with RSVP and an ordered waitlist.

Counters on a café (going, maybe, waitlisted) are kept on write by cafes.services while the café row is locked,
so list pages never count rows. The database keeps the truth: one RSVP per person per café, a café ends after it
starts, and never more people "going" than its capacity.

Later parts of the café issue fit beside these models without changing them (see the README's Cafés section):
- a recurring series ("first Tuesday of every month, 18:00-20:00"): a `CafeSeries` model holding the rule and
  the café template, and a nullable `Cafe.series` foreign key; beat creates the next café from it, and each café
  stays editable and cancellable one by one;
- reminders sent exactly once: a `ReminderSent(rsvp, kind)` row with a unique constraint, claimed before the
  notification is written, plus per-person reminder preferences;
- getting there together: `CompanionRequest(cafe, user, kind=companion/ride_wanted/ride_offered)` and a
  `CompanionMatch` joining two requests that both accept, with a short message thread of its own;
- attendance: an `attended` flag (nullable: not marked yet) on `Rsvp`, or an `Attendance` row for people who
  came without answering; "how was it" notes as `CafeFeedback(cafe, text)` with no author column at all;
- the calendar feed: a `CalendarFeedToken(user, token_hash, revoked_at)`; the feed uses `Cafe.sequence` so
  calendar apps notice a moved or cancelled café;
- the forum's café-corner thread: a nullable `Cafe.forum_thread_id` (cafes may import forum, DESIGN.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
VENUE_MAX = 120
ADDRESS_MAX = 200
TOPIC_MAX = 200
TEXT_MAX = 2000
CAPACITY_MAX = 500


class Cafe(models.Model):
    """One café: a time and a place in a community, hosted by the service user consultant."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(
        "reconnect.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="cafes"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue_name = models.CharField(_("venue"), max_length=VENUE_MAX)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX)
    getting_there = models.TextField(_("how to get there"), max_length=TEXT_MAX, blank=True)
    accessibility = models.TextField(_("accessibility"), max_length=TEXT_MAX, blank=True)
    entrance = models.TextField(_("the entrance"), max_length=TEXT_MAX, blank=True)
    # Empty: no limit, nobody is ever waitlisted.
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cafes_hosted", limit_choices_to={"role": "consultant"},
    )
    topic = models.CharField(_("topic"), max_length=TOPIC_MAX, blank=True)
    # Empty: the page shows the kind default text, in the reader's own language (see the detail template).
    what_to_expect = models.TextField(_("what to expect"), max_length=TEXT_MAX, blank=True)
    open_to_visitors = models.BooleanField(_("open to members of other communities"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Raised whenever the time or place changes or the café is cancelled: the iCalendar SEQUENCE, so calendar
    # apps replace the event they already hold.
    sequence = models.PositiveIntegerField(default=0)
    going_count = models.PositiveIntegerField(default=0)
    maybe_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("café")
        verbose_name_plural = _("cafés")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="cafe_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(going_count__lte=F("capacity")),
                name="cafe_going_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(status="planned", cancelled_at__isnull=True)
                | Q(status="cancelled", cancelled_at__isnull=False),
                name="cafe_cancelled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["community", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cafes:detail", args=[self.pk])

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def has_started(self, *, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def is_past(self, *, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    def accepts_answers(self, *, now=None) -> bool:
        """Answers can be given and changed until the café starts, unless it is cancelled."""
        return not self.is_cancelled and not self.has_started(now=now)

    @property
    def places_left(self):
        """Free places, or None when there is no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.going_count, 0)


class Rsvp(models.Model):
    """One person's answer to one café. "Going" beyond the capacity waits on the list, first come first served."""

    class Answer(models.TextChoices):
        GOING = "going", _("I'm going")
        MAYBE = "maybe", _("Maybe")
        CANT = "cant", _("I can't come")

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cafe_rsvps")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    # Waiting for a place: set with the time the person joined the list, which orders it.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    show_me = models.BooleanField(_("show me to other attendees"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(fields=["cafe", "user"], name="rsvp_one_per_user_per_cafe"),
            models.CheckConstraint(
                condition=Q(waitlisted_at__isnull=True) | Q(answer="going"), name="rsvp_only_going_waits",
            ),
        ]
        indexes = [
            models.Index(fields=["cafe", "waitlisted_at", "id"], condition=Q(waitlisted_at__isnull=False),
                         name="rsvp_waitlist_order"),
            models.Index(fields=["user", "cafe"]),
        ]

    def __str__(self):
        return f"RSVP #{self.pk}"

    @property
    def is_waitlisted(self):
        return self.waitlisted_at is not None

    @property
    def has_place(self):
        return self.answer == self.Answer.GOING and self.waitlisted_at is None
