"""ReConnect-cafés: monthly face-to-face peer groups per community, with RSVP and an ordered waitlist.

Counters on a café (going, maybe, waitlisted) are kept on write by cafes.services while the café row is locked,
so list pages never count rows. The database keeps the truth: one RSVP per person per café, a café ends after it
starts, and never more people "going" than its capacity.

Built beside them (second slice):
- a recurring series ("first Tuesday of every month, 18:00-20:00"): `CafeSeries` holds the rule and the café
  template; `Cafe.series` and `Cafe.series_date` (the day the rule gave, unique per series) let beat plan the
  next cafés idempotently, and each café stays editable and cancellable one by one;
- reminders sent exactly once: a `ReminderSent(rsvp, kind)` row with a unique constraint, claimed in the same
  transaction as the notification, plus per-person `ReminderSettings`;
- the calendar feed: `CalendarFeedToken(user, token_hash, revoked_at)`; the feed uses `Cafe.sequence` so
  calendar apps notice a moved or cancelled café.

Third slice, beside them:
- getting there together: `CompanionRequest(cafe, user, kind)` (a wish or an offer of company or a ride, with a
  short note), `CompanionMatch(wanted, offered)` proposed by one side and accepted by the other, with its own
  `MatchMessage`s and each side's optional phone number (encrypted, shown only when both share);
- attendance: `Attendance(cafe, user)` rows marked by the consultant (people who answered and walk-ins), with
  `Cafe.attended_count` kept on write for the statistics;
- "how was it" notes: `CafeFeedback(cafe, text, day)` with no author column at all, and `FeedbackGiven(rsvp)`
  keeping one note per person and café without saying which note is whose;
- the forum's café-corner thread: a nullable `Cafe.forum_thread` (cafes may import forum, DESIGN.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reconnect.fields import EncryptedTextField

TITLE_MAX = 120
VENUE_MAX = 120
ADDRESS_MAX = 200
TOPIC_MAX = 200
TEXT_MAX = 2000
CAPACITY_MAX = 500


class CafeDetails(models.Model):
    """What a café and a series (its template) both say about the café itself."""

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    venue_name = models.CharField(_("venue"), max_length=VENUE_MAX)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX)
    getting_there = models.TextField(_("how to get there"), max_length=TEXT_MAX, blank=True)
    accessibility = models.TextField(_("accessibility"), max_length=TEXT_MAX, blank=True)
    entrance = models.TextField(_("the entrance"), max_length=TEXT_MAX, blank=True)
    # Empty: no limit, nobody is ever waitlisted.
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=TOPIC_MAX, blank=True)
    # Empty: the page shows the kind default text, in the reader's own language (see the detail template).
    what_to_expect = models.TextField(_("what to expect"), max_length=TEXT_MAX, blank=True)
    open_to_visitors = models.BooleanField(_("open to members of other communities"), default=False)

    class Meta:
        abstract = True


class Cafe(CafeDetails):
    """One café: a time and a place in a community, hosted by the service user consultant."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(
        "reconnect.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="cafes"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cafes_hosted", limit_choices_to={"role": "consultant"},
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Raised whenever the time or place changes or the café is cancelled: the iCalendar SEQUENCE, so calendar
    # apps replace the event they already hold.
    sequence = models.PositiveIntegerField(default=0)
    going_count = models.PositiveIntegerField(default=0)
    maybe_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)
    # How many came, marked by the consultant after the café (cafes.services.mark_attendance); None: not marked.
    attended_count = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # A café planned from a recurring series, and the day the series' rule gave it. The day stays as it was when
    # the consultant moves this one café, so the series never plans that day a second time.
    series = models.ForeignKey(
        "cafes.CafeSeries", verbose_name=_("series"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cafes",
    )
    series_date = models.DateField(null=True, blank=True)
    # The forum thread for before-and-after talk (usually in the "Café corner" board, local to the community).
    forum_thread = models.ForeignKey(
        "forum.Thread", verbose_name=_("forum thread"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

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
            # Beat may plan a series twice at once: one café per series and day, whatever happens.
            models.UniqueConstraint(fields=["series", "series_date"], name="cafe_one_per_series_day"),
            models.CheckConstraint(condition=Q(series__isnull=True) | Q(series_date__isnull=False),
                                   name="cafe_series_has_day"),
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


# --- Recurring series ---------------------------------------------------------------------------------
# How far ahead beat plans the cafés of a series: about two months.
SERIES_WEEKS_AHEAD = 9


class CafeSeries(CafeDetails):
    """A café that comes back, "the first Tuesday of every month, 18:00-20:00": a rule and a café template.

    Beat plans the next cafés from it (cafes.services.plan_series_cafes). They are ordinary cafés with `series`
    set: the consultant changes or cancels them one by one, and changing one leaves the series as it is.
    Changing the series changes the cafés it plans from then on, not those already planned.
    """

    class Week(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        LAST = -1, _("last")

    community = models.ForeignKey(
        "reconnect.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="cafe_series"
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"))  # 0 Monday ... 6 Sunday, as date.weekday()
    week = models.SmallIntegerField(_("week of the month"), choices=Week.choices)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cafe_series_hosted", limit_choices_to={"role": "consultant"},
    )
    active = models.BooleanField(_("active"), default=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("café series")
        verbose_name_plural = _("café series")
        ordering = ["community__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="series_weekday_in_week"),
            models.CheckConstraint(condition=Q(week__in=[1, 2, 3, 4, -1]), name="series_week_known"),
            # No café runs past midnight: the times are on one day.
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="series_ends_after_start"),
            models.CheckConstraint(
                condition=Q(active=True, stopped_at__isnull=True) | Q(active=False, stopped_at__isnull=False),
                name="series_stopped_has_time",
            ),
        ]
        indexes = [models.Index(fields=["active"], condition=Q(active=True), name="series_active")]

    def __str__(self):
        return self.title

    def rule_text(self) -> str:
        """"The first Tuesday of every month", in the current language."""
        from django.utils.dates import WEEKDAYS

        return _("The %(week)s %(weekday)s of every month") % {
            "week": self.Week(self.week).label, "weekday": WEEKDAYS[self.weekday],
        }

    def day_in_month(self, year, month):
        """The day this series' rule gives in `month` of `year`."""
        import calendar
        import datetime

        days = [day for day in range(1, calendar.monthrange(year, month)[1] + 1)
                if datetime.date(year, month, day).weekday() == self.weekday]
        return datetime.date(year, month, days[-1] if self.week == self.Week.LAST else days[self.week - 1])

    def days_between(self, first, last) -> list:
        """Every day the rule gives from `first` to `last` (dates, both included), in order."""
        days, year, month = [], first.year, first.month
        while (year, month) <= (last.year, last.month):
            day = self.day_in_month(year, month)
            if first <= day <= last:
                days.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return days


# --- Reminders ----------------------------------------------------------------------------------------
DEFAULT_EARLY_HOURS = 48
DEFAULT_LATE_HOURS = 3
EARLY_CHOICES = [(0, _("No early reminder")), (24, _("1 day before")), (48, _("2 days before")),
                 (72, _("3 days before")), (168, _("1 week before"))]
LATE_CHOICES = [(0, _("No reminder on the day")), (1, _("1 hour before")), (2, _("2 hours before")),
                (3, _("3 hours before")), (6, _("6 hours before"))]


class ReminderSettings(models.Model):
    """When a person wants café reminders. No row: the defaults (2 days and 3 hours before, "maybe" too)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="cafe_reminder_settings")
    # Hours before the café; 0 is off (so a missing row and "off" stay apart in the reminder sweep's join).
    early_hours = models.PositiveSmallIntegerField(_("early reminder"), choices=EARLY_CHOICES,
                                                   default=DEFAULT_EARLY_HOURS)
    late_hours = models.PositiveSmallIntegerField(_("reminder on the day"), choices=LATE_CHOICES,
                                                  default=DEFAULT_LATE_HOURS)
    remind_maybe = models.BooleanField(_("one gentle reminder when I answered maybe"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("café reminder settings")
        verbose_name_plural = _("café reminder settings")
        constraints = [
            models.CheckConstraint(condition=Q(early_hours__in=[value for value, _label in EARLY_CHOICES]),
                                   name="reminder_early_known"),
            models.CheckConstraint(condition=Q(late_hours__in=[value for value, _label in LATE_CHOICES]),
                                   name="reminder_late_known"),
        ]


class ReminderSent(models.Model):
    """A reminder claimed for one answer: the unique row is what makes each reminder go out exactly once.

    It is written in the same transaction as the notification: a retried task or a second beat finds the row
    (or waits for it) and sends nothing; a task that dies before its commit leaves neither.
    """

    class Kind(models.TextChoices):
        EARLY = "early", _("early reminder")
        LATE = "late", _("reminder on the day")
        MAYBE = "maybe", _("gentle reminder for maybe")

    rsvp = models.ForeignKey(Rsvp, on_delete=models.CASCADE, related_name="reminders_sent")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["rsvp", "kind"], name="reminder_once_per_rsvp_and_kind")]


# --- The private calendar feed ------------------------------------------------------------------------
class CalendarFeedToken(models.Model):
    """A person's private calendar feed link. Only the token's SHA-256 is stored: the link is shown once, when
    it is made; a new link revokes the old one, and a revoked link answers 404 like one that never existed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cafe_feed_tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True),
                                    name="feed_one_live_link_per_user"),
        ]


# --- Getting there together ---------------------------------------------------------------------------
NOTE_MAX = 200
MATCH_MESSAGE_MAX = 500


class CompanionRequest(models.Model):
    """A member's private wish to get to a café with someone: to meet a companion before and walk in together,
    or a ride; or an offer of either. Only the person, those they are matched with (by pseudonym) and the
    consultant see it. It closes when they withdraw, answer "can't come", or the café is cancelled."""

    class Kind(models.TextChoices):
        COMPANION_WANTED = "companion_wanted", _("I'd like to meet someone before and walk in together")
        COMPANION_OFFERED = "companion_offered", _("I can meet someone before and walk in together")
        RIDE_WANTED = "ride_wanted", _("I'd like a ride")
        RIDE_OFFERED = "ride_offered", _("I can offer a ride")

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="companion_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cafe_companion_requests")
    kind = models.CharField(_("what I'd like"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("a short note (optional)"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("getting-there request")
        verbose_name_plural = _("getting-there requests")
        constraints = [
            models.UniqueConstraint(fields=["cafe", "user", "kind"], condition=Q(closed_at__isnull=True),
                                    name="companion_one_open_per_kind"),
        ]
        indexes = [models.Index(fields=["cafe", "kind"], condition=Q(closed_at__isnull=True),
                                name="companion_open_by_kind")]

    @property
    def is_offer(self):
        return self.kind.endswith("_offered")

    @property
    def partner_kind(self):
        """The kind of request this one pairs with: a wish with the matching offer, and back."""
        base, side = self.kind.rsplit("_", 1)
        return f"{base}_{'wanted' if side == 'offered' else 'offered'}"


class CompanionMatch(models.Model):
    """A wish and an offer for the same café, proposed by one of the two and accepted (or declined) by the other.
    Once accepted, the two can send each other short messages here; their contact details are never shown."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Agreed")
        DECLINED = "declined", _("Declined")

    wanted = models.ForeignKey(CompanionRequest, on_delete=models.CASCADE, related_name="matches_as_wanted")
    offered = models.ForeignKey(CompanionRequest, on_delete=models.CASCADE, related_name="matches_as_offered")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # "Share my phone number", each side's own choice: stored only when given, encrypted, and shown to the other
    # person only once both have given theirs (see cafes.access.phone_numbers). Empty: not shared.
    wanted_phone = EncryptedTextField(blank=True)
    offered_phone = EncryptedTextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wanted", "offered"], name="companion_match_once"),
            models.CheckConstraint(condition=~Q(wanted=F("offered")), name="companion_match_two_requests"),
        ]

    def get_absolute_url(self):
        return reverse("cafes:match", args=[self.pk])


class MatchMessage(models.Model):
    """A short plain-text message between the two people of an agreed match (shown escaped)."""

    match = models.ForeignKey(CompanionMatch, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MATCH_MESSAGE_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


# --- Attendance ---------------------------------------------------------------------------------------
class Attendance(models.Model):
    """Someone came to a café, marked by the consultant afterwards: people who answered, and people who came
    without answering (added by pseudonym). `Cafe.attended_count` is kept on write for the statistics."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cafe_attendances")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cafe", "user"], name="attendance_once_per_cafe")]


# --- "How was it" notes -------------------------------------------------------------------------------
FEEDBACK_MAX = 1000


class CafeFeedback(models.Model):
    """A short anonymous note about a café for the consultant. There is no author column at all, and no time
    finer than the day: nothing here says who wrote it. `FeedbackGiven` keeps "one note per person per café"."""

    cafe = models.ForeignKey(Cafe, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField(max_length=FEEDBACK_MAX)
    day = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("“how was it” note")
        verbose_name_plural = _("“how was it” notes")


class FeedbackGiven(models.Model):
    """A marker that the person behind `rsvp` has left their note for its café (one per RSVP, enforced by the
    primary key). It is kept apart from the note on purpose, with a random id and no time at all, so the two
    cannot be joined or lined up in order: the consultant (or anyone with the database) can know *that*
    someone left a note, never *which* note is theirs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rsvp = models.OneToOneField(Rsvp, on_delete=models.CASCADE, related_name="feedback_given")
