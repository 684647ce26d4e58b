"""Every write of the cafés goes through these keyword-only functions.

Bad input raises CafeError with a message for the person (already translated), before anything is stored.
Answers lock the café row (SELECT ... FOR UPDATE), so two people answering at once for the last place are
served one after the other: one gets it, the other is put first on the waitlist. The counters on the café are
recounted inside that lock, and the database refuses more "going" than the capacity in any case.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cafes import access
from cafes.models import ADDRESS_MAX, CAPACITY_MAX, TEXT_MAX, TITLE_MAX, TOPIC_MAX, VENUE_MAX, Cafe, Rsvp
from reconnect.models import Community, Role, User
from reconnect.services import notify
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
