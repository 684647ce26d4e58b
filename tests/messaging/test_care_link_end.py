"""When a care link ends, the core's care_link_ended signal takes the provider's unread messages in that
person's conversations off their badge (they can no longer open them); everything else stays as it was."""

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Participant
from reconnect.models import User
from reconnect.services import end_care_link
from tests.factories import CareLinkFactory, UserFactory


def unread_badge(user):
    return User.objects.get(pk=user.pk).unread_messages


def test_ending_the_care_link_clears_the_providers_unread_for_that_person_only(
    alice, linked_provider, linked_provider_client, conversation, django_capture_on_commit_callbacks
):
    other_person = UserFactory(pseudonym="Harbour", real_name="Hanna Ise", community=alice.community)
    CareLinkFactory(provider=linked_provider, service_user=other_person)
    services.start_conversation(author=other_person, to=linked_provider, subject="Other", body="Hi")
    services.send_message(conversation=conversation, sender=alice, body="And another thing")
    assert unread_badge(linked_provider) == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert end_care_link(link=linked_provider.care_links_as_provider.get(service_user=alice), by=alice)

    assert unread_badge(linked_provider) == 1, "Hanna's message still counts; Alice's two no longer do"
    assert Participant.objects.get(conversation=conversation, user=linked_provider).unread_count == 0
    page = linked_provider_client.get(reverse("messaging:inbox")).content.decode()
    assert 'id="messages-badge">1' in page
    assert unread_badge(alice) == 0


def test_the_badge_is_not_touched_before_the_ending_is_committed(
    alice, linked_provider, conversation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        end_care_link(link=linked_provider.care_links_as_provider.get(), by=alice)
    assert unread_badge(linked_provider) == 1
    for callback in callbacks:
        callback()
    assert unread_badge(linked_provider) == 0


def test_ending_a_link_that_already_ended_sends_nothing_again(
    alice, linked_provider, conversation, django_capture_on_commit_callbacks
):
    link = linked_provider.care_links_as_provider.get()
    with django_capture_on_commit_callbacks(execute=True):
        end_care_link(link=link, by=alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert end_care_link(link=link, by=alice) is False
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_with_a_real_commit_the_provider_badge_drops_when_alice_ends_the_link(alice, linked_provider, alice_client):
    services.start_conversation(author=alice, to=linked_provider, subject="Hello", body="Are you there?")
    assert unread_badge(linked_provider) == 1
    link = linked_provider.care_links_as_provider.get()
    response = alice_client.post(reverse("care_link_end", args=[link.pk]))
    assert response.status_code == 302
    assert unread_badge(linked_provider) == 0
