"""Two people answer "going" for the last place at the same moment, each in their own transaction and database
connection: the café row's lock serves them one after the other, so one gets the place and one waits."""

import threading

import pytest
from django.db import connection, transaction

from cafes import services
from cafes.models import Cafe, Rsvp
from tests.cafes.factories import make_cafe
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_transactions_racing_for_the_last_place_give_it_to_only_one():
    community = CommunityFactory(slug="race")
    cafe = make_cafe(community=community, capacity=1)
    racers = [UserFactory(community=community) for _ in range(2)]
    # Both threads are inside their transaction before either answers, so neither sees the other's answer.
    ready = threading.Barrier(2, timeout=10)
    results, errors = {}, []

    def answer(user):
        try:
            with transaction.atomic():
                ready.wait()
                results[user.pk] = services.rsvp(user=user, cafe=Cafe.objects.get(pk=cafe.pk), answer="going")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(user,)) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not errors, errors
    assert sorted(r.has_place for r in results.values()) == [False, True]
    cafe.refresh_from_db()
    assert (cafe.going_count, cafe.waitlist_count) == (1, 1)
    assert Rsvp.objects.filter(cafe=cafe, waitlisted_at__isnull=True).count() == 1


def test_without_the_lock_the_race_would_overbook_and_the_database_refuses_it():
    """The test above can fail: answering without the lock lets both count one free place, and the database's
    capacity constraint is the last guard."""
    from django.db import IntegrityError

    community = CommunityFactory(slug="race2")
    cafe = make_cafe(community=community, capacity=1)
    first, second = (UserFactory(community=community) for _ in range(2))
    for user in (first, second):
        Rsvp.objects.create(cafe=cafe, user=user, answer="going")
    with pytest.raises(IntegrityError), transaction.atomic():
        Cafe.objects.filter(pk=cafe.pk).update(going_count=2)
