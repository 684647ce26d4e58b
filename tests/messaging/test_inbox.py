"""The inbox of a provider (and the consultant) sorts by newest activity, unread first, or waiting longest for a
reply first, and says since when each conversation has waited; people in care see them by real name."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from messaging import services
from messaging.models import Message
from tests.factories import CareLinkFactory, UserFactory


def written(message, *, hours_ago):
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))


def subjects_in_order(html, subjects):
    positions = {s: html.index(f">{s}</a>") for s in subjects}
    return sorted(subjects, key=positions.get)


def test_a_provider_sorts_by_waiting_longest_for_a_reply(alice, linked_provider, linked_provider_client, north):
    hanna = UserFactory(pseudonym="Harbour", real_name="Hanna Ise", community=north)
    CareLinkFactory(provider=linked_provider, service_user=hanna)
    old = services.start_conversation(author=alice, to=linked_provider, subject="Since Monday", body="Hello?")
    written(old.messages.get(), hours_ago=50)
    services.send_message(conversation=old, sender=alice, body="Are you there?")  # still waiting since the first
    recent = services.start_conversation(author=hanna, to=linked_provider, subject="This morning", body="Hi")
    written(recent.messages.get(), hours_ago=3)
    answered = services.start_conversation(author=alice, to=linked_provider, subject="Answered", body="Hi")
    written(answered.messages.get(), hours_ago=80)
    services.send_message(conversation=answered, sender=linked_provider, body="Hello Alice")

    html = linked_provider_client.get(reverse("messaging:inbox") + "?sort=waiting").content.decode()
    assert subjects_in_order(html, ["Since Monday", "This morning", "Answered"]) == [
        "Since Monday", "This morning", "Answered"]
    assert "<strong>waiting longest for a reply first</strong>" in html
    assert html.count("Waiting for a reply since") == 2
    assert "Alice Aasen" in html and "Hanna Ise" in html


def test_a_colleagues_reply_answers_for_the_whole_care_team(alice, linked_provider, second_provider,
                                                            linked_provider_client):
    conversation = services.start_conversation(author=alice, to=services.TEAM, subject="Team", body="Hello both")
    html = linked_provider_client.get(reverse("messaging:inbox") + "?sort=waiting").content.decode()
    assert "Waiting for a reply since" in html
    services.send_message(conversation=conversation, sender=second_provider, body="Gina here")
    html = linked_provider_client.get(reverse("messaging:inbox") + "?sort=waiting").content.decode()
    assert "Waiting for a reply since" not in html


def test_a_withdrawn_message_is_not_waiting_for_a_reply(alice, linked_provider, linked_provider_client):
    conversation = services.start_conversation(author=alice, to=linked_provider, subject="Oops", body="Wrong")
    services.withdraw_message(message=conversation.messages.get(), by=alice)
    html = linked_provider_client.get(reverse("messaging:inbox")).content.decode()
    assert "Waiting for a reply since" not in html


def test_service_users_are_not_offered_the_waiting_order_and_a_made_up_order_is_ignored(
    alice_client, linked_provider, conversation
):
    for sort in ["waiting", "nonsense", "' OR 1=1"]:
        response = alice_client.get(reverse("messaging:inbox"), {"sort": sort})
        html = response.content.decode()
        assert response.status_code == 200 and "My new medicine" in html
        assert "waiting longest" not in html and "Waiting for a reply since" not in html
        assert "<strong>newest activity first</strong>" in html


def test_the_inbox_links_to_the_e_mail_setting_for_new_messages(alice_client):
    html = alice_client.get(reverse("messaging:inbox")).content.decode()
    assert f'href="{reverse("notification_preferences")}">E-mails about new messages' in html
