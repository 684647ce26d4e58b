import pytest

from tests.security.harness import make_world


@pytest.fixture
def people(alice, bob, linked_provider, unlinked_provider, consultant, admin_user):
    return {
        "alice": alice, "bob": bob, "linked_provider": linked_provider, "unlinked_provider": unlinked_provider,
        "consultant": consultant, "admin_user": admin_user,
    }


@pytest.fixture
def world(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # message attachments of the world go to this test's own folder
    # allauth's rate limits count every POST to the sign-in and reset pages; here those pages are visited
    # many times on purpose, so the limits are off (tests/reconnect cover them).
    settings.ACCOUNT_RATE_LIMITS = False
    return make_world(people)
