"""`manage.py seed` at the tiny scale: the counts asked for, counters that agree with the rows, the moderation
queue as the portal would have filled it, the benchmark's pages answering, and a refusal to seed twice into one
database. (The same data for the same seed: test_seed_determinism.py, which needs an empty database.)

The tiny seed is made once for this module (`tiny`) and rolled back at its end; each test runs inside it in a
savepoint of its own, as usual, so a test that writes leaves nothing behind for the next.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum

from cafes.models import Cafe, CafeFeedback, CompanionRequest, Rsvp
from forum.models import Board, BoardCount, Post, PostFlag, PostReport, Reaction, Thread
from messaging.models import Conversation, Message, Participant
from moderation.models import (
    PRIORITY, LogAction, ModerationLog, MonthlyFigure, OnDutyHours, QueueItem, QueueKind, QueueReason, QueueState,
    ReplyTemplate, StatisticsMonth,
)
from reconnect.models import CareLink, ConsentAcceptance, Role, User
from reconnect.seeding import SCALES, SEED_EMAIL_DOMAIN
from toolbox.models import CrisisPlan, Medication, NetworkPerson, Reflection, ReflectionAnswer, Share

TINY = SCALES["tiny"]
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def tiny(django_db_setup, django_db_blocker):
    """The tiny seed (seed 1), once for the module, rolled back after its last test."""
    from moderation.duty import forget_cached_hours

    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed", scale="tiny", seed=1, verbosity=0)
            yield
            transaction.set_rollback(True)
        forget_cached_hours()  # the seed's on-duty hours were rolled back: the cache must not keep them


def seeded(**options):
    return User.objects.filter(email__endswith="@" + SEED_EMAIL_DOMAIN, **options)


def test_tiny_seed_makes_the_counts_asked_for_with_counters_that_agree_with_the_rows():
    assert seeded(role=Role.SERVICE_USER).count() == TINY.service_users
    assert seeded(role=Role.PROVIDER).count() == TINY.providers
    assert seeded(role=Role.CONSULTANT).count() == TINY.consultants
    assert Thread.objects.count() == TINY.threads
    assert Post.objects.count() == TINY.posts
    assert Message.objects.count() == TINY.messages
    assert Cafe.objects.count() == TINY.cafes
    assert CrisisPlan.objects.count() == TINY.service_users
    # The newer toolbox modules: everyone's network map and medicines, and some reflections with their answers.
    assert NetworkPerson.objects.count() == 4 * TINY.service_users
    assert Medication.objects.count() == 2 * TINY.service_users
    assert Medication.objects.first().trade_name  # readable with the configured keys
    assert Reflection.objects.exists() and ReflectionAnswer.objects.exists()
    assert Reaction.objects.exists() and Rsvp.objects.exists() and Share.objects.exists()
    assert PostReport.objects.exists() and PostFlag.objects.exists()  # the moderation queue has work
    # Everyone can sign in as the portal leaves them: terms accepted, and every service user is in someone's care.
    assert ConsentAcceptance.objects.count() == seeded().count()
    assert not seeded(role=Role.SERVICE_USER).exclude(care_links_as_user__ended_at__isnull=True).exists()
    assert CareLink.objects.count() >= TINY.service_users

    # Threads: counts and last post as forum.services would keep them.
    for thread in Thread.objects.annotate(n=Count("posts"), last=Max("posts__id")):
        assert (thread.post_count, thread.reply_count, thread.last_post_id) == (thread.n, thread.n - 1, thread.last)
    assert Thread.objects.filter(post_count__gte=5).exists(), "some threads should be long"
    # A local thread is written only by its community's members (and the consultant).
    outsiders = Post.objects.filter(thread__community__isnull=False, author__role=Role.SERVICE_USER).exclude(
        author__community=F("thread__community"))
    assert not outsiders.exists()
    for board in Board.objects.annotate(n=Count("threads"), posts=Sum("threads__post_count")):
        assert (board.thread_count, board.post_count) == (board.n, board.posts or 0)
        assert sum(BoardCount.objects.filter(board=board).values_list("thread_count", flat=True)) == board.n
    for post in Post.objects.annotate(thanks=Count("reactions", filter=Q(reactions__kind="thanks")),
                                      hugs=Count("reactions", filter=Q(reactions__kind="hug"))):
        assert (post.thanks_count, post.hug_count) == (post.thanks, post.hugs)

    # Messages: readable (decrypted with the configured keys), counted, and the unread badge adds up.
    assert Message.objects.first().body
    for conversation in Conversation.objects.annotate(n=Count("messages")):
        assert conversation.message_count == conversation.n
    for user in seeded().filter(unread_messages__gt=0):
        assert user.unread_messages == Participant.objects.filter(user=user).aggregate(s=Sum("unread_count"))["s"]

    # Cafés: answers counted, and nobody "going" beyond the places.
    for cafe in Cafe.objects.annotate(
        going=Count("rsvps", filter=Q(rsvps__answer="going", rsvps__waitlisted_at__isnull=True)),
        waiting=Count("rsvps", filter=Q(rsvps__waitlisted_at__isnull=False)),
    ):
        assert (cafe.going_count, cafe.waitlist_count) == (cafe.going, cafe.waiting)


def test_the_moderation_queue_holds_the_seeded_reports_and_flags_and_a_later_sweep_adds_nothing():
    from moderation import services

    reasons = {r.source: r for r in QueueReason.objects.select_related("item")}
    # Every report and flag is one reason on the item about its post; open while the report is unhandled.
    for report in PostReport.objects.all():
        item = reasons[f"report:{report.pk}"].item
        assert item.post_id == report.post_id
        assert item.is_open == (report.handled_at is None)
    for flag in PostFlag.objects.all():
        item = reasons[f"flag:{flag.pk}"].item
        assert item.post_id == flag.post_id and item.is_open == (flag.handled_at is None)
    open_about_reports = QueueItem.objects.filter(state__in=[QueueState.NEW, QueueState.HANDLING],
                                                  reasons__kind=QueueKind.REPORT).distinct()
    assert open_about_reports.exists(), "the queue should have open reports to see to"
    assert set(open_about_reports.values_list("post_id", flat=True)) == set(
        PostReport.objects.filter(handled_at__isnull=True).values_list("post_id", flat=True))
    assert QueueItem.objects.filter(state=QueueState.DONE).exists()
    # One item per post and reasons joined on it, the most urgent deciding its kind (crisis, report, privacy, ...).
    for item in QueueItem.objects.filter(post__isnull=False).prefetch_related("reasons"):
        assert item.kind == min((r.kind for r in item.reasons.all()), key=lambda kind: PRIORITY[kind])
    # The consultant's handling is in the log, as moderation.services.handle_item writes it.
    for item in QueueItem.objects.filter(state=QueueState.DONE, done_by__isnull=False):
        assert ModerationLog.objects.filter(item=item, action=LogAction.HANDLE_ITEM, actor=item.done_by).exists()
    assert QueueReason.objects.filter(kind=QueueKind.WAITING).exists()
    assert QueueItem.objects.filter(kind=QueueKind.CAFE).count() == (CompanionRequest.objects.count()
                                                                     + CafeFeedback.objects.count()) >= 2
    assert ReplyTemplate.objects.filter(owner__in=seeded(role=Role.CONSULTANT)).exists()
    assert OnDutyHours.objects.count() == 5
    # The statistics were counted once at the end, from the forum's first month to this one.
    assert StatisticsMonth.objects.count() == 25
    assert MonthlyFigure.objects.filter(figure="forum_posts").exists()

    items, reasons_before = QueueItem.objects.count(), QueueReason.objects.count()
    assert services.sweep_waiting() == 0  # the seed queued just what the sweep would have
    assert services.tidy_cafe_items() == 0
    for report in PostReport.objects.filter(handled_at__isnull=True):
        services.queue_report(report)  # as the signal would: the same source twice changes nothing
    assert (QueueItem.objects.count(), QueueReason.objects.count()) == (items, reasons_before)


def test_the_benchmark_pages_added_last_answer_for_their_person():
    from bench.prepare import build_pages, count_queries

    pages = {name: (label, role, targets) for name, label, role, targets in build_pages(people=2, providers=1)}
    for name in ("network_map", "medication", "exercises", "statistics", "queue_item"):
        label, role, targets = pages[name]
        assert targets, name
        assert count_queries(name, *targets[0]) > 0  # raises PageError unless it answered 200


def test_seeding_a_database_that_already_holds_seeded_people_is_refused():
    with pytest.raises(CommandError, match="already holds seeded people"):
        call_command("seed", scale="tiny", seed=2, verbosity=0)
    assert Thread.objects.count() == TINY.threads
