import pytest

from tests.cafes.factories import make_cafe
from tests.factories import UserFactory
from tests.messaging.test_alerts import celery_worker_queue  # noqa: F401 - a real worker, reused


@pytest.fixture(autouse=True)
def in_english():
    """Services called outside a request speak the site's default language (Norwegian); these tests read
    English, as the factory users (preferred_language "en") see it."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def north_cafe(north, consultant):
    """Next week's café in alice's community (Nordby), not open to visitors, with room for 2."""
    return make_cafe(community=north, capacity=2, host=consultant, title="Nordby café")


@pytest.fixture
def south_open_cafe(south, consultant):
    """A café in bob's community (Sørvik) that welcomes visitors."""
    return make_cafe(community=south, open_to_visitors=True, host=consultant, title="Sørvik open café")


@pytest.fixture
def north_members(north):
    return [UserFactory(community=north, pseudonym=f"Neighbour{n}") for n in range(3)]
