"""Nobody sees a conversation they are not part of: 404 on every page, and nothing in their inbox. A provider
whose care link ends loses access at once; the service user keeps it. Admins do not read messages."""

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Message
from reconnect.services import end_care_link
from tests.messaging.conftest import upload

STRANGERS = ["bob_client", "unlinked_provider_client", "consultant_client", "admin_client"]


@pytest.fixture
def with_file(conversation, alice):
    return services.send_message(conversation=conversation, sender=alice, body="See the letter", attachment=upload())


def urls_for(conversation, message):
    return [
        reverse("messaging:conversation", args=[conversation.pk]),
        reverse("messaging:conversation", args=[conversation.pk]) + "?before=2",
        reverse("messaging:message_edit", args=[message.pk]),
        reverse("messaging:message_withdraw", args=[message.pk]),
        reverse("messaging:attachment", args=[message.attachment.pk]),
    ]


@pytest.mark.parametrize("client_name", STRANGERS)
def test_strangers_get_404_on_every_page_of_alices_conversation(client_name, request, conversation, with_file):
    client = request.getfixturevalue(client_name)
    for url in urls_for(conversation, with_file):
        assert client.get(url).status_code == 404, url
    reply = client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": "Let me in"})
    assert reply.status_code == 404
    withdraw = client.post(reverse("messaging:message_withdraw", args=[with_file.pk]))
    assert withdraw.status_code == 404
    assert Message.objects.filter(conversation=conversation).count() == 2
    assert Message.objects.get(pk=with_file.pk).withdrawn_at is None


@pytest.mark.parametrize("client_name", ["bob_client", "unlinked_provider_client", "consultant_client"])
def test_strangers_do_not_see_alices_conversation_in_their_inbox(client_name, request, conversation):
    html = request.getfixturevalue(client_name).get(reverse("messaging:inbox")).content.decode()
    assert "My new medicine" not in html
    assert reverse("messaging:conversation", args=[conversation.pk]) not in html


def test_admins_do_not_read_messages_at_all(admin_client, conversation):
    for url in [reverse("messaging:inbox"), reverse("messaging:conversation_create"), reverse("messaging:settings")]:
        assert admin_client.get(url).status_code == 404
    assert b'href="/messages/"' not in admin_client.get(reverse("home")).content


def test_a_conversation_that_does_not_exist_answers_404(alice_client):
    assert alice_client.get(reverse("messaging:conversation", args=[999999])).status_code == 404
    assert alice_client.post(reverse("messaging:reply", args=[999999]), {"body": "Hi"}).status_code == 404
    assert alice_client.get(reverse("messaging:attachment", args=[999999])).status_code == 404


def test_the_consultant_sees_only_conversations_started_with_them(consultant_client, consultant_conversation,
                                                                  conversation):
    html = consultant_client.get(reverse("messaging:inbox")).content.decode()
    assert "The café" in html and "My new medicine" not in html
    assert consultant_client.get(consultant_conversation.get_absolute_url()).status_code == 200


def test_a_provider_left_out_of_a_conversation_cannot_open_it(alice, linked_provider, second_provider, request):
    only_gina = services.start_conversation(author=alice, to=second_provider, subject="Just you", body="Hi")
    carol = request.getfixturevalue("linked_provider_client")
    assert carol.get(only_gina.get_absolute_url()).status_code == 404


def test_when_the_care_link_ends_the_provider_loses_access_at_once_and_alice_keeps_it(
    alice, alice_client, linked_provider, linked_provider_client, conversation
):
    url = conversation.get_absolute_url()
    assert linked_provider_client.get(url).status_code == 200
    end_care_link(link=linked_provider.care_links_as_provider.get(), by=alice)

    assert linked_provider_client.get(url).status_code == 404
    assert "My new medicine" not in linked_provider_client.get(reverse("messaging:inbox")).content.decode()
    refused = linked_provider_client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": "Still here?"})
    assert refused.status_code == 404
    page = alice_client.get(url).content.decode()
    assert "I sleep badly since Monday." in page
    assert "no longer in your care team" in page
    # Nobody left who can read it: alice is told, and no reply box is offered.
    assert "you cannot reply here" in page


def test_the_provider_is_named_to_alice_and_alice_to_the_provider_by_real_name(
    alice_client, linked_provider_client, conversation
):
    assert "Carol Dahl" in alice_client.get(conversation.get_absolute_url()).content.decode()
    provider_page = linked_provider_client.get(conversation.get_absolute_url()).content.decode()
    assert "Alice Aasen" in provider_page
    assert "Alice Aasen" in linked_provider_client.get(reverse("messaging:inbox")).content.decode()


def test_the_consultant_sees_alice_by_pseudonym_only(consultant_client, consultant_conversation):
    for url in [reverse("messaging:inbox"), consultant_conversation.get_absolute_url()]:
        html = consultant_client.get(url).content.decode()
        assert "Lighthouse" in html
        assert "Alice Aasen" not in html and "alice@example.test" not in html


def test_only_providers_and_the_consultant_have_a_reply_time_page(alice_client, linked_provider_client,
                                                                 consultant_client):
    url = reverse("messaging:settings")
    assert alice_client.get(url).status_code == 404
    assert linked_provider_client.get(url).status_code == 200
    assert consultant_client.get(url).status_code == 200


def test_the_consultant_cannot_start_conversations(consultant_client):
    assert consultant_client.get(reverse("messaging:conversation_create")).status_code == 404
