"""Planning, changing and cancelling cafés, answers and the waitlist, through cafes.services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from cafes import services
from cafes.models import Cafe, Rsvp
from reconnect.models import Notification
from tests.cafes.factories import make_cafe


def _times(days=10, hours=2):
    starts = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return starts, starts + timedelta(hours=hours)


def _plan(consultant, community, **fields):
    starts, ends = _times()
    values = {"title": "Spring café", "starts_at": starts, "ends_at": ends, "venue_name": "Library",
              "address": "Storgata 1"}
    values.update(fields)
    return services.create_cafe(by=consultant, community=community, **values)


def _notes(user):
    return list(Notification.objects.filter(recipient=user, kind="cafe").values_list("text", flat=True))


# --- Planning -----------------------------------------------------------------------------------------
def test_the_consultant_plans_a_cafe_with_a_capacity_and_a_host(consultant, north):
    cafe = _plan(consultant, north, capacity=12, host=consultant, open_to_visitors=True)
    cafe.refresh_from_db()
    assert (cafe.title, cafe.capacity, cafe.host, cafe.open_to_visitors) == ("Spring café", 12, consultant, True)
    assert cafe.status == Cafe.Status.PLANNED and cafe.created_by == consultant


@pytest.mark.parametrize("role_fixture", ["alice", "linked_provider"])
def test_only_the_consultant_and_admins_plan_cafes(role_fixture, request, north):
    with pytest.raises(PermissionDenied):
        _plan(request.getfixturevalue(role_fixture), north)
    assert not Cafe.objects.exists()


def test_an_admin_may_plan_a_cafe_too(admin_user, north):
    assert _plan(admin_user, north).created_by == admin_user


@pytest.mark.parametrize("change,message", [
    ({"ends_at_offset": -1}, "The café ends before it starts"),
    ({"ends_at_offset": 0}, "The café ends before it starts"),
    ({"days": -1}, "That time has already passed"),
    ({"capacity": -1}, "The number of places must be a whole number"),
    ({"capacity": 100_000}, "at most 500"),
    ({"title": "   "}, "Please give the café a title"),
    ({"title": "x" * 121}, "The title is 121 characters long"),
    ({"getting_there": "y" * 2001}, "How to get there is 2001 characters long"),
    ({"address": ""}, "Please write the address"),
])
def test_a_bad_cafe_is_refused_with_a_clear_message_and_nothing_is_stored(consultant, north, change, message):
    change = dict(change)
    starts, ends = _times(days=change.pop("days", 10))
    if "ends_at_offset" in change:
        ends = starts + timedelta(hours=change.pop("ends_at_offset"))
    with pytest.raises(services.CafeError) as error:
        _plan(consultant, north, starts_at=starts, ends_at=ends, **change)
    assert message in error.value.message
    assert not Cafe.objects.exists()


def test_the_host_must_be_a_consultant(consultant, alice, north):
    with pytest.raises(services.CafeError, match="host must be a service user consultant"):
        _plan(consultant, north, host=alice)


def test_the_database_refuses_a_cafe_that_ends_before_it_starts(north):
    cafe = make_cafe(community=north)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cafe.objects.filter(pk=cafe.pk).update(ends_at=cafe.starts_at - timedelta(minutes=1))


# --- Answers ------------------------------------------------------------------------------------------
def test_going_with_show_me_counts_and_names_the_member(alice, north_cafe):
    rsvp = services.rsvp(user=alice, cafe=north_cafe, answer="going", show_me=True)
    north_cafe.refresh_from_db()
    assert rsvp.has_place and rsvp.show_me
    assert (north_cafe.going_count, north_cafe.maybe_count, north_cafe.waitlist_count) == (1, 0, 0)


def test_answering_again_changes_the_one_answer(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    services.rsvp(user=alice, cafe=north_cafe, answer="maybe")
    north_cafe.refresh_from_db()
    assert Rsvp.objects.filter(cafe=north_cafe, user=alice).count() == 1
    assert (north_cafe.going_count, north_cafe.maybe_count) == (0, 1)


def test_the_database_keeps_one_answer_per_person_per_cafe(alice, north_cafe):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(cafe=north_cafe, user=alice, answer="maybe")


def test_the_database_refuses_more_going_than_places(north_cafe):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cafe.objects.filter(pk=north_cafe.pk).update(going_count=3)


def test_beyond_the_capacity_going_joins_the_waitlist_in_order(north_cafe, north_members, alice):
    first, second, third = north_members
    services.rsvp(user=first, cafe=north_cafe, answer="going")
    services.rsvp(user=second, cafe=north_cafe, answer="going")
    waiting_1 = services.rsvp(user=third, cafe=north_cafe, answer="going")
    waiting_2 = services.rsvp(user=alice, cafe=north_cafe, answer="going")
    north_cafe.refresh_from_db()
    assert waiting_1.is_waitlisted and waiting_2.is_waitlisted
    assert (north_cafe.going_count, north_cafe.waitlist_count) == (2, 2)
    from cafes.access import waitlist_position

    assert (waitlist_position(waiting_1), waitlist_position(waiting_2)) == (1, 2)


def test_when_a_place_frees_the_first_waiting_gets_it_and_is_told(north_cafe, north_members, alice):
    first, second, third = north_members
    for person in (first, second, third, alice):
        services.rsvp(user=person, cafe=north_cafe, answer="going")
    services.rsvp(user=second, cafe=north_cafe, answer="cant")
    north_cafe.refresh_from_db()
    assert Rsvp.objects.get(cafe=north_cafe, user=third).has_place
    assert Rsvp.objects.get(cafe=north_cafe, user=alice).is_waitlisted
    assert (north_cafe.going_count, north_cafe.waitlist_count) == (2, 1)
    assert len(_notes(third)) == 1 and "it is yours" in _notes(third)[0]
    assert _notes(alice) == []


def test_a_waiting_member_who_answers_going_again_keeps_their_place_in_line(north_cafe, north_members, alice):
    first, second, third = north_members
    for person in (first, second, third, alice):
        services.rsvp(user=person, cafe=north_cafe, answer="going")
    services.rsvp(user=third, cafe=north_cafe, answer="going", show_me=True)
    from cafes.access import waitlist_position

    assert waitlist_position(Rsvp.objects.get(cafe=north_cafe, user=third)) == 1


def test_a_waiting_member_who_changes_to_maybe_leaves_the_list(north_cafe, north_members, alice):
    for person in (*north_members[:2], alice):
        services.rsvp(user=person, cafe=north_cafe, answer="going")
    services.rsvp(user=alice, cafe=north_cafe, answer="maybe")
    north_cafe.refresh_from_db()
    assert (north_cafe.going_count, north_cafe.waitlist_count, north_cafe.maybe_count) == (2, 0, 1)


def test_more_places_give_the_waiting_members_a_place(consultant, north_cafe, north_members, alice):
    for person in (*north_members, alice):
        services.rsvp(user=person, cafe=north_cafe, answer="going")
    services.update_cafe(cafe=north_cafe, by=consultant, capacity=3)
    north_cafe.refresh_from_db()
    assert (north_cafe.going_count, north_cafe.waitlist_count) == (3, 1)
    assert "it is yours" in _notes(north_members[2])[0]


def test_places_cannot_go_below_the_number_already_going(consultant, north_cafe, north_members):
    for person in north_members[:2]:
        services.rsvp(user=person, cafe=north_cafe, answer="going")
    with pytest.raises(services.CafeError, match="2 people already have a place"):
        services.update_cafe(cafe=north_cafe, by=consultant, capacity=1)
    north_cafe.refresh_from_db()
    assert north_cafe.capacity == 2


@pytest.mark.parametrize("bad", ["yes", "", None, "GOING"])
def test_an_unknown_answer_is_refused(alice, north_cafe, bad):
    with pytest.raises(services.CafeError, match="Please choose one of the answers"):
        services.rsvp(user=alice, cafe=north_cafe, answer=bad)
    assert not Rsvp.objects.exists()


def test_a_cancelled_cafe_takes_no_answers(consultant, alice, north_cafe):
    services.cancel_cafe(cafe=north_cafe, by=consultant)
    with pytest.raises(services.CafeError, match="has been cancelled"):
        services.rsvp(user=alice, cafe=north_cafe, answer="going")
    assert not Rsvp.objects.exists()


def test_a_cafe_that_has_started_takes_no_answers(alice, north):
    cafe = make_cafe(community=north, days=0, hours=3)
    Cafe.objects.filter(pk=cafe.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    cafe.refresh_from_db()
    with pytest.raises(services.CafeError, match="already started"):
        services.rsvp(user=alice, cafe=cafe, answer="maybe")
    assert not Rsvp.objects.exists()


def test_a_closed_cafe_in_another_community_takes_no_answer_from_a_visitor(bob, north_cafe):
    with pytest.raises(services.CafeError, match="not open to you"):
        services.rsvp(user=bob, cafe=north_cafe, answer="going")
    assert not Rsvp.objects.exists()


def test_a_visitor_may_answer_a_cafe_open_to_visitors(alice, south_open_cafe):
    assert services.rsvp(user=alice, cafe=south_open_cafe, answer="going").has_place


@pytest.mark.parametrize("role_fixture", ["consultant", "admin_user", "linked_provider"])
def test_only_service_users_answer(role_fixture, request, north_cafe):
    with pytest.raises(PermissionDenied):
        services.rsvp(user=request.getfixturevalue(role_fixture), cafe=north_cafe, answer="going")


# --- Moving and cancelling ----------------------------------------------------------------------------
def test_moving_a_cafe_tells_everyone_who_answered_and_nobody_else(consultant, north_cafe, north_members, alice):
    services.rsvp(user=north_members[0], cafe=north_cafe, answer="going")
    services.rsvp(user=alice, cafe=north_cafe, answer="cant")
    starts, ends = _times(days=12)
    services.update_cafe(cafe=north_cafe, by=consultant, starts_at=starts, ends_at=ends)
    north_cafe.refresh_from_db()
    assert north_cafe.sequence == 1
    for person in (north_members[0], alice):
        assert len(_notes(person)) == 1 and "new time or place" in _notes(person)[0]
    assert _notes(north_members[1]) == []


def test_changing_only_the_words_tells_nobody(consultant, north_cafe, alice):
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    services.update_cafe(cafe=north_cafe, by=consultant, topic="Small joys")
    north_cafe.refresh_from_db()
    assert north_cafe.topic == "Small joys" and north_cafe.sequence == 0
    assert _notes(alice) == []


def test_moving_a_cafe_into_the_past_is_refused(consultant, north_cafe):
    starts = timezone.now() - timedelta(days=1)
    with pytest.raises(services.CafeError, match="already passed"):
        services.update_cafe(cafe=north_cafe, by=consultant, starts_at=starts, ends_at=starts + timedelta(hours=2))


def test_cancelling_tells_everyone_who_answered_once(consultant, north_cafe, north_members, alice):
    services.rsvp(user=alice, cafe=north_cafe, answer="maybe")
    services.rsvp(user=north_members[0], cafe=north_cafe, answer="going")
    assert services.cancel_cafe(cafe=north_cafe, by=consultant) is True
    assert services.cancel_cafe(cafe=north_cafe, by=consultant) is False
    north_cafe.refresh_from_db()
    assert north_cafe.is_cancelled and north_cafe.cancelled_at is not None
    assert len(_notes(alice)) == 1 and "has been cancelled" in _notes(alice)[0]
    assert len(_notes(north_members[0])) == 1


def test_the_cafe_notification_email_follows_the_members_choice(consultant, north_cafe, alice):
    alice.email_notification_kinds = ["cafe"]
    alice.save(update_fields=["email_notification_kinds"])
    services.rsvp(user=alice, cafe=north_cafe, answer="going")
    from django.core import mail

    from reconnect.services import send_notification_email

    services.cancel_cafe(cafe=north_cafe, by=consultant)
    note = Notification.objects.get(recipient=alice, kind="cafe")
    mail.outbox.clear()
    assert send_notification_email(notification_id=note.pk) is True
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert north_cafe.title not in body and "cancelled" not in body.lower()


def test_the_notification_text_names_no_person(consultant, north_cafe, north_members, alice):
    for person in (*north_members[:2], alice):
        services.rsvp(user=person, cafe=north_cafe, answer="going")
    services.rsvp(user=north_members[0], cafe=north_cafe, answer="cant")
    text = _notes(alice)[0]
    for person in (*north_members, consultant):
        assert person.pseudonym not in text and person.real_name not in text
