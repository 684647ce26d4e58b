"""A friendly limit on sending: 20 messages a minute per person by default. The next one is refused with a
clear message, the text stays in the form, and nothing is stored."""

import uuid

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Conversation, Message


@pytest.fixture
def limit(settings, monkeypatch):
    """A limit of 3 a minute, within one fixed minute (so a minute turning over mid-test cannot pass it)."""
    minute = {"now": 1_000_000}
    monkeypatch.setattr("reconnect.userinput._this_minute", lambda: minute["now"])
    settings.MESSAGES_PER_MINUTE = 3
    return minute


def test_the_default_limit_is_20_messages_a_minute():
    from reconnect import settings as project_settings

    assert project_settings.MESSAGES_PER_MINUTE == 20


def test_one_message_too_many_is_refused_kindly_the_text_stays_and_nothing_is_stored(
    alice, alice_client, conversation, limit
):
    # The conversation's first message was sent before the limit was set; three more fill this minute.
    for n in range(3):
        services.send_message(conversation=conversation, sender=alice, body=f"Message {n}")
    response = alice_client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": "One more thing"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have sent many messages in a short time. Please wait a minute" in html
    assert "error-summary" in html and "One more thing" in html
    assert conversation.messages.count() == 4


def test_a_new_conversation_counts_too_and_is_not_stored_when_refused(alice, alice_client, linked_provider, limit):
    for n in range(3):
        services.start_conversation(author=alice, to=linked_provider, subject=f"Subject {n}", body="Hi")
    response = alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(linked_provider.pk), "subject": "The fourth", "body": "Hello again",
    })
    assert "Please wait a minute" in response.content.decode()
    assert Conversation.objects.count() == 3 and Message.objects.count() == 3


def test_the_limit_is_per_person_and_a_new_minute_starts_afresh(alice, linked_provider, conversation, limit):
    for n in range(3):
        services.send_message(conversation=conversation, sender=alice, body=f"Message {n}")
    with pytest.raises(services.MessagingError):
        services.send_message(conversation=conversation, sender=alice, body="Too many")
    services.send_message(conversation=conversation, sender=linked_provider, body="I can still answer")
    limit["now"] += 1
    services.send_message(conversation=conversation, sender=alice, body="A minute later")
    assert [m.body for m in conversation.messages.order_by("-number")[:2]] == [
        "A minute later", "I can still answer"]


def test_the_same_form_sent_again_is_not_refused_and_not_counted(alice, conversation, limit):
    tokens = [uuid.uuid4() for _ in range(3)]
    for n, token in enumerate(tokens):
        services.send_message(conversation=conversation, sender=alice, body=f"Message {n}", submit_token=token)
    again = services.send_message(conversation=conversation, sender=alice, body="Message 2", submit_token=tokens[2])
    assert again.body == "Message 2" and conversation.messages.count() == 4


def test_refused_input_does_not_use_up_the_limit(alice, conversation, limit):
    for _ in range(5):
        with pytest.raises(services.MessagingError, match="empty"):
            services.send_message(conversation=conversation, sender=alice, body="   ")
    for n in range(3):
        services.send_message(conversation=conversation, sender=alice, body=f"Message {n}")


def test_sending_still_works_when_redis_is_down(alice, conversation, settings):
    settings.MESSAGES_PER_MINUTE = 1  # would refuse the second message if the limit were counted
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/1",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    for n in range(3):
        services.send_message(conversation=conversation, sender=alice, body=f"Message {n}")
    assert conversation.messages.count() == 4
