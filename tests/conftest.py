"""Named people for every test, and a signed-in client per role.

Two service users in different communities (alice in the north, bob near the capital), a provider linked
to alice, a provider linked to nobody, the consultant and an admin. Each *_client is signed in, has passed
the second factor and has accepted the current terms, so tests start where a real person would be.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect.services import accept_consent, current_consent_version
from tests.factories import (
    AdminFactory,
    CareLinkFactory,
    CommunityFactory,
    ConsultantFactory,
    ProviderFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"


def clear_cache():
    """Empty this test run's cache keys (rate counters among them). Not cache.clear(): that empties the whole
    Redis database, the keys of test runs beside this one too."""
    cache.delete_pattern("*")


@pytest.fixture(scope="session", autouse=True)
def static_files_listed_once():
    """Speed only. Every test Client builds its own middleware chain, and WhiteNoise (which finds the static
    files through Django's finders outside production, so nothing needs collecting) lists and stats every
    static file each time: about 60 ms a Client, minutes over the suite. The files do not change during a
    run, so they are listed once and each new chain gets the same list. Files are served exactly as before.
    """
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    listed = {}

    def add_files_from_finders(self):
        if "files" not in listed:
            before = set(self.files)
            original(self)
            listed["files"] = {url: found for url, found in self.files.items() if url not in before}
        else:
            self.files.update(listed["files"])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original


@pytest.fixture(scope="session", autouse=True)
def empty_test_broker():
    """Start from an empty test Redis: tasks queued by earlier runs (with no worker) are dropped."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield


@pytest.fixture
def north(db):
    return CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")


@pytest.fixture
def south(db):
    return CommunityFactory(name="Sørvik", municipality="Sørvik kommune", slug="sorvik")


@pytest.fixture
def alice(north):
    return UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)


@pytest.fixture
def bob(south):
    return UserFactory(email="bob@example.test", pseudonym="Driftwood", real_name="Bob Berg", community=south)


@pytest.fixture
def linked_provider(alice):
    provider = ProviderFactory(email="carol@example.test", pseudonym="carol-p", real_name="Carol Dahl")
    CareLinkFactory(provider=provider, service_user=alice)
    return provider


@pytest.fixture
def unlinked_provider(db):
    return ProviderFactory(email="dave@example.test", pseudonym="dave-p", real_name="Dave Eik")


@pytest.fixture
def consultant(db):
    return ConsultantFactory(email="erin@example.test", pseudonym="Erin-consultant", real_name="Erin Fjell")


@pytest.fixture
def admin_user(db):
    return AdminFactory(email="frank@example.test", pseudonym="frank-admin", real_name="Frank Gran")


def confirmed_totp_device(user):
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    return device


def signed_in_client(user, *, verified=True, consented=True, client=None):
    """A client signed in as `user`; by default past the second factor and the terms."""
    client = client or Client()
    client.force_login(user)
    if verified:
        device = confirmed_totp_device(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    if consented:
        version = current_consent_version()
        if version is not None:
            accept_consent(user=user, version=version)
    return client


@pytest.fixture
def alice_client(alice):
    return signed_in_client(alice)


@pytest.fixture
def bob_client(bob):
    return signed_in_client(bob)


@pytest.fixture
def linked_provider_client(linked_provider):
    return signed_in_client(linked_provider)


@pytest.fixture
def unlinked_provider_client(unlinked_provider):
    return signed_in_client(unlinked_provider)


@pytest.fixture
def consultant_client(consultant):
    return signed_in_client(consultant)


@pytest.fixture
def admin_client(admin_user):
    return signed_in_client(admin_user)
