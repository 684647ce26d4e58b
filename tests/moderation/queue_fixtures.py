"""Fixtures the queue's tests share (imported by each test module; the statistics tests keep their own)."""

import pytest

from tests.forum.factories import BoardFactory, make_reply, make_thread  # noqa: F401 - re-exported for the tests


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    """Tests make many posts in a second."""
    settings.FORUM_POSTS_PER_MINUTE = 10_000
    settings.MESSAGES_PER_MINUTE = 10_000


@pytest.fixture
def board(db):
    return BoardFactory(slug="everyday", name_nb="Hverdagen", name_en="Everyday life")


@pytest.fixture
def alice_thread(alice, board):
    return make_thread(author=alice, board=board, title="A hard week", body="I have had a hard week.")


@pytest.fixture
def alice_post(alice_thread):
    return alice_thread.posts.get(number=1)


@pytest.fixture(autouse=True)
def fresh_duty_hours_cache():
    """The on-duty hours live in the cache (Redis), which a test's rollback does not undo."""
    from moderation.duty import forget_cached_hours

    forget_cached_hours()
    yield
    forget_cached_hours()
