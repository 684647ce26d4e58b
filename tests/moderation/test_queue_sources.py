"""Each source puts exactly one item in the queue; items about the same post are merged; the "waiting for an
answer" sweep is idempotent and closes itself when someone replies."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from forum import services as forum_services
from moderation import services
from moderation.models import OnDutyHours, QueueItem, QueueReason
from tests.moderation.queue_fixtures import *  # noqa: F401,F403
from tests.moderation.queue_fixtures import make_reply, make_thread


def test_a_report_puts_one_item_in_the_queue_and_sending_it_again_adds_nothing(alice_post, bob):
    report = forum_services.report_post(post=alice_post, reporter=bob, reason="hurtful", note="Unkind words")
    services.queue_report(report)  # the same source again, as a retried signal would
    item = QueueItem.objects.get()
    assert (item.kind, item.state, item.post_id) == ("report", "new", alice_post.pk)
    assert item.reasons.get().report == report


def test_a_report_and_a_crisis_flag_on_one_post_make_one_item_that_stands_as_crisis(alice_post, bob):
    forum_services.report_post(post=alice_post, reporter=bob, reason="worried")
    forum_services.flag_post(post=alice_post, kind="crisis")
    forum_services.flag_post(post=alice_post, kind="privacy")
    item = QueueItem.objects.get()
    assert item.kind == "crisis" and item.priority == 0
    assert sorted(item.reasons.values_list("kind", flat=True)) == ["crisis", "privacy", "report"]


def test_a_local_threads_item_belongs_to_its_community(alice, board, north, bob):
    thread = make_thread(author=alice, board=board, community=north)
    forum_services.flag_post(post=thread.posts.get(), kind="privacy")
    assert QueueItem.objects.get().community == north


def test_a_post_reported_again_after_its_item_was_handled_gets_a_new_item(alice_post, bob, consultant):
    forum_services.report_post(post=alice_post, reporter=bob, reason="hurtful")
    services.handle_item(item=QueueItem.objects.get(), by=consultant, note="Talked kindly")
    forum_services.report_post(post=alice_post, reporter=bob, reason="hurtful")
    assert QueueItem.objects.filter(state="new").count() == 1
    assert QueueItem.objects.count() == 2


def _cafe(consultant, community):
    from cafes import services as cafe_services

    starts = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    return cafe_services.create_cafe(
        by=consultant, community=community, title="Spring café", starts_at=starts, ends_at=starts + timedelta(hours=2),
        venue_name="Library", address="Storgata 1", capacity=10, host=consultant)


def test_a_wish_for_company_to_a_cafe_is_a_cafe_item_and_an_offer_is_not(alice, north, consultant):
    from cafes import services as cafe_services
    from tests.factories import UserFactory

    cafe = _cafe(consultant, north)
    cafe_services.rsvp(user=alice, cafe=cafe, answer="going")
    request = cafe_services.ask_or_offer(user=alice, cafe=cafe, kind="companion_wanted", note="Nervous")
    neighbour = UserFactory(community=north)
    cafe_services.rsvp(user=neighbour, cafe=cafe, answer="going")
    cafe_services.ask_or_offer(user=neighbour, cafe=cafe, kind="companion_offered")
    item = QueueItem.objects.get()
    assert (item.kind, item.companion_request, item.community) == ("cafe", request, north)
    cafe_services.withdraw_request(user=alice, request=request)
    services.tidy_cafe_items()
    item.refresh_from_db()
    assert item.state == "done" and item.done_by is None


def test_a_how_was_it_note_is_one_cafe_item(consultant, north):
    from cafes.models import CafeFeedback

    cafe = _cafe(consultant, north)
    note = CafeFeedback.objects.create(cafe=cafe, text="It was good to be there")
    services.queue_feedback(note)
    assert QueueItem.objects.get().feedback == note


# --- Waiting for an answer -------------------------------------------------------------------------------
def test_the_waiting_sweep_adds_an_unanswered_post_once_however_often_it_runs(alice_post, settings):
    settings.MODERATION_WAITING_HOURS = 12
    later = alice_post.created_at + timedelta(hours=13)
    assert services.sweep_waiting(now=later) == 1
    assert services.sweep_waiting(now=later) == 0
    assert services.sweep_waiting(now=later + timedelta(hours=5)) == 0
    item = QueueItem.objects.get()
    assert item.kind == "waiting" and item.post == alice_post
    assert QueueReason.objects.get().source == f"waiting:{alice_post.pk}"


def test_a_post_is_not_waiting_before_its_time_or_when_the_consultant_has_answered(alice_thread, alice_post,
                                                                                  consultant):
    assert services.sweep_waiting(now=alice_post.created_at + timedelta(hours=11)) == 0
    make_reply(thread=alice_thread, author=consultant, body="Thank you for telling us.")
    assert services.sweep_waiting(now=timezone.now() + timedelta(hours=13)) == 0


def test_a_waiting_item_closes_itself_when_someone_else_replies_but_not_when_the_author_adds_more(
        alice, alice_thread, alice_post, bob):
    services.sweep_waiting(now=alice_post.created_at + timedelta(hours=13))
    item = QueueItem.objects.get()
    make_reply(thread=alice_thread, author=alice, body="And another thing.")
    item.refresh_from_db()
    assert item.state == "new"
    make_reply(thread=alice_thread, author=bob, body="I hear you.")
    item.refresh_from_db()
    assert item.state == "done" and item.done_note == "Answered in the thread."


def test_only_on_duty_time_counts_towards_waiting(alice_post):
    # On duty only on the post's own weekday, 09-10: a few hours' silence outside them is not "waiting" yet.
    posted = timezone.localtime(alice_post.created_at)
    OnDutyHours.objects.create(weekday=(posted.weekday() + 1) % 7, starts=time(9), ends=time(10))
    from moderation.duty import forget_cached_hours

    forget_cached_hours()
    assert services.sweep_waiting(now=alice_post.created_at + timedelta(hours=13)) == 0


@pytest.mark.parametrize("duty_hours,expected", [({}, 7200.0), ({0: (time(9), time(10))}, 3600.0)])
def test_on_duty_seconds_count_only_the_hours_on_duty(duty_hours, expected):
    from datetime import datetime

    from moderation.duty import on_duty_seconds

    tz = timezone.get_current_timezone()
    monday_nine = timezone.make_aware(datetime(2025, 3, 3, 8, 30), tz)
    assert on_duty_seconds(monday_nine, monday_nine + timedelta(hours=2), hours=duty_hours) == expected
