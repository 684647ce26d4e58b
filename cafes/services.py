"""Every write of the cafés goes through these keyword-only functions.

Bad input raises CafeError with a message for the person (already translated), before anything is stored.
Answers lock the café row (SELECT ... FOR UPDATE), so two people answering at once for the last place are
served one after the other: one gets it, the other is put first on the waitlist. The counters on the café are
recounted inside that lock, and the database refuses more "going" than the capacity in any case.
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import (
    Case, Count, DateTimeField, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Value, When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cafes import access
from cafes.models import (
    ADDRESS_MAX, CAPACITY_MAX, DEFAULT_EARLY_HOURS, DEFAULT_LATE_HOURS, EARLY_CHOICES, FEEDBACK_MAX, LATE_CHOICES,
    MATCH_MESSAGE_MAX, NOTE_MAX, SERIES_WEEKS_AHEAD, TEXT_MAX, TITLE_MAX, TOPIC_MAX, VENUE_MAX, Attendance, Cafe,
    CafeFeedback, CafeSeries, CalendarFeedToken, CompanionMatch, CompanionRequest, FeedbackGiven, MatchMessage,
    ReminderSent, ReminderSettings, Rsvp,
)
from reconnect.models import Community, Role, User, hash_token
from reconnect.services import notify, set_notification_email_kinds
from reconnect.userinput import UserFacingError

NOTIFICATION_KIND = "cafe"

# Fields of a café, their longest length and the friendly "too long" message (one whole sentence per field, so
# each language can say it in its own grammar).
_TEXT_FIELDS = {
    "title": (TITLE_MAX, gettext_lazy(
        "The title is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")),
    "venue_name": (VENUE_MAX, gettext_lazy(
        "The venue is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")),
    "address": (ADDRESS_MAX, gettext_lazy(
        "The address is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")),
    "topic": (TOPIC_MAX, gettext_lazy(
        "The topic is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")),
    "getting_there": (TEXT_MAX, gettext_lazy(
        "How to get there is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")),
    "accessibility": (TEXT_MAX, gettext_lazy(
        "The accessibility notes are %(length)s characters long. Please shorten them to %(max)s characters "
        "or fewer.")),
    "entrance": (TEXT_MAX, gettext_lazy(
        "The description of the entrance is %(length)s characters long. Please shorten it to %(max)s "
        "characters or fewer.")),
    "what_to_expect": (TEXT_MAX, gettext_lazy(
        "What to expect is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")),
}
_REQUIRED = {
    "title": gettext_lazy("Please give the café a title."),
    "venue_name": gettext_lazy("Please write where the café is held (the name of the place)."),
    "address": gettext_lazy("Please write the address, so people can find the place."),
}
# Changing these changes when or where people go: everyone who answered is told.
_MOVING_FIELDS = ("starts_at", "ends_at", "venue_name", "address")
EDITABLE_FIELDS = (
    "community", "title", "starts_at", "ends_at", "venue_name", "address", "getting_there", "accessibility",
    "entrance", "capacity", "host", "topic", "what_to_expect", "open_to_visitors",
)


class CafeError(UserFacingError):
    """A write the cafés refuse, with a message for the person (already translated)."""


# --- Checks that give the friendly message ------------------------------------------------------------
def clean_text(name, value) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if name in ("title", "venue_name", "address", "topic"):
        value = " ".join(value.split())
    if name in _REQUIRED and not value:
        raise CafeError(_REQUIRED[name])
    limit, too_long = _TEXT_FIELDS[name]
    if len(value) > limit:
        raise CafeError(too_long % {"length": len(value), "max": limit})
    return value


def check_times(*, starts_at, ends_at, now=None) -> None:
    """A café starts in the future and ends after it starts (both times aware)."""
    now = now or timezone.now()
    if starts_at is None or ends_at is None or timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise CafeError(_("Please give the date and the start and end times."))
    if ends_at <= starts_at:
        raise CafeError(_("The café ends before it starts. Please check the start and end times."))
    if starts_at <= now:
        raise CafeError(_("That time has already passed. Please choose a time in the future."))


def check_capacity(capacity, *, going=0) -> None:
    if capacity is None:
        return
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
        raise CafeError(_("The number of places must be a whole number, 0 or more (or empty for no limit)."))
    if capacity > CAPACITY_MAX:
        raise CafeError(_("The number of places can be at most %(max)s.") % {"max": CAPACITY_MAX})
    if capacity < going:
        raise CafeError(
            _("%(going)s people already have a place, so the café needs at least %(going)s places. "
              "To make room, talk with the people who are coming first.") % {"going": going}
        )


def _check_manager(by) -> None:
    if not access.can_manage_cafes(by):
        raise PermissionDenied


def _check_host(host) -> None:
    if host is not None and (host.role != Role.CONSULTANT or not host.is_active):
        raise CafeError(_("The host must be a service user consultant. Please choose from the list."))


def _check_community(community) -> None:
    if not isinstance(community, Community) or community.pk is None:
        raise CafeError(_("Please choose the community the café is for."))


# --- Notifications ------------------------------------------------------------------------------------
def _when(cafe) -> str:
    """The café's date and start time in the current language and the portal's time zone."""
    local = timezone.localtime(cafe.starts_at)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'TIME_FORMAT')}"


def _notify(*, recipient, cafe, message):
    """Tell one person about a café, in their own language. `message` is a gettext_lazy with %(when)s; the text
    names no other person and nothing but the date (the e-mail, if they want one, says only "something new")."""
    if not recipient.is_active:
        return None
    with translation.override(recipient.preferred_language):
        return notify(recipient=recipient, kind=NOTIFICATION_KIND, text=str(message) % {"when": _when(cafe)},
                      link=cafe.get_absolute_url())


def _notify_everyone_who_answered(cafe, message, *, except_user=None):
    for rsvp in Rsvp.objects.filter(cafe=cafe).select_related("user").order_by("pk"):
        if except_user is None or rsvp.user_id != except_user.pk:
            _notify(recipient=rsvp.user, cafe=cafe, message=message)


# --- Creating, changing and cancelling ----------------------------------------------------------------
def _cleaned(fields) -> dict:
    data = {}
    for name, value in fields.items():
        if name in _TEXT_FIELDS:
            data[name] = clean_text(name, value)
        elif name == "open_to_visitors":
            data[name] = bool(value)
        else:
            data[name] = value
    return data


def create_cafe(*, by, community, title, starts_at, ends_at, venue_name, address, getting_there="",
                accessibility="", entrance="", capacity=None, host=None, topic="", what_to_expect="",
                open_to_visitors=False) -> Cafe:
    """Plan a café for `community` (the consultant or an admin). Nobody is notified: nobody has answered yet."""
    _check_manager(by)
    _check_community(community)
    data = _cleaned({
        "title": title, "venue_name": venue_name, "address": address, "getting_there": getting_there,
        "accessibility": accessibility, "entrance": entrance, "topic": topic, "what_to_expect": what_to_expect,
        "open_to_visitors": open_to_visitors,
    })
    check_times(starts_at=starts_at, ends_at=ends_at)
    check_capacity(capacity)
    _check_host(host)
    now = timezone.now()
    return Cafe.objects.create(
        community=community, starts_at=starts_at, ends_at=ends_at, capacity=capacity, host=host, created_by=by,
        created_at=now, updated_at=now, **data,
    )


def update_cafe(*, cafe, by, **changes) -> Cafe:
    """Change a planned café that has not started. Moving it (time or place) tells everyone who answered; more
    places give the first people on the waitlist a place. Returns the café as saved."""
    _check_manager(by)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_cafe() got unknown fields: {sorted(unknown)}")
    data = _cleaned(changes)
    if "community" in data:
        _check_community(data["community"])
    if "host" in data:
        _check_host(data["host"])
    with transaction.atomic():
        locked = Cafe.objects.select_for_update().get(pk=cafe.pk)
        if locked.is_cancelled:
            raise CafeError(_("This café has been cancelled, so it can no longer be changed."))
        if locked.has_started():
            raise CafeError(_("This café has already started, so it can no longer be changed."))
        starts_at, ends_at = data.get("starts_at", locked.starts_at), data.get("ends_at", locked.ends_at)
        if (starts_at, ends_at) != (locked.starts_at, locked.ends_at):
            check_times(starts_at=starts_at, ends_at=ends_at)
        if "capacity" in data:
            check_capacity(data["capacity"], going=locked.going_count)
        moved = any(name in data and data[name] != getattr(locked, name) for name in _MOVING_FIELDS)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        if moved:
            locked.sequence += 1
        locked.save()
        promoted = _fill_free_places(locked)
        _recount(locked)
        if moved:
            _notify_everyone_who_answered(
                locked, gettext_lazy("A café you answered has a new time or place. It now starts %(when)s."),
            )
        for rsvp in promoted:
            _notify(recipient=rsvp.user, cafe=locked, message=_PLACE_FOR_YOU)
    return locked


def cancel_cafe(*, cafe, by) -> bool:
    """Cancel a café that has not started and tell everyone who answered; False if it was already cancelled."""
    _check_manager(by)
    with transaction.atomic():
        locked = Cafe.objects.select_for_update().get(pk=cafe.pk)
        if locked.is_cancelled:
            return False
        if locked.has_started():
            raise CafeError(_("This café has already started, so it cannot be cancelled."))
        now = timezone.now()
        Cafe.objects.filter(pk=locked.pk).update(
            status=Cafe.Status.CANCELLED, cancelled_at=now, updated_at=now, sequence=locked.sequence + 1
        )
        close_requests_of(cafe=locked)
        cafe.status, cafe.cancelled_at, cafe.updated_at, cafe.sequence = (
            Cafe.Status.CANCELLED, now, now, locked.sequence + 1
        )
        _notify_everyone_who_answered(
            locked, gettext_lazy("The café on %(when)s has been cancelled. We are sorry. The next one will be "
                                 "on the café list."),
        )
    return True


# --- Answers and the waitlist -------------------------------------------------------------------------
_PLACE_FOR_YOU = gettext_lazy("A place has become free at the café on %(when)s, and it is yours. You're going!")


def _recount(cafe) -> None:
    """Recount the café's answers (the row is locked by the caller) and store the counters."""
    counts = Rsvp.objects.filter(cafe=cafe).aggregate(
        going=Count("pk", filter=Q(answer=Rsvp.Answer.GOING, waitlisted_at__isnull=True)),
        waiting=Count("pk", filter=Q(answer=Rsvp.Answer.GOING, waitlisted_at__isnull=False)),
        maybe=Count("pk", filter=Q(answer=Rsvp.Answer.MAYBE)),
    )
    Cafe.objects.filter(pk=cafe.pk).update(
        going_count=counts["going"], waitlist_count=counts["waiting"], maybe_count=counts["maybe"]
    )
    cafe.going_count, cafe.waitlist_count, cafe.maybe_count = counts["going"], counts["waiting"], counts["maybe"]


def _fill_free_places(cafe) -> list:
    """Give free places to the people first on the waitlist, in order; returns their RSVPs (café row locked)."""
    going = Rsvp.objects.filter(cafe=cafe, answer=Rsvp.Answer.GOING, waitlisted_at__isnull=True).count()
    waiting = Rsvp.objects.filter(cafe=cafe, waitlisted_at__isnull=False).select_related("user").order_by(
        "waitlisted_at", "pk")
    free = None if cafe.capacity is None else cafe.capacity - going
    promoted = list(waiting if free is None else waiting[:max(free, 0)])
    if promoted:
        Rsvp.objects.filter(pk__in=[r.pk for r in promoted]).update(waitlisted_at=None, updated_at=timezone.now())
        for rsvp in promoted:
            rsvp.waitlisted_at = None
    return promoted


def rsvp(*, user, cafe, answer, show_me=False) -> Rsvp:
    """Answer a café "going", "maybe" or "can't come" (or change the answer) until it starts.

    With a capacity, "going" beyond it joins the waitlist at the end; a person already waiting keeps their
    place in the line. When someone with a place changes their answer, the first person waiting gets the place
    and is told. One RSVP per person per café (a database constraint); a second answer changes the first.
    """
    if answer not in Rsvp.Answer.values:
        raise CafeError(_("Please choose one of the answers: going, maybe or can't come."))
    if not access.can_answer(user):
        raise PermissionDenied
    with transaction.atomic():
        # The lock serialises every answer to this café: the count of places below cannot change under us.
        locked = access.cafes_visible_to(user).select_for_update(of=("self",)).filter(pk=cafe.pk).first()
        if locked is None:
            raise CafeError(_("This café is not open to you. Only cafés of your own community, and those open to "
                              "visitors, can be answered."))
        if locked.is_cancelled:
            raise CafeError(_("This café has been cancelled, so it can no longer be answered."))
        if locked.has_started():
            raise CafeError(_("This café has already started, so answers can no longer be changed."))
        now = timezone.now()
        current = Rsvp.objects.filter(cafe=locked, user=user).first()
        had_place = current is not None and current.has_place
        if answer == Rsvp.Answer.GOING:
            if had_place or (current is not None and current.is_waitlisted):
                waitlisted_at = current.waitlisted_at  # keep the place, or the place in the line
            elif locked.capacity is None or locked.going_count < locked.capacity:
                waitlisted_at = None
            else:
                waitlisted_at = now
        else:
            waitlisted_at = None
        if current is None:
            current = Rsvp.objects.create(
                cafe=locked, user=user, answer=answer, waitlisted_at=waitlisted_at, show_me=bool(show_me),
                created_at=now, updated_at=now,
            )
        else:
            current.answer, current.waitlisted_at, current.show_me, current.updated_at = (
                answer, waitlisted_at, bool(show_me), now
            )
            current.save(update_fields=["answer", "waitlisted_at", "show_me", "updated_at"])
        promoted = _fill_free_places(locked) if had_place and not current.has_place else []
        if answer == Rsvp.Answer.CANT:
            close_requests_of(cafe=locked, user=user)
        _recount(locked)
        for other in promoted:
            _notify(recipient=other.user, cafe=locked, message=_PLACE_FOR_YOU)
    cafe.going_count, cafe.maybe_count, cafe.waitlist_count = (
        locked.going_count, locked.maybe_count, locked.waitlist_count
    )
    return current


def active_consultants():
    """The people who can host a café: active service user consultants, by pseudonym."""
    return User.objects.filter(role=Role.CONSULTANT, is_active=True).order_by("pseudonym", "pk")


# --- Recurring series ---------------------------------------------------------------------------------
SERIES_FIELDS = (
    "community", "title", "weekday", "week", "start_time", "end_time", "venue_name", "address", "getting_there",
    "accessibility", "entrance", "capacity", "host", "topic", "what_to_expect", "open_to_visitors",
)
# What each café of a series takes from it; the rule and the times make its day and hours.
_SERIES_TEMPLATE = (
    "community", "title", "venue_name", "address", "getting_there", "accessibility", "entrance", "capacity", "host",
    "topic", "what_to_expect", "open_to_visitors",
)


def check_rule(*, weekday, week, start_time, end_time) -> None:
    """A day of the week (0 Monday ... 6 Sunday), a week of the month (1-4, or -1 for the last) and a start and
    end time on the same day."""
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise CafeError(_("Please choose the day of the week."))
    if isinstance(week, bool) or week not in CafeSeries.Week.values:
        raise CafeError(_("Please choose which week of the month: the first, second, third, fourth or last."))
    if not isinstance(start_time, datetime.time) or not isinstance(end_time, datetime.time):
        raise CafeError(_("Please give the start and end times."))
    if end_time <= start_time:
        raise CafeError(_("The café ends before it starts. Please check the start and end times."))


def create_series(*, by, community, title, weekday, week, start_time, end_time, venue_name, address,
                  getting_there="", accessibility="", entrance="", capacity=None, host=None, topic="",
                  what_to_expect="", open_to_visitors=False, now=None) -> CafeSeries:
    """Start a recurring café (the consultant or an admin) and plan its cafés for the coming weeks at once."""
    _check_manager(by)
    _check_community(community)
    data = _cleaned({
        "title": title, "venue_name": venue_name, "address": address, "getting_there": getting_there,
        "accessibility": accessibility, "entrance": entrance, "topic": topic, "what_to_expect": what_to_expect,
        "open_to_visitors": open_to_visitors,
    })
    check_rule(weekday=weekday, week=week, start_time=start_time, end_time=end_time)
    check_capacity(capacity)
    _check_host(host)
    stamp = timezone.now()
    with transaction.atomic():
        series = CafeSeries.objects.create(
            community=community, weekday=weekday, week=week, start_time=start_time, end_time=end_time,
            capacity=capacity, host=host, created_by=by, created_at=stamp, updated_at=stamp, **data,
        )
        plan_series_cafes(series=series, now=now)
    return series


def update_series(*, series, by, **changes) -> CafeSeries:
    """Change a series that has not been stopped. The cafés it plans from now on follow the change; cafés
    already planned stay as they are (the consultant changes those one by one, and people who answered are
    told there)."""
    _check_manager(by)
    unknown = set(changes) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"update_series() got unknown fields: {sorted(unknown)}")
    data = _cleaned(changes)
    if "community" in data:
        _check_community(data["community"])
    if "host" in data:
        _check_host(data["host"])
    if "capacity" in data:
        check_capacity(data["capacity"])
    with transaction.atomic():
        locked = CafeSeries.objects.select_for_update().get(pk=series.pk)
        if not locked.active:
            raise CafeError(_("This series has been stopped, so it can no longer be changed."))
        rule = {name: data.get(name, getattr(locked, name)) for name in ("weekday", "week", "start_time", "end_time")}
        check_rule(**rule)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.save()
        plan_series_cafes(series=locked)
    return locked


def stop_series(*, series, by, cancel_planned=False) -> int:
    """Stop a series: no more cafés are planned from it. With `cancel_planned`, its planned cafés that have not
    started are cancelled too, and everyone who answered them is told. Returns how many were cancelled."""
    _check_manager(by)
    cancelled = 0
    with transaction.atomic():
        locked = CafeSeries.objects.select_for_update().get(pk=series.pk)
        if locked.active:
            now = timezone.now()
            CafeSeries.objects.filter(pk=locked.pk).update(active=False, stopped_at=now, updated_at=now)
            series.active, series.stopped_at = False, now
        if cancel_planned:
            upcoming = Cafe.objects.filter(series=locked, status=Cafe.Status.PLANNED, starts_at__gt=timezone.now())
            for cafe in upcoming.order_by("starts_at", "pk"):
                cancelled += int(cancel_cafe(cafe=cafe, by=by))
    return cancelled


def plan_series_cafes(*, series, now=None) -> list:
    """Plan the cafés of an active series for the next SERIES_WEEKS_AHEAD weeks; returns those planned now.

    Idempotent: one café per series and day (a database constraint), so a day already planned (even if its café
    was moved to another day or cancelled) is never planned again, however often beat runs, even at once.
    """
    if not series.active:
        return []
    now = now or timezone.now()
    zone = timezone.get_default_timezone()  # Europe/Oslo: the time on the poster at the venue
    today = timezone.localdate(now, zone)
    template = {name: getattr(series, name) for name in _SERIES_TEMPLATE}
    planned = []
    for day in series.days_between(today, today + datetime.timedelta(weeks=SERIES_WEEKS_AHEAD)):
        starts_at = timezone.make_aware(datetime.datetime.combine(day, series.start_time), zone)
        ends_at = timezone.make_aware(datetime.datetime.combine(day, series.end_time), zone)
        if starts_at <= now:
            continue
        cafe, created = Cafe.objects.get_or_create(series=series, series_date=day, defaults={
            **template, "starts_at": starts_at, "ends_at": ends_at, "created_by": series.created_by,
            "created_at": now, "updated_at": now,
        })
        if created:
            planned.append(cafe)
    return planned


def plan_all_series_cafes(*, now=None) -> int:
    """Beat's daily task: plan the coming cafés of every active series; returns how many were planned."""
    count = 0
    for series in CafeSeries.objects.filter(active=True).order_by("pk"):
        with transaction.atomic():
            count += len(plan_series_cafes(series=series, now=now))
    return count


# --- Reminders ----------------------------------------------------------------------------------------
REMINDER_NOTIFICATION_KIND = "cafe_reminder"
REMINDER_BATCH = 500
_HOUR = datetime.timedelta(hours=1)
# The earliest reminder anyone can choose (one week), and a little more: the sweep looks no further ahead.
_LOOK_AHEAD = datetime.timedelta(hours=max(value for value, _label in EARLY_CHOICES) + 1)
_REMINDER_TEXT = {
    ReminderSent.Kind.EARLY: gettext_lazy(
        "A reminder: you're going to the café on %(when)s. It will be good to see you. It is fine to arrive late "
        "or leave early."),
    ReminderSent.Kind.LATE: gettext_lazy(
        "The café starts soon: %(when)s. You're going. If you can't come after all, you can change your answer."),
    ReminderSent.Kind.MAYBE: gettext_lazy(
        "The café on %(when)s is coming up. You answered maybe: come if it feels right on the day. There is no "
        "need to answer again."),
}


def _due(kind, now):
    """The answers whose reminder of `kind` is due at `now` and not sent yet (one query).

    A reminder is due from its moment (hours before the start, from the person's settings or the defaults)
    until the café starts, for answers given before that moment (someone who answered an hour ago needs no
    reminder). The early reminder gives way once the one on the day is due, so a late sweep sends one, not two.
    """
    settings_of = "user__cafe_reminder_settings__"
    hour = Value(_HOUR, output_field=DurationField())

    def before_start(hours):
        return ExpressionWrapper(F("cafe__starts_at") - ExpressionWrapper(hour * hours, output_field=DurationField()),
                                 output_field=DateTimeField())

    rsvps = Rsvp.objects.filter(
        cafe__status=Cafe.Status.PLANNED, cafe__starts_at__gt=now, cafe__starts_at__lte=now + _LOOK_AHEAD,
        user__is_active=True,
    ).annotate(
        early=Coalesce(F(settings_of + "early_hours"), Value(DEFAULT_EARLY_HOURS)),
        late=Coalesce(F(settings_of + "late_hours"), Value(DEFAULT_LATE_HOURS)),
    )
    if kind == ReminderSent.Kind.MAYBE:
        rsvps = rsvps.filter(answer=Rsvp.Answer.MAYBE).annotate(
            wanted=Coalesce(F(settings_of + "remind_maybe"), Value(True)),
            hours=Case(When(early__gt=0, then=F("early")), default=F("late")),
        ).filter(wanted=True).exclude(Exists(ReminderSent.objects.filter(rsvp=OuterRef("pk"))))
    else:
        rsvps = rsvps.filter(answer=Rsvp.Answer.GOING, waitlisted_at__isnull=True).annotate(
            hours=F("early") if kind == ReminderSent.Kind.EARLY else F("late"),
        )
        if kind == ReminderSent.Kind.EARLY:
            rsvps = rsvps.annotate(day_moment=before_start(F("late"))).filter(Q(late=0) | Q(day_moment__gt=now))
        rsvps = rsvps.exclude(Exists(ReminderSent.objects.filter(rsvp=OuterRef("pk"), kind=kind)))
    return rsvps.annotate(moment=before_start(F("hours"))).filter(
        hours__gt=0, moment__lte=now, updated_at__lt=F("moment"),
    )


def _claim(rsvp_ids, kind, now) -> set:
    """Write the sent-once rows; returns the ids this transaction claimed (another sweep may hold the rest)."""
    if not rsvp_ids:
        return set()
    # INSERT ... ON CONFLICT DO NOTHING RETURNING tells exactly which rows are ours; the ORM's bulk_create with
    # ignore_conflicts cannot. A second sweep inserting the same row waits for this one's commit, then skips it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ReminderSent._meta.db_table} (rsvp_id, kind, sent_at) "
            "SELECT unnest(%s::bigint[]), %s, %s ON CONFLICT (rsvp_id, kind) DO NOTHING RETURNING rsvp_id",
            [list(rsvp_ids), kind, now],
        )
        return {row[0] for row in cursor.fetchall()}


def _remind(rsvp, kind):
    # live=False: the sweep sends the batch's badge updates together after the commit (see send_due_reminders).
    with translation.override(rsvp.user.preferred_language):
        return notify(recipient=rsvp.user, kind=REMINDER_NOTIFICATION_KIND,
                      text=str(_REMINDER_TEXT[kind]) % {"when": _when(rsvp.cafe)}, link=rsvp.cafe.get_absolute_url(),
                      live=False)


def _send_badges_on_commit(user_ids):
    from reconnect.live import send_to_users

    def send():
        send_to_users(user_ids, {"type": "live.badges", "notification": True})

    send.live_update = True  # as reconnect.live.send_to_user_on_commit marks its own
    transaction.on_commit(send, robust=True)


def send_due_reminders(*, now=None, batch_size=REMINDER_BATCH) -> int:
    """Beat's sweep: send every reminder that is due, each exactly once; returns how many were sent.

    Per batch, one transaction: find due answers (one query, locking them so an answer changed to "can't come"
    at this moment waits, and skipping those another sweep holds), claim the sent-once rows, write the
    notifications (their e-mails go after the commit). A task that dies mid-batch leaves nothing of it, and the
    next run sends it; a task that runs twice finds the rows and sends nothing.
    """
    now = now or timezone.now()
    sent = 0
    for kind in (ReminderSent.Kind.LATE, ReminderSent.Kind.EARLY, ReminderSent.Kind.MAYBE):
        while True:
            with transaction.atomic():
                batch = list(
                    _due(kind, now).select_related("user", "cafe")
                    .select_for_update(of=("self",), skip_locked=True).order_by("pk")[:batch_size]
                )
                claimed = _claim([rsvp.pk for rsvp in batch], kind, now)
                for rsvp in batch:
                    if rsvp.pk in claimed:
                        _remind(rsvp, kind)
                if claimed:
                    # The bell on the open pages of everyone reminded, in one trip to the channel layer.
                    _send_badges_on_commit(sorted({rsvp.user_id for rsvp in batch if rsvp.pk in claimed}))
            sent += len(claimed)
            if len(batch) < batch_size:
                break
    return sent


def set_reminder_settings(*, user, early_hours, late_hours, remind_maybe, by_email) -> ReminderSettings:
    """Save when `user` wants café reminders, and whether they also come as a (content-free) e-mail."""
    if not access.can_answer(user):
        raise PermissionDenied
    if early_hours not in [value for value, _label in EARLY_CHOICES]:
        raise CafeError(_("Please choose when the early reminder comes, or no early reminder."))
    if late_hours not in [value for value, _label in LATE_CHOICES]:
        raise CafeError(_("Please choose when the reminder on the day comes, or no reminder on the day."))
    with transaction.atomic():
        chosen, _created = ReminderSettings.objects.update_or_create(user=user, defaults={
            "early_hours": early_hours, "late_hours": late_hours, "remind_maybe": bool(remind_maybe),
            "updated_at": timezone.now(),
        })
        kinds = [kind for kind in user.email_notification_kinds if kind != REMINDER_NOTIFICATION_KIND]
        set_notification_email_kinds(user=user, kinds=kinds + [REMINDER_NOTIFICATION_KIND] if by_email else kinds)
    return chosen


# --- The private calendar feed ------------------------------------------------------------------------
def make_feed_link(*, user) -> str:
    """A new private calendar feed link for `user`; the old one stops working. Returns the token, which is
    stored only as its hash: the caller shows it to the person once."""
    if not access.can_see_cafes(user):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # The person's row lock serialises a double click: one live link per person (a database constraint).
        User.objects.select_for_update().filter(pk=user.pk).first()
        now = timezone.now()
        CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        CalendarFeedToken.objects.create(user=user, token_hash=hash_token(token), created_at=now)
    return token


def revoke_feed_link(*, user) -> bool:
    """Turn off `user`'s calendar feed link; False if there was none."""
    return bool(CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now()))


# --- Getting there together ---------------------------------------------------------------------------
def _refuse_contact_details(text, *, what):
    """Refuse phone numbers, e-mail addresses and other identifying details (the forum's privacy check)."""
    from forum.checks import check_privacy

    findings = check_privacy(text)
    if findings:
        raise CafeError(_("%(what)s seems to contain a detail that can identify you (%(kind)s). Please leave it "
                          "out: phone numbers, e-mail addresses and real names are not shared here.") % {
            "what": what, "kind": str(findings[0].kind.label).lower()})


def clean_note(note) -> str:
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise CafeError(_("The note is %(length)s characters long. Please shorten it to %(max)s characters or "
                          "fewer.") % {"length": len(note), "max": NOTE_MAX})
    if note:
        _refuse_contact_details(note, what=_("The note"))
    return note


def ask_or_offer(*, user, cafe, kind, note="") -> CompanionRequest:
    """Ask privately for a companion or a ride to `cafe`, or offer one. Only for people who answered going or
    maybe, until the café starts; one open request of each kind per person and café."""
    if kind not in CompanionRequest.Kind.values:
        raise CafeError(_("Please choose what you would like: company or a ride, asked for or offered."))
    if not access.can_answer(user):
        raise PermissionDenied
    if user.community_id != cafe.community_id:
        raise CafeError(_("Getting there together is arranged among members of the café's own community."))
    note = clean_note(note)
    with transaction.atomic():
        locked = access.cafes_visible_to(user).select_for_update(of=("self",)).filter(pk=cafe.pk).first()
        if locked is None or not locked.accepts_answers():
            raise CafeError(_("This café has started or been cancelled, so getting there together can no longer "
                              "be arranged."))
        if not Rsvp.objects.filter(cafe=locked, user=user,
                                   answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.MAYBE]).exists():
            raise CafeError(_("Please answer going or maybe first; then you can ask for company or offer it."))
        existing = CompanionRequest.objects.filter(cafe=locked, user=user, kind=kind, closed_at__isnull=True).first()
        if existing is not None:
            if existing.note != note:
                existing.note = note
                existing.save(update_fields=["note"])
            return existing
        created = CompanionRequest.objects.create(cafe=locked, user=user, kind=kind, note=note)
        # Those already waiting for what this request offers (or offering what it asks for) hear of it.
        waiting = CompanionRequest.objects.filter(
            cafe=locked, kind=created.partner_kind, closed_at__isnull=True, user__community_id=locked.community_id,
        ).exclude(user=user).select_related("user")
        for other in waiting:
            if other.user.is_active:
                with translation.override(other.user.preferred_language):
                    notify(recipient=other.user, kind=NOTIFICATION_KIND,
                           text=str(gettext_lazy("Someone going to the same café could get there together with "
                                                 "you. Have a look.")),
                           link=reverse("cafes:together", args=[locked.pk]))
        return created


def _close(requests, now):
    """Close open requests and decline the proposals still waiting on them."""
    ids = list(requests.filter(closed_at__isnull=True).values_list("pk", flat=True))
    if ids:
        CompanionRequest.objects.filter(pk__in=ids).update(closed_at=now)
        CompanionMatch.objects.filter(Q(wanted_id__in=ids) | Q(offered_id__in=ids),
                                      status=CompanionMatch.Status.PROPOSED).update(
            status=CompanionMatch.Status.DECLINED, answered_at=now)
    return len(ids)


def withdraw_request(*, user, request) -> bool:
    """Close one's own request; False when it was closed already."""
    if request.user_id != user.pk:
        raise PermissionDenied
    return _close(CompanionRequest.objects.filter(pk=request.pk), timezone.now()) > 0


def close_requests_of(*, cafe, user=None) -> int:
    """Close the open requests for `cafe` (of `user` only, if given): the café was cancelled or they can't come."""
    requests = CompanionRequest.objects.filter(cafe=cafe)
    if user is not None:
        requests = requests.filter(user=user)
    return _close(requests, timezone.now())


def _notify_match(*, recipient, match, message):
    if recipient.is_active:
        with translation.override(recipient.preferred_language):
            notify(recipient=recipient, kind=NOTIFICATION_KIND, text=str(message), link=match.get_absolute_url())


def propose_match(*, user, own_request, other_request) -> CompanionMatch:
    """Propose to get there together: one's own wish with another's offer (or one's offer with another's wish)
    for the same café. The other person is told, without any detail, and accepts or declines."""
    if own_request.user_id != user.pk:
        raise PermissionDenied
    if not access.can_answer(user) or user.community_id != own_request.cafe.community_id:
        raise PermissionDenied
    if other_request.user_id == user.pk:
        raise CafeError(_("You cannot be matched with yourself. Please choose someone else's request."))
    if (other_request.cafe_id != own_request.cafe_id or other_request.kind != own_request.partner_kind
            or own_request.closed_at or other_request.closed_at
            or other_request.user.community_id != own_request.cafe.community_id):
        raise CafeError(_("These two requests do not go together, or one of them is no longer open. Please "
                          "choose from the suggestions."))
    if not own_request.cafe.accepts_answers():
        raise CafeError(_("This café has started or been cancelled, so getting there together can no longer "
                          "be arranged."))
    wanted, offered = (other_request, own_request) if own_request.is_offer else (own_request, other_request)
    with transaction.atomic():
        match, created = CompanionMatch.objects.get_or_create(
            wanted=wanted, offered=offered, defaults={"proposed_by": user})
        if created:
            _notify_match(recipient=other_request.user, match=match, message=gettext_lazy(
                "Someone going to the same café would like to get there together with you. Have a look."))
    return match


def answer_match(*, user, match, accept) -> CompanionMatch:
    """The person who did not propose accepts or declines; both are told when it is agreed."""
    if user.pk not in (match.wanted.user_id, match.offered.user_id):
        raise PermissionDenied
    if match.proposed_by_id == user.pk:
        raise CafeError(_("You proposed this, so the other person answers it."))
    with transaction.atomic():
        locked = CompanionMatch.objects.select_for_update().get(pk=match.pk)
        if locked.status != CompanionMatch.Status.PROPOSED:
            raise CafeError(_("This proposal has been answered already, or it is no longer open."))
        locked.status = CompanionMatch.Status.ACCEPTED if accept else CompanionMatch.Status.DECLINED
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answered_at"])
        if accept:
            _notify_match(recipient=locked.proposed_by, match=locked, message=gettext_lazy(
                "Your wish to get there together was accepted. You can now send each other a short message."))
    match.status, match.answered_at = locked.status, locked.answered_at
    return match


def send_match_message(*, user, match, text) -> MatchMessage:
    """A short plain-text message to the other person of an agreed match; no contact details."""
    if user.pk not in (match.wanted.user_id, match.offered.user_id):
        raise PermissionDenied
    if match.status != CompanionMatch.Status.ACCEPTED:
        raise CafeError(_("You can send messages once you have both agreed to get there together."))
    if match.wanted.closed_at or match.offered.closed_at:
        raise CafeError(_("One of you has withdrawn, or the café was cancelled, so messages can no longer be sent."))
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise CafeError(_("Please write a message before sending it."))
    if len(text) > MATCH_MESSAGE_MAX:
        raise CafeError(_("The message is %(length)s characters long. Please shorten it to %(max)s characters "
                          "or fewer.") % {"length": len(text), "max": MATCH_MESSAGE_MAX})
    _refuse_contact_details(text, what=_("The message"))
    last = match.messages.order_by("-created_at", "-pk").first()
    if last is not None and last.author_id == user.pk and last.text == text and (
            timezone.now() - last.created_at).total_seconds() < 60:
        return last  # the same form sent twice
    message = MatchMessage.objects.create(match=match, author=user, text=text)
    other = match.offered.user if match.wanted.user_id == user.pk else match.wanted.user
    _notify_match(recipient=other, match=match, message=gettext_lazy(
        "You have a new message about getting to the café together."))
    return message


# --- Attendance ---------------------------------------------------------------------------------------
def mark_attendance(*, cafe, by, user_ids, add_pseudonyms=()) -> int:
    """Mark who came, after the café has started: `user_ids` from the checklist of those who answered, and
    people who came without answering, by pseudonym. Replaces the earlier marks; returns how many came."""
    _check_manager(by)
    if not cafe.has_started() or cafe.is_cancelled:
        raise CafeError(_("Attendance can be marked once the café has started (and not for a cancelled café)."))
    try:
        ids = {int(pk) for pk in user_ids}
    except (TypeError, ValueError):
        raise CafeError(_("Please tick people on the list.")) from None
    answered = set(Rsvp.objects.filter(cafe=cafe, user_id__in=ids).values_list("user_id", flat=True))
    already = set(Attendance.objects.filter(cafe=cafe, user_id__in=ids).values_list("user_id", flat=True))
    if ids - answered - already:
        raise CafeError(_("Someone on the list did not answer this café. Please use the list as it is shown."))
    for pseudonym in add_pseudonyms:
        pseudonym = pseudonym.strip()
        if not pseudonym:
            continue
        person = User.objects.filter(pseudonym__iexact=pseudonym, role=Role.SERVICE_USER, is_active=True).first()
        if person is None:
            raise CafeError(_("There is no member with the pseudonym “%(pseudonym)s”. Please check the spelling.")
                            % {"pseudonym": pseudonym[:60]})
        ids.add(person.pk)
    with transaction.atomic():
        locked = Cafe.objects.select_for_update().get(pk=cafe.pk)
        Attendance.objects.filter(cafe=locked).exclude(user_id__in=ids).delete()
        Attendance.objects.bulk_create([Attendance(cafe=locked, user_id=pk, marked_by=by) for pk in ids],
                                       ignore_conflicts=True)
        Cafe.objects.filter(pk=locked.pk).update(attended_count=len(ids))
    cafe.attended_count = len(ids)
    return len(ids)


# --- "How was it" notes -------------------------------------------------------------------------------
def leave_feedback(*, user, cafe, text) -> None:
    """Leave a short anonymous note about `cafe` for the consultant: once the café has started, for people who
    answered going or maybe, one per person. The note is stored without its author (see CafeFeedback)."""
    if not access.can_answer(user):
        raise PermissionDenied
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise CafeError(_("Please write a few words before sending."))
    if len(text) > FEEDBACK_MAX:
        raise CafeError(_("The note is %(length)s characters long. Please shorten it to %(max)s characters or "
                          "fewer.") % {"length": len(text), "max": FEEDBACK_MAX})
    if cafe.is_cancelled or not cafe.has_started():
        raise CafeError(_("You can tell us how it was once the café has taken place."))
    _refuse_contact_details(text, what=_("The note"))
    with transaction.atomic():
        rsvp = Rsvp.objects.select_for_update().filter(
            cafe=cafe, user=user, answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.MAYBE]).first()
        if rsvp is None:
            raise CafeError(_("Only people who answered going or maybe can leave a note about this café."))
        if FeedbackGiven.objects.filter(rsvp=rsvp).exists():
            raise CafeError(_("You have already left a note about this café. Thank you!"))
        FeedbackGiven.objects.create(rsvp=rsvp)
        CafeFeedback.objects.create(cafe=cafe, text=text)


# --- The forum's café-corner thread -------------------------------------------------------------------
def cafe_corner_board():
    """The forum's "Café corner" board (slug "kafe" or that English name), if there is an active one."""
    from forum.models import Board

    return Board.objects.filter(is_active=True).filter(Q(slug="kafe") | Q(name_en__iexact="Café corner")).first()


def link_forum_thread(*, cafe, by, thread=None, create=False) -> Cafe:
    """Point `cafe` at a forum thread for before-and-after talk: `thread` (a board thread the consultant can
    see), a new thread in the Café corner board local to the café's community (`create`), or none."""
    from forum import services as forum_services
    from forum.access import threads_visible_to

    _check_manager(by)
    if create:
        board = cafe_corner_board()
        if board is None:
            raise CafeError(_("There is no “Café corner” board in the forum yet, so a thread cannot be made "
                              "there. You can link another thread instead."))
        current = Cafe.objects.filter(pk=cafe.pk).values_list("forum_thread__board_id", flat=True).first()
        if current == board.pk:
            return cafe  # a form sent twice: the café already has its Café corner thread
        local = timezone.localtime(cafe.starts_at)
        try:
            thread = forum_services.start_thread(
                board=board, author=by, community=cafe.community,
                title=f"{cafe.title}, {formats.date_format(local, 'DATE_FORMAT')}"[:120],
                body=_("Talk here before and after the café: say what you look forward to, arrange to walk there "
                       "together, and tell us how it was. Everyone is welcome to just read."),
            )
        except UserFacingError as exc:
            raise CafeError(exc.message) from None
    elif thread is not None:
        if thread.board_id is None or not threads_visible_to(by).filter(pk=thread.pk).exists():
            raise CafeError(_("Please choose a thread on one of the forum's boards."))
    Cafe.objects.filter(pk=cafe.pk).update(forum_thread=thread, updated_at=timezone.now())
    cafe.forum_thread = thread
    return cafe


# --- Sharing phone numbers in an agreed match (optional, both must choose) ------------------------------
def clean_phone(phone) -> str:
    """A phone number as typed, tidied; refused unless it has 8 to 15 digits and only + - ( ) and spaces."""
    phone = " ".join((phone or "").split())
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not phone or len(phone) > 25 or not 8 <= len(digits) <= 15 or any(
            not (ch.isdigit() or ch in "+-() ") for ch in phone):
        raise CafeError(_("Please write a phone number with 8 to 15 digits, for example 412 34 567."))
    return phone


def share_phone(*, user, match, phone) -> bool:
    """Share `user`'s phone number with the other person of an agreed match, or stop sharing (`phone` empty).
    The number is stored encrypted and shown to the other only once both have shared theirs. Returns True when
    both numbers are now shared."""
    is_wanted = match.wanted.user_id == user.pk
    if not is_wanted and match.offered.user_id != user.pk:
        raise PermissionDenied
    if match.status != CompanionMatch.Status.ACCEPTED or match.wanted.closed_at or match.offered.closed_at:
        raise CafeError(_("Phone numbers can be shared only while you have both agreed to get there together."))
    phone = clean_phone(phone) if phone else ""
    field = "wanted_phone" if is_wanted else "offered_phone"
    other_field = "offered_phone" if is_wanted else "wanted_phone"
    with transaction.atomic():
        locked = CompanionMatch.objects.select_for_update().get(pk=match.pk)
        newly = phone and not getattr(locked, field)
        setattr(locked, field, phone)
        locked.save(update_fields=[field])
        if newly:
            other = match.offered.user if is_wanted else match.wanted.user
            _notify_match(recipient=other, match=locked, message=gettext_lazy(
                "The person you are going to the café with has chosen to share their phone number with you.")
                if getattr(locked, other_field) else gettext_lazy(
                "The person you are going to the café with would like to exchange phone numbers. Each of you sees "
                "the other's number only if you choose to share yours too."))
    setattr(match, field, phone)
    return bool(phone and getattr(locked, other_field))
