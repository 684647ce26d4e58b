"""The issue's list of bad input, in one place: empty, too long, a disallowed or oversized file, someone you
are not linked to, a tampered conversation id (or any other id or field). A clear message or a 404, nothing
stored, never a 500."""

import pytest
from django.urls import reverse

from messaging.models import Attachment, Conversation, Message
from tests.messaging.conftest import upload
from tests.messaging.files import HTML_AS_PNG

HUGE = [2**31, 2**63, 10**30]


def stored():
    return Conversation.objects.count(), Message.objects.count(), Attachment.objects.count()


@pytest.mark.parametrize("number", HUGE)
def test_ids_too_large_for_the_database_answer_404(alice_client, conversation, number):
    for name in ["conversation", "reply", "message_edit", "message_withdraw", "attachment"]:
        url = reverse(f"messaging:{name}", args=[number])
        assert alice_client.get(url).status_code in (404, 405), url
        assert alice_client.post(url, {"body": "Hello"}).status_code in (404, 405), url


def test_a_reply_posted_to_someone_elses_conversation_id_stores_nothing(bob_client, conversation):
    before = stored()
    assert bob_client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": "Hi"}).status_code == 404
    assert stored() == before


@pytest.mark.parametrize("token", ["not-a-uuid", "'; DROP TABLE x;--", "1" * 500])
def test_a_damaged_form_token_is_ignored_and_the_message_is_sent(alice_client, conversation, token):
    # The person cannot fix a hidden field, so refusing would leave them stuck on the page.
    response = alice_client.post(reverse("messaging:reply", args=[conversation.pk]),
                                 {"body": "Hello", "submit_token": token})
    assert response.status_code == 302
    assert conversation.messages.count() == 2


@pytest.mark.parametrize("query", ["?page=abc", "?page=-1", "?page=99999999999999999999", "?sort[]=x"])
def test_nonsense_in_the_inbox_address_shows_the_inbox(alice_client, conversation, query):
    response = alice_client.get(reverse("messaging:inbox") + query)
    assert response.status_code == 200 and "My new medicine" in response.content.decode()


def test_a_file_that_is_not_what_it_claims_stores_nothing_in_a_new_conversation(alice_client, linked_provider):
    response = alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(linked_provider.pk), "subject": "Hello", "body": "See the file",
        "attachment": upload("letter.png", HTML_AS_PNG),
    })
    assert "This kind of file cannot be sent." in response.content.decode()
    assert stored() == (0, 0, 0)


def test_a_message_to_someone_you_are_not_linked_to_is_refused_and_stores_nothing(
    alice_client, linked_provider, unlinked_provider
):
    response = alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(unlinked_provider.pk), "subject": "Hello", "body": "Hi",
    })
    assert "Please choose someone from the list." in response.content.decode()
    assert stored() == (0, 0, 0)
