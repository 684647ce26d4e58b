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

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from cafes.models import Cafe, Rsvp
from reconnect.models import Role

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
    return get_object_or_404(cafes_visible_to(user).select_related("community", "host"), pk=cafe_id)


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
    from django.db.models import Subquery

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
