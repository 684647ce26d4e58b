"""One world of people and objects per test module, shared by its tests.

Building the world (seven people, their sessions, alice's objects in every app) takes about a third of a second;
the security modules have hundreds of tests that only look at it, so each module builds it once, inside a
transaction that is rolled back when the module ends (the setUpTestData idea). Every test still runs in its own
savepoint (pytest-django's `db`), so what one test writes is gone before the next starts, and each role's client
gets its cookies back after every test.

The role fixtures (alice, bob, ...) are the world's people here, so a test may ask for both.
"""

import copy

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.conftest import clear_cache
from tests.security.harness import make_world



def _make_people():
    from tests.factories import CareLinkFactory, CommunityFactory, ProviderFactory, UserFactory
    from tests.factories import AdminFactory, ConsultantFactory

    # The same people as the role fixtures of tests/conftest.py.
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    south = CommunityFactory(name="Sørvik", municipality="Sørvik kommune", slug="sorvik")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    bob = UserFactory(email="bob@example.test", pseudonym="Driftwood", real_name="Bob Berg", community=south)
    linked_provider = ProviderFactory(email="carol@example.test", pseudonym="carol-p", real_name="Carol Dahl")
    CareLinkFactory(provider=linked_provider, service_user=alice)
    return {
        "alice": alice, "bob": bob, "linked_provider": linked_provider,
        "unlinked_provider": ProviderFactory(email="dave@example.test", pseudonym="dave-p", real_name="Dave Eik"),
        "consultant": ConsultantFactory(email="erin@example.test", pseudonym="Erin-consultant",
                                        real_name="Erin Fjell"),
        "admin_user": AdminFactory(email="frank@example.test", pseudonym="frank-admin", real_name="Frank Gran"),
    }


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    # Message attachments of the world go to this module's own folder. allauth's rate limits count every POST to
    # the sign-in and reset pages; here those pages are visited many times on purpose, so the limits are off
    # (tests/reconnect cover them).
    with django_db_blocker.unblock(), override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"), ACCOUNT_RATE_LIMITS=False,
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield make_world(_make_people())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db):
    """The module's world, as it was built: each test's writes roll back, and the clients' cookies are restored.

    The cache (the portal's own rate counters among it) is emptied, as each test used to meet new people.
    """
    clear_cache()
    cookies = {role: copy.deepcopy(client.cookies) for role, client in _module_world.clients.items()}
    yield _module_world
    for role, client in _module_world.clients.items():
        client.cookies = cookies[role]


@pytest.fixture
def people(world):
    return world.people


@pytest.fixture
def north(world):
    return world.alice.community


@pytest.fixture
def south(world):
    return world.bob.community


def _role_fixture(name):
    @pytest.fixture(name=name)
    def person(world):
        return world.people[name]

    return person


alice = _role_fixture("alice")
bob = _role_fixture("bob")
linked_provider = _role_fixture("linked_provider")
unlinked_provider = _role_fixture("unlinked_provider")
consultant = _role_fixture("consultant")
admin_user = _role_fixture("admin_user")
