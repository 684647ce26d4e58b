"""When Redis is down, pages that need only the database still work (SECURITY.md, faults).

The cache is pointed at a Redis socket where no server listens, which is what a stopped Redis looks like to
the portal; the database is the real one.
"""

import pytest
from django.core.cache import caches
from django.urls import reverse

from reconnect.services import notify
from tests.conftest import PASSWORD

DEAD_REDIS = "unix:///nonexistent/redis.sock?db=1"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}
    }
    caches["default"].clear()  # reaches the dead server: must not raise either
    yield


def test_signing_in_pauses_with_a_calm_page_while_redis_is_down(redis_down, alice, client):
    """The login rate limits live in Redis. Without them the portal fails closed for new sign-ins (a 429
    page saying to wait), never with an error page; people already signed in carry on (below)."""
    assert client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    response = client.post(
        reverse("account_login"), {"login": alice.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()


def test_home_and_notifications_serve_while_redis_is_down(redis_down, alice, alice_client):
    notify(recipient=alice, kind="system", text="Your café is on Thursday", link="/")
    assert "Welcome, Lighthouse" in alice_client.get(reverse("home")).content.decode()
    assert "Your café is on Thursday" in alice_client.get(reverse("notifications")).content.decode()


def test_the_cache_really_is_unreachable_in_these_tests(redis_down):
    from django_redis import get_redis_connection

    with pytest.raises(Exception):
        get_redis_connection("default").ping()


def test_a_missing_page_answers_404_in_the_portal_layout(alice_client):
    response = alice_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert "113" in html
