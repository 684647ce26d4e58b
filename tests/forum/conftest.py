import pytest

from tests.forum.factories import BoardFactory


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    """Tests make many posts in a second; the rate limit has its own test, which sets its own limit."""
    settings.FORUM_POSTS_PER_MINUTE = 10_000


@pytest.fixture
def board(db):
    return BoardFactory(slug="everyday", name_nb="Hverdagen", name_en="Everyday life")


@pytest.fixture
def other_board(db):
    return BoardFactory(slug="recovery", name_nb="Bedringshistorier", name_en="Recovery stories")
