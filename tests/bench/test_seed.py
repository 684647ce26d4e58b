"""`manage.py seed` at the tiny scale: the counts asked for, counters that agree with the rows, the same data
for the same seed, and a refusal to seed twice into one database."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum

from cafes.models import Cafe, Rsvp
from forum.models import Board, BoardCount, Post, PostFlag, PostReport, Reaction, Thread
from messaging.models import Conversation, Message, Participant
from reconnect.models import CareLink, ConsentAcceptance, Role, User
from reconnect.seeding import SCALES, SEED_EMAIL_DOMAIN
from toolbox.models import CrisisPlan, Medication, NetworkPerson, Reflection, ReflectionAnswer, Share

TINY = SCALES["tiny"]
pytestmark = pytest.mark.django_db


def seeded(**options):
    return User.objects.filter(email__endswith="@" + SEED_EMAIL_DOMAIN, **options)


def snapshot():
    """What must not change between two runs with the same seed: names, titles, texts and who wrote them."""
    return {
        "pseudonyms": list(seeded().order_by("email").values_list("email", "pseudonym", "real_name")),
        "threads": list(Thread.objects.order_by("id").values_list("title", "author__pseudonym", "board__slug")),
        "posts": list(Post.objects.order_by("thread_id", "number").values_list("body", "author__pseudonym")),
        "messages": list(Message.objects.order_by("conversation_id", "number").values_list("body", "sender__pseudonym")),
        "cafes": list(Cafe.objects.order_by("id").values_list("title", "community__slug", "capacity")),
    }


def seed_and_snapshot(seed):
    with transaction.atomic():
        call_command("seed", scale="tiny", seed=seed, verbosity=0)
        taken = snapshot()
        transaction.set_rollback(True)
    return taken


def test_tiny_seed_makes_the_counts_asked_for_with_counters_that_agree_with_the_rows():
    call_command("seed", scale="tiny", seed=1, verbosity=0)

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


def test_the_same_seed_gives_the_same_people_and_texts_and_another_seed_does_not():
    first, again, other = seed_and_snapshot(7), seed_and_snapshot(7), seed_and_snapshot(8)

    assert first == again
    assert first["pseudonyms"] != other["pseudonyms"]
    assert first["threads"] != other["threads"]


def test_seeding_a_database_that_already_holds_seeded_people_is_refused():
    call_command("seed", scale="tiny", seed=1, verbosity=0)

    with pytest.raises(CommandError, match="already holds seeded people"):
        call_command("seed", scale="tiny", seed=2, verbosity=0)
    assert Thread.objects.count() == TINY.threads
