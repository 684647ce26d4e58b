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

from cafes.models import (
    Attendance, Cafe, CafeFeedback, CafeSeries, CalendarFeedToken, CompanionMatch, CompanionRequest, ReminderSettings, Rsvp,
)
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


# --- Getting there together ---------------------------------------------------------------------------
# Requests are private: a person sees their own, the open requests that pair with theirs for the same café (by
# pseudonym and note only), and their matches. The consultant sees open requests of upcoming cafés. Nobody
# else sees anything of them.
def own_requests(user, cafe):
    """`user`'s open requests for `cafe`."""
    return list(CompanionRequest.objects.filter(cafe=cafe, user_id=user.pk, closed_at__isnull=True).order_by("pk"))


def get_own_request(user, request_id):
    """`user`'s own open request `request_id`, else 404."""
    return get_object_or_404(CompanionRequest.objects.select_related("cafe"), pk=request_id, user_id=user.pk,
                             closed_at__isnull=True)


def suggestions_for(user, cafe, mine):
    """For each of `user`'s open requests, the open requests of others for the same café that pair with it
    (an offer for a wish, a wish for an offer), of people in the same community as the café, not yet
    proposed: a list of (my request, [their requests])."""
    kinds = {request.partner_kind for request in mine}
    if not kinds:
        return []
    others = list(
        CompanionRequest.objects.filter(cafe=cafe, kind__in=kinds, closed_at__isnull=True, user__is_active=True,
                                        user__community_id=cafe.community_id)
        .exclude(user_id=user.pk).select_related("user").only("kind", "note", "user__pseudonym", "cafe_id")
        .order_by("created_at", "pk")
    )
    paired = set()
    for wanted, offered in CompanionMatch.objects.filter(
            Q(wanted__in=mine) | Q(offered__in=mine)).values_list("wanted_id", "offered_id"):
        paired.add((wanted, offered))
    result = []
    for request in mine:
        theirs = [other for other in others if other.kind == request.partner_kind
                  and ((other.pk, request.pk) if request.is_offer else (request.pk, other.pk)) not in paired]
        result.append((request, theirs))
    return result


def get_open_request_for_cafe(user, cafe, request_id):
    """Another person's open request for `cafe` that `user` may pair with, else 404."""
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        CompanionRequest.objects.select_related("user", "cafe").exclude(user_id=user.pk),
        pk=request_id, cafe=cafe, closed_at__isnull=True, user__community_id=cafe.community_id,
    )


def matches_of(user, cafe=None):
    """`user`'s matches (proposed, agreed or declined), newest first."""
    matches = CompanionMatch.objects.filter(Q(wanted__user_id=user.pk) | Q(offered__user_id=user.pk))
    if cafe is not None:
        matches = matches.filter(wanted__cafe=cafe)
    return matches.select_related("wanted__user", "offered__user", "wanted__cafe").order_by("-created_at", "-pk")


def get_match_for(user, match_id):
    """The match `match_id` if `user` is one of its two people, else 404 (also for the consultant)."""
    if not can_answer(user):
        raise Http404
    return get_object_or_404(matches_of(user), pk=match_id)


def open_requests_for_manager(user):
    """Open requests of upcoming, planned cafés that no agreed match answers yet, for the consultant."""
    if not can_manage_cafes(user):
        return CompanionRequest.objects.none()
    agreed = CompanionMatch.objects.filter(Q(wanted=OuterRef("pk")) | Q(offered=OuterRef("pk")),
                                           status=CompanionMatch.Status.ACCEPTED)
    return (CompanionRequest.objects.filter(closed_at__isnull=True, cafe__status=Cafe.Status.PLANNED,
                                            cafe__starts_at__gt=timezone.now())
            .exclude(Exists(agreed)).select_related("user", "cafe", "cafe__community")
            .only("kind", "note", "created_at", "user__pseudonym", "cafe__title", "cafe__starts_at",
                  "cafe__community__name")
            .order_by("cafe__starts_at", "cafe_id", "created_at", "pk"))


# --- Attendance ---------------------------------------------------------------------------------------
def attendance_checklist(user, cafe):
    """For the consultant: everyone who answered (going, waiting, maybe, can't) and everyone marked as come
    without answering, as (user id, pseudonym, answer or None, came)."""
    check_can_manage_cafes(user)
    came = set(Attendance.objects.filter(cafe=cafe).values_list("user_id", flat=True))
    rows = [(r.user_id, r.user.pseudonym, r.get_answer_display(), r.user_id in came)
            for r in Rsvp.objects.filter(cafe=cafe).select_related("user").only(
                "answer", "user__pseudonym", "cafe_id").order_by("user__pseudonym")]
    answered = {row[0] for row in rows}
    walk_ins = Attendance.objects.filter(cafe=cafe).exclude(user_id__in=answered).select_related("user").only(
        "user__pseudonym", "cafe_id")
    rows += [(a.user_id, a.user.pseudonym, None, True) for a in walk_ins]
    return rows


# --- "How was it" notes and the forum thread ----------------------------------------------------------
def feedback_for(user, cafe):
    """The anonymous notes about `cafe`, for those who manage cafés; none for anyone else."""
    if not can_manage_cafes(user):
        return []
    return list(CafeFeedback.objects.filter(cafe=cafe).order_by("pk").values_list("text", flat=True))


def can_leave_feedback(user, cafe) -> bool:
    """True when `user` answered going or maybe, the café has started, and they have not left a note yet."""
    if not can_answer(user) or cafe.is_cancelled or not cafe.has_started():
        return False
    return Rsvp.objects.filter(cafe=cafe, user_id=user.pk, answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.MAYBE],
                               feedback_given__isnull=True).exists()


def forum_thread_for(user, cafe):
    """The café's forum thread if `user` may open it (so nobody sees a link to a thread they cannot open)."""
    if cafe.forum_thread_id is None:
        return None
    from forum.access import threads_visible_to

    return threads_visible_to(user).filter(pk=cafe.forum_thread_id).only("pk", "title").first()


def threads_to_link(user, cafe):
    """Board threads the consultant may link to `cafe`: the newest of the Café corner board (local to the café's
    community, or for everyone)."""
    if not can_manage_cafes(user):
        return []
    from cafes.services import cafe_corner_board
    from forum.access import board_threads_visible_to

    board = cafe_corner_board()
    if board is None:
        return []
    return list(board_threads_visible_to(user).filter(board=board).filter(
        Q(community__isnull=True) | Q(community_id=cafe.community_id)).order_by("-last_post_at", "-pk")
        .only("pk", "title")[:30])


def phone_numbers(user, match):
    """(mine, theirs) for the match page: my own shared number (or ""), and the other person's only when we
    have both shared ours (else "")."""
    is_wanted = match.wanted.user_id == user.pk
    mine = match.wanted_phone if is_wanted else match.offered_phone
    theirs = match.offered_phone if is_wanted else match.wanted_phone
    return mine, (theirs if mine and theirs else "")


def next_cafe_day(*, community_id, after):
    """The day (local date) of the first planned café in `community_id` on or after the day `after`, or None. The
    toolbox asks this through the lookup cafes.apps hands it ("feature this exercise until the next café")."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(after, datetime.time.min), tz)
    starts_at = (
        Cafe.objects.filter(community_id=community_id, status=Cafe.Status.PLANNED, starts_at__gte=start)
        .order_by("starts_at").values_list("starts_at", flat=True).first()
    )
    return timezone.localdate(starts_at) if starts_at else None
