"""Who can write to whom: a service user to their linked providers (one or all) and the consultant; a provider
to the people linked to them; nobody else can be reached, and a refused attempt stores nothing."""

import pytest
from django.urls import reverse

from messaging import services
from messaging.models import Conversation, Message, Participant
from reconnect.services import end_care_link


def nothing_stored():
    return Conversation.objects.count() == 0 and Message.objects.count() == 0 and Participant.objects.count() == 0


def test_a_service_user_can_write_to_one_linked_provider(alice, linked_provider, second_provider):
    conversation = services.start_conversation(author=alice, to=linked_provider, subject="Hello", body="Hi")
    assert set(conversation.participants.values_list("user_id", flat=True)) == {alice.pk, linked_provider.pk}
    assert conversation.service_user == alice
    assert conversation.kind == Conversation.Kind.CARE_TEAM


def test_a_service_user_can_write_to_the_whole_care_team_at_once(alice, linked_provider, second_provider):
    conversation = services.start_conversation(author=alice, to=services.TEAM, subject="Hello all", body="Hi")
    assert set(conversation.participants.values_list("user_id", flat=True)) == {
        alice.pk, linked_provider.pk, second_provider.pk}


def test_a_service_user_can_write_to_the_consultant(alice, consultant):
    conversation = services.start_conversation(author=alice, to=consultant, subject="Café", body="Hi")
    assert conversation.kind == Conversation.Kind.CONSULTANT
    assert set(conversation.participants.values_list("user_id", flat=True)) == {alice.pk, consultant.pk}


def test_a_provider_can_write_to_a_person_in_their_care(alice, linked_provider):
    conversation = services.start_conversation(author=linked_provider, to=alice, subject="Next week", body="Hi")
    assert conversation.service_user == alice
    assert conversation.started_by == linked_provider


@pytest.mark.parametrize("author_name,to_name", [
    ("alice", "unlinked_provider"),  # not her provider
    ("alice", "bob"),  # a peer
    ("alice", "admin_user"),
    ("bob", "linked_provider"),  # alice's provider, not bob's
    ("unlinked_provider", "alice"),
    ("linked_provider", "bob"),
    ("linked_provider", "unlinked_provider"),
])
def test_nobody_else_can_be_reached_and_nothing_is_stored(author_name, to_name, request):
    author, to = request.getfixturevalue(author_name), request.getfixturevalue(to_name)
    request.getfixturevalue("linked_provider")
    with pytest.raises(services.MessagingError) as refused:
        services.start_conversation(author=author, to=to, subject="Hello", body="Hi")
    assert "choose from the list" in refused.value.message
    assert nothing_stored()


@pytest.mark.parametrize("author_name", ["consultant", "admin_user"])
def test_the_consultant_and_admins_start_no_conversations(author_name, alice, request):
    with pytest.raises(services.MessagingError):
        services.start_conversation(author=request.getfixturevalue(author_name), to=alice, subject="Hi", body="Hi")
    assert nothing_stored()


def test_a_service_user_without_providers_cannot_write_to_a_care_team(bob):
    with pytest.raises(services.MessagingError) as refused:
        services.start_conversation(author=bob, to=services.TEAM, subject="Hello", body="Hi")
    assert "no care team" in refused.value.message
    assert nothing_stored()


def test_after_a_care_link_ends_the_provider_can_no_longer_be_written_to(alice, linked_provider):
    end_care_link(link=linked_provider.care_links_as_provider.get(), by=alice)
    with pytest.raises(services.MessagingError):
        services.start_conversation(author=alice, to=linked_provider, subject="Hello", body="Hi")
    with pytest.raises(services.MessagingError):
        services.start_conversation(author=linked_provider, to=alice, subject="Hello", body="Hi")
    assert nothing_stored()


def test_the_new_message_page_offers_exactly_the_allowed_people(
    alice_client, linked_provider, second_provider, unlinked_provider, consultant, bob
):
    html = alice_client.get(reverse("messaging:conversation_create")).content.decode()
    assert "My whole care team (2 people)" in html
    assert "Carol Dahl, health provider" in html and "Gina Holm, health provider" in html
    assert "Erin-consultant, service user consultant" in html
    # The consultant is a peer worker: named by pseudonym, never by real name.
    assert "Erin Fjell" not in html
    assert "Dave Eik" not in html and "dave-p" not in html
    assert "Driftwood" not in html and "Bob Berg" not in html


def test_a_provider_chooses_among_the_people_in_their_care_by_real_name(linked_provider_client, alice, bob):
    html = linked_provider_client.get(reverse("messaging:conversation_create")).content.decode()
    assert "Alice Aasen" in html
    assert "Bob Berg" not in html and "Driftwood" not in html


def test_a_provider_with_nobody_in_their_care_is_told_so(unlinked_provider_client):
    html = unlinked_provider_client.get(reverse("messaging:conversation_create")).content.decode()
    assert "You have none at the moment" in html
    assert "<textarea" not in html


def test_a_tampered_recipient_id_in_the_form_is_refused_with_a_message(alice_client, linked_provider, bob):
    response = alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(bob.pk), "subject": "Hello", "body": "Hi",
    })
    assert response.status_code == 200
    assert "Please choose someone from the list." in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("to", ["not-a-number", "-1", "99999999999999999999", ""])
def test_a_nonsense_recipient_is_refused_with_a_message(alice_client, linked_provider, to):
    response = alice_client.post(reverse("messaging:conversation_create"), {"to": to, "subject": "Hi", "body": "Hi"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert nothing_stored()


def test_starting_a_conversation_through_the_page_sends_and_opens_it(alice, alice_client, linked_provider):
    response = alice_client.post(reverse("messaging:conversation_create"), {
        "to": str(linked_provider.pk), "subject": "Sleep", "body": "I slept well for once!",
    })
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("messaging:conversation", args=[conversation.pk])
    page = alice_client.get(response["Location"]).content.decode()
    assert "Sleep" in page and "I slept well for once!" in page
    assert "Your message has been sent." in page
