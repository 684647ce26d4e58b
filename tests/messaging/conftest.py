import pytest

from messaging import services
from tests.factories import CareLinkFactory, ProviderFactory
from tests.messaging.files import PNG


@pytest.fixture(autouse=True)
def in_english():
    """Services called outside a request speak the site's default language (Norwegian); these tests read
    English messages, as the factory users (preferred_language "en") see them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def messages_without_rate_limit(settings):
    """Tests send many messages within a minute; the limit has its own test."""
    settings.MESSAGES_PER_MINUTE = 10_000


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def second_provider(alice):
    """Another provider in alice's care team (alice's care team then has two people)."""
    provider = ProviderFactory(email="gina@example.test", pseudonym="gina-p", real_name="Gina Holm")
    CareLinkFactory(provider=provider, service_user=alice)
    return provider


@pytest.fixture
def conversation(alice, linked_provider):
    """Alice writes to her provider."""
    return services.start_conversation(
        author=alice, to=linked_provider, subject="My new medicine", body="I sleep badly since Monday."
    )


@pytest.fixture
def consultant_conversation(alice, consultant):
    return services.start_conversation(
        author=alice, to=consultant, subject="The café", body="Could I come with a friend?"
    )


def upload(name="picture.png", content=PNG, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)
