"""The only place cafés and their answers are fetched for a person, and where it is decided what they may see.

Who sees which cafés:
- a service user sees the cafés of their own community, and the cafés of other communities that are open to
  visitors (the list shows those only when asked: "show cafés in other communities");
- the service user consultant hosts cafés in every community and sees them all, with every answer by pseudonym;
  admins see them all too, to help (both may create, change and cancel cafés);
- health providers see nothing of the cafés: every café page answers 404 and the menu has no link. The cafés
  are a peer space, like the forum. Even the time and place of a small community's café, seen together with
  "who is coming" or a patient saying "I went on Tuesday", would let a provider match a person in their care
  to a pseudonym. Nothing in the study asks for providers to see the cafés, and a person who wants their
  provider to know can tell them (or, later, share a café from the calendar feed). Deny by default.

A café a person may not see answers 404, exactly like a café that does not exist.
"""

import datetime

from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cafes.models import Cafe, CafeSeries, CalendarFeedToken, ReminderSettings, Rsvp
from reconnect.models import Role, hash_token

READER_ROLES = (Role.SERVICE_USER, Role.CONSULTANT, Role.ADMIN)
MANAGER_ROLES = (Role.CONSULTANT, Role.ADMIN)


def can_see_cafes(user) -> bool:
    """True for signed-in, active service users, the consultant and admins; never for providers."""
    return bool(user.is_authenticated and user.is_active and user.role in READER_ROLES)


def check_can_see_cafes(user) -> None:
    """Raise 404 unless `user` may see cafés at all."""
    if not can_see_cafes(user):
        raise Http404


def can_manage_cafes(user) -> bool:
    """True for those who create, change and cancel cafés and see every answer: the consultant and admins."""
    return bool(user.is_authenticated and user.is_active and user.role in MANAGER_ROLES)


def check_can_manage_cafes(user) -> None:
    """Raise 404 unless `user` manages cafés (to everyone else the pages do not exist)."""
    if not can_manage_cafes(user):
        raise Http404


def can_answer(user) -> bool:
    """True for service users: they answer "going", "maybe" or "can't come". The consultant hosts instead."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.SERVICE_USER)


def cafes_visible_to(user):
    """Every café `user` may open: own community plus open cafés elsewhere; all for managers; none otherwise."""
    if not can_see_cafes(user):
        return Cafe.objects.none()
    if can_manage_cafes(user):
        return Cafe.objects.all()
    return Cafe.objects.filter(Q(community_id=user.community_id) | Q(open_to_visitors=True))


def cafes_listed_for(user, *, other_communities=False):
    """The cafés on `user`'s list: own community only, unless they ask to see open cafés of other communities
    too. Managers see every community's cafés."""
    visible = cafes_visible_to(user)
    if can_manage_cafes(user) or other_communities:
        return visible
    return visible.filter(community_id=user.community_id)


def get_cafe_for(user, cafe_id):
    """The café `cafe_id` with its community and host if `user` may see it, else 404."""
    return get_object_or_404(cafes_visible_to(user).select_related("community", "host", "series"), pk=cafe_id)


def get_cafe_to_manage(user, cafe_id):
    """The café `cafe_id` if `user` manages cafés, else 404."""
    check_can_manage_cafes(user)
    return get_cafe_for(user, cafe_id)


def own_rsvp(user, cafe):
    """`user`'s own answer to `cafe`, or None."""
    if not user.is_authenticated:
        return None
    return Rsvp.objects.filter(cafe=cafe, user=user).first()


def with_own_answer(cafes, user):
    """Annotate each café with `my_answer` and `my_waitlisted`: `user`'s own answer (one query for the list)."""
    mine = Rsvp.objects.filter(cafe=OuterRef("pk"), user_id=user.pk)
    return cafes.annotate(
        my_answer=Subquery(mine.values("answer")[:1]),
        my_waitlisted=Exists(mine.filter(waitlisted_at__isnull=False)),
    )


def waitlist_position(rsvp) -> int | None:
    """1 for the first person waiting, 2 for the next...; None when `rsvp` is not on the waitlist."""
    if rsvp is None or rsvp.waitlisted_at is None:
        return None
    ahead = Rsvp.objects.filter(cafe_id=rsvp.cafe_id, waitlisted_at__isnull=False).filter(
        Q(waitlisted_at__lt=rsvp.waitlisted_at) | Q(waitlisted_at=rsvp.waitlisted_at, pk__lt=rsvp.pk)
    )
    return ahead.count() + 1


def attendees_shown_to_peers(cafe):
    """Pseudonyms of the people with a place who chose "show me to other attendees", in the order they answered.

    Nobody else is named to peers: they see only how many are coming.
    """
    return list(
        Rsvp.objects.filter(cafe=cafe, answer=Rsvp.Answer.GOING, waitlisted_at__isnull=True, show_me=True,
                            user__is_active=True)
        .order_by("created_at", "pk").values_list("user__pseudonym", flat=True)
    )


def all_answers(user, cafe):
    """Every answer to `cafe` with the person's pseudonym, for the consultant's list; none for anyone else."""
    if not can_manage_cafes(user):
        return Rsvp.objects.none()
    return (
        Rsvp.objects.filter(cafe=cafe).select_related("user")
        .only("answer", "waitlisted_at", "show_me", "created_at", "updated_at", "user__pseudonym", "cafe_id")
        .order_by("answer", "waitlisted_at", "created_at", "pk")
    )


# --- Series -------------------------------------------------------------------------------------------
def series_for(user):
    """Every café series, with its community, host and next planned café, for those who manage cafés; none for
    anyone else."""
    if not can_manage_cafes(user):
        return CafeSeries.objects.none()
    upcoming = Cafe.objects.filter(series=OuterRef("pk"), status=Cafe.Status.PLANNED, starts_at__gt=timezone.now())
    return CafeSeries.objects.select_related("community", "host").annotate(
        next_starts_at=Subquery(upcoming.order_by().values("series").annotate(first=Min("starts_at")).values("first")),
    )


def get_series_to_manage(user, series_id):
    """The series `series_id` if `user` manages cafés, else 404."""
    check_can_manage_cafes(user)
    return get_object_or_404(series_for(user), pk=series_id)


def planned_cafes_of(series):
    """The cafés of `series` that have not ended, soonest first (cancelled ones too, marked as such)."""
    return series.cafes.filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")


# --- Reminders ----------------------------------------------------------------------------------------
def reminder_settings_of(user):
    """`user`'s café reminder settings, or the defaults (unsaved) if they never changed them."""
    return ReminderSettings.objects.filter(user_id=user.pk).first() or ReminderSettings(user_id=user.pk)


# --- The private calendar feed ------------------------------------------------------------------------
FEED_TOKEN_MAX = 100  # tokens are 43 characters; anything much longer is not one of ours
FEED_DAYS_BACK = 60


def has_feed_link(user) -> bool:
    """True when `user` has a calendar feed link that works."""
    return CalendarFeedToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).exists()


def feed_owner(token):
    """The person whose live calendar feed link carries `token`, else 404 (unknown, tampered and revoked links
    alike, and links of people who may no longer see cafés)."""
    if not isinstance(token, str) or not 20 <= len(token) <= FEED_TOKEN_MAX:
        raise Http404
    link = CalendarFeedToken.objects.select_related("user").filter(
        token_hash=hash_token(token), revoked_at__isnull=True,
    ).first()
    if link is None or not can_see_cafes(link.user):
        raise Http404
    return link.user


def cafes_in_feed(user):
    """The cafés in `user`'s feed: those they have a place at (not waiting, not maybe) and those they host,
    from two months back on, including cancelled ones (so calendar apps mark them cancelled)."""
    with_place = Rsvp.objects.filter(cafe=OuterRef("pk"), user_id=user.pk, answer=Rsvp.Answer.GOING,
                                     waitlisted_at__isnull=True)
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
    return cafes_visible_to(user).filter(Q(Exists(with_place)) | Q(host_id=user.pk), ends_at__gt=since).order_by(
        "starts_at", "pk")
