"""The conversation page: messages in order, read state and unread counters, replies, changing and withdrawing
within 5 minutes, the calm note above the composer, and bad input that stores nothing."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging import services
from messaging.models import BODY_MAX, Message, Participant
from reconnect.models import User
from reconnect.services import end_care_link


def unread_badge(user):
    return User.objects.get(pk=user.pk).unread_messages


def unread_in(conversation, user):
    return Participant.objects.get(conversation=conversation, user=user).unread_count


def age(message, minutes):
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    message.refresh_from_db()


# --- Unread counters and read state -------------------------------------------------------------------
def test_a_new_message_counts_as_unread_for_the_others_only(alice, linked_provider, conversation):
    assert unread_badge(linked_provider) == 1 and unread_in(conversation, linked_provider) == 1
    assert unread_badge(alice) == 0 and unread_in(conversation, alice) == 0
    services.send_message(conversation=conversation, sender=alice, body="And one more thing")
    assert unread_badge(linked_provider) == 2


def test_opening_the_conversation_marks_it_read_and_lowers_the_badge(
    alice, linked_provider, linked_provider_client, conversation
):
    services.send_message(conversation=conversation, sender=alice, body="Second")
    page = linked_provider_client.get(reverse("messaging:inbox")).content.decode()
    assert "2 new" in page and 'id="messages-badge">2' in page
    page = linked_provider_client.get(conversation.get_absolute_url()).content.decode()
    assert unread_badge(linked_provider) == 0 and unread_in(conversation, linked_provider) == 0
    assert 'id="messages-badge"' not in page, "the badge on the very page that read them is already cleared"


def test_reading_one_conversation_leaves_the_others_unread(alice, linked_provider, linked_provider_client,
                                                           conversation):
    other = services.start_conversation(author=alice, to=linked_provider, subject="Other", body="Hi")
    linked_provider_client.get(conversation.get_absolute_url())
    assert unread_badge(linked_provider) == 1 and unread_in(other, linked_provider) == 1


def test_the_badge_never_goes_below_zero(linked_provider, conversation):
    User.objects.filter(pk=linked_provider.pk).update(unread_messages=0)  # out of step, say after a repair
    services.mark_conversation_read(conversation=conversation, user=linked_provider, up_to_number=1)
    assert unread_badge(linked_provider) == 0


def test_reading_twice_writes_nothing_the_second_time(linked_provider, conversation, django_assert_num_queries):
    services.mark_conversation_read(conversation=conversation, user=linked_provider, up_to_number=1)
    assert services.mark_conversation_read(conversation=conversation, user=linked_provider, up_to_number=1) == 0


def test_the_sender_sees_read_once_every_other_participant_has_read(
    alice, alice_client, linked_provider, second_provider, linked_provider_client
):
    conversation = services.start_conversation(author=alice, to=services.TEAM, subject="Team", body="Hello team")
    assert "Sent, not read yet" in alice_client.get(conversation.get_absolute_url()).content.decode()
    linked_provider_client.get(conversation.get_absolute_url())
    assert "Sent, not read yet" in alice_client.get(conversation.get_absolute_url()).content.decode()
    services.mark_conversation_read(conversation=conversation, user=second_provider, up_to_number=1)
    page = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert '<span class="conv-read">Read</span>' in page and "Sent, not read yet" not in page


def test_a_provider_whose_link_ended_gets_no_new_unread_and_does_not_hold_back_read(
    alice, linked_provider, second_provider, alice_client
):
    conversation = services.start_conversation(author=alice, to=services.TEAM, subject="Team", body="Hello")
    services.mark_conversation_read(conversation=conversation, user=second_provider, up_to_number=1)
    end_care_link(link=linked_provider.care_links_as_provider.get(), by=alice)
    before = unread_badge(linked_provider)
    services.send_message(conversation=conversation, sender=alice, body="Still there, Gina?")
    assert unread_badge(linked_provider) == before
    assert unread_badge(second_provider) == 1
    services.mark_conversation_read(conversation=conversation, user=second_provider, up_to_number=2)
    assert '<span class="conv-read">Read</span>' in alice_client.get(conversation.get_absolute_url()).content.decode()


def test_the_badge_of_a_provider_whose_link_ended_can_be_cleared(alice, linked_provider, conversation):
    end_care_link(link=linked_provider.care_links_as_provider.get(), by=alice)
    assert services.forget_unread_after_care_link_ended(provider=linked_provider, service_user=alice) == 1
    assert unread_badge(linked_provider) == 0 and unread_in(conversation, linked_provider) == 0


# --- The page -------------------------------------------------------------------------------------------
def test_messages_show_in_order_with_the_newest_50_and_a_link_to_earlier_ones(alice, alice_client, conversation):
    for n in range(2, 56):
        services.send_message(conversation=conversation, sender=alice, body=f"Message number {n}.")
    html = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert html.count('<article class="conv-message') == 50
    assert "Message number 6." in html and "Message number 5." not in html
    assert html.index("Message number 6.") < html.index("Message number 55.")
    assert "?before=6" in html
    earlier = alice_client.get(conversation.get_absolute_url() + "?before=6").content.decode()
    assert "I sleep badly since Monday." in earlier and "Message number 5." in earlier
    assert "Message number 6." not in earlier
    assert "Go to the newest messages" in earlier


@pytest.mark.parametrize("before", ["abc", "-3", "0", "99999999999999999999"])
def test_a_nonsense_earlier_link_shows_the_newest_messages(alice_client, conversation, before):
    response = alice_client.get(conversation.get_absolute_url() + f"?before={before}")
    assert response.status_code == 200
    assert "I sleep badly since Monday." in response.content.decode()


def test_above_the_composer_a_calm_note_gives_the_emergency_numbers_and_the_reply_time(
    alice_client, linked_provider, conversation, settings
):
    html = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert "Messages are not for emergencies." in html
    assert "113" in html and settings.CRISIS_HELPLINE_NUMBER in html
    assert "Carol Dahl usually replies within a few working days." in html
    services.set_reply_time(user=linked_provider, text="within 2 working days")
    html = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert "Carol Dahl usually replies within 2 working days." in html


def test_a_provider_sets_their_reply_time_on_the_settings_page(linked_provider, linked_provider_client):
    url = reverse("messaging:settings")
    response = linked_provider_client.post(url, {"message_reply_time": "  within 2   working days "})
    assert response["Location"] == url
    assert User.objects.get(pk=linked_provider.pk).message_reply_time == "within 2 working days"
    too_long = linked_provider_client.post(url, {"message_reply_time": "x" * 101})
    assert "error-summary" in too_long.content.decode()
    assert User.objects.get(pk=linked_provider.pk).message_reply_time == "within 2 working days"


def test_the_menu_shows_messages_to_service_users_providers_and_the_consultant(
    alice_client, linked_provider_client, consultant_client
):
    for client in (alice_client, linked_provider_client, consultant_client):
        assert f'href="{reverse("messaging:inbox")}"' in client.get(reverse("home")).content.decode()


# --- Replies ----------------------------------------------------------------------------------------
def test_a_reply_is_added_at_the_end_and_the_page_goes_to_it(alice, linked_provider_client, conversation):
    response = linked_provider_client.post(reverse("messaging:reply", args=[conversation.pk]), {
        "body": "Thank you for telling me. Let us talk on Thursday.", "submit_token": str(uuid.uuid4()),
    })
    assert response["Location"] == conversation.get_absolute_url() + "#message-2"
    message = Message.objects.get(conversation=conversation, number=2)
    assert message.body == "Thank you for telling me. Let us talk on Thursday."
    conversation.refresh_from_db()
    assert conversation.message_count == 2 and conversation.last_message_at == message.created_at
    assert unread_badge(alice) == 1


def test_the_same_reply_sent_twice_is_stored_once(linked_provider_client, conversation):
    data = {"body": "Thursday at ten?", "submit_token": str(uuid.uuid4())}
    url = reverse("messaging:reply", args=[conversation.pk])
    linked_provider_client.post(url, data)
    linked_provider_client.post(url, data)
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_reply_only_answers_post(alice_client, conversation):
    assert alice_client.get(reverse("messaging:reply", args=[conversation.pk])).status_code == 405


@pytest.mark.parametrize("body,message", [
    ("", "Your message is empty."),
    ("   \n  ", "Your message is empty."),
    ("x" * (BODY_MAX + 1), f"Your message is {BODY_MAX + 1} characters long."),
])
def test_an_empty_or_too_long_reply_gets_a_clear_message_and_stores_nothing(alice_client, conversation, body, message):
    response = alice_client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": body})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "error-summary" in html
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_a_message_of_exactly_the_maximum_length_is_accepted(alice, conversation):
    message = services.send_message(conversation=conversation, sender=alice, body="y" * BODY_MAX)
    assert len(Message.objects.get(pk=message.pk).body) == BODY_MAX


@pytest.mark.parametrize("subject,body,text", [
    ("", "Hi", "Please write a short subject"),
    ("x" * 121, "Hi", "The subject is 121 characters long."),
    ("Hello", "", "Your message is empty."),
])
def test_a_new_conversation_with_bad_input_stores_nothing(alice_client, linked_provider, subject, body, text):
    response = alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(linked_provider.pk), "subject": subject, "body": body,
    })
    assert text in response.content.decode()
    assert not Message.objects.exists()


def test_the_same_new_conversation_sent_twice_makes_one(alice, alice_client, linked_provider):
    data = {"to": str(linked_provider.pk), "subject": "Hi", "body": "Hello", "submit_token": str(uuid.uuid4())}
    first = alice_client.post(reverse("messaging:conversation_create"), data)
    second = alice_client.post(reverse("messaging:conversation_create"), data)
    assert first["Location"] == second["Location"]
    assert Message.objects.count() == 1


def test_message_text_is_escaped_on_the_page(alice, alice_client, conversation):
    services.send_message(conversation=conversation, sender=alice, body='<script>alert("x")</script>\nline two')
    html = alice_client.get(conversation.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


# --- Changing and withdrawing -------------------------------------------------------------------------
def test_the_sender_can_change_a_message_within_5_minutes(alice, alice_client, conversation, linked_provider_client):
    message = conversation.messages.get()
    response = alice_client.post(reverse("messaging:message_edit", args=[message.pk]), {"body": "I sleep badly."})
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).body == "I sleep badly."
    page = linked_provider_client.get(conversation.get_absolute_url()).content.decode()
    assert "I sleep badly." in page and "(changed)" in page


def test_a_message_cannot_be_changed_after_5_minutes(alice, alice_client, conversation):
    message = conversation.messages.get()
    age(message, 6)
    response = alice_client.post(reverse("messaging:message_edit", args=[message.pk]), {"body": "Changed"}, follow=True)
    assert "only in the first 5 minutes" in response.content.decode()
    assert Message.objects.get(pk=message.pk).body == "I sleep badly since Monday."
    assert "Withdraw</a>" not in alice_client.get(conversation.get_absolute_url()).content.decode()
    with pytest.raises(services.MessagingError):
        services.edit_message(message=message, editor=alice, body="Changed")


def test_the_window_is_checked_at_the_moment_of_the_change(alice, conversation):
    message = conversation.messages.get()
    later = message.created_at + timedelta(minutes=5, seconds=1)
    with pytest.raises(services.MessagingError):
        services.withdraw_message(message=message, by=alice, now=later)
    services.withdraw_message(message=message, by=alice, now=message.created_at + timedelta(minutes=4))
    assert Message.objects.get(pk=message.pk).withdrawn_at is not None


def test_nobody_changes_another_persons_message(linked_provider, linked_provider_client, conversation):
    message = conversation.messages.get()
    assert linked_provider_client.get(reverse("messaging:message_edit", args=[message.pk])).status_code == 404
    assert linked_provider_client.post(reverse("messaging:message_withdraw", args=[message.pk])).status_code == 404
    with pytest.raises(services.MessagingError):
        services.edit_message(message=message, editor=linked_provider, body="Mine now")
    assert Message.objects.get(pk=message.pk).withdrawn_at is None


def test_a_withdrawn_message_shows_as_withdrawn_and_its_text_is_gone(
    alice, alice_client, conversation, linked_provider_client
):
    message = conversation.messages.get()
    confirm = alice_client.get(reverse("messaging:message_withdraw", args=[message.pk]))
    assert "Withdraw your message?" in confirm.content.decode()
    alice_client.post(reverse("messaging:message_withdraw", args=[message.pk]))
    stored = Message.objects.get(pk=message.pk)
    assert stored.withdrawn_at is not None and stored.body == ""
    page = linked_provider_client.get(conversation.get_absolute_url()).content.decode()
    assert "This message was withdrawn." in page and "I sleep badly" not in page
    # Withdrawn messages stay withdrawn: they cannot be changed back.
    with pytest.raises(services.MessagingError):
        services.edit_message(message=stored, editor=alice, body="Back again")
