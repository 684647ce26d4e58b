"""`manage.py seed` gives the same people and texts for the same seed, and others for another. Apart from
test_seed.py, whose tiny seed stays for its whole module: these three seeds need an empty database each."""

import pytest
from django.core.management import call_command
from django.db import transaction

from cafes.models import Cafe
from forum.models import Post, Thread
from messaging.models import Message
from moderation.models import QueueItem
from reconnect.models import User
from reconnect.seeding import SEED_EMAIL_DOMAIN

pytestmark = pytest.mark.django_db


def snapshot():
    """What must not change between two runs with the same seed: names, titles, texts and who wrote them."""
    seeded = User.objects.filter(email__endswith="@" + SEED_EMAIL_DOMAIN)
    return {
        "pseudonyms": list(seeded.order_by("email").values_list("email", "pseudonym", "real_name")),
        "threads": list(Thread.objects.order_by("id").values_list("title", "author__pseudonym", "board__slug")),
        "posts": list(Post.objects.order_by("thread_id", "number").values_list("body", "author__pseudonym")),
        "messages": list(Message.objects.order_by("conversation_id", "number").values_list("body", "sender__pseudonym")),
        "cafes": list(Cafe.objects.order_by("id").values_list("title", "community__slug", "capacity")),
        "queue": list(QueueItem.objects.order_by("id").values_list("kind", "state", "post__body", "done_by__pseudonym",
                                                                   "done_note")),
    }


def seed_and_snapshot(seed):
    from moderation.duty import forget_cached_hours

    with transaction.atomic():
        call_command("seed", scale="tiny", seed=seed, verbosity=0)
        taken = snapshot()
        transaction.set_rollback(True)
    forget_cached_hours()
    return taken


def test_the_same_seed_gives_the_same_people_and_texts_and_another_seed_does_not():
    first, again, other = seed_and_snapshot(7), seed_and_snapshot(7), seed_and_snapshot(8)

    assert first == again
    assert first["pseudonyms"] != other["pseudonyms"]
    assert first["threads"] != other["threads"]
