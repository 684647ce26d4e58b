"""The inbox and a conversation use a fixed number of queries, whatever the number of conversations,
messages, participants and attachments."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging import services
from tests.messaging.conftest import upload


def _count(client, url):
    client.get(url)  # warm: the first visit may save session details and mark things read
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_inbox_uses_the_same_queries_for_2_and_20_conversations(
    alice, alice_client, linked_provider, second_provider, consultant, django_assert_num_queries
):
    def start(count):
        for n in range(count):
            to = [linked_provider, services.TEAM, consultant][n % 3]
            services.start_conversation(author=alice, to=to, subject=f"Subject {n}", body="Hello")

    start(2)
    url = reverse("messaging:inbox")
    small = _count(alice_client, url)
    start(18)
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    assert response.content.decode().count('<li class="conv-row') == 20


def test_a_providers_inbox_uses_the_same_queries_for_few_and_many_people(
    linked_provider, linked_provider_client, alice, django_assert_num_queries
):
    from tests.factories import CareLinkFactory, UserFactory

    def add(count):
        for n in range(count):
            person = UserFactory()
            CareLinkFactory(provider=linked_provider, service_user=person)
            services.start_conversation(author=person, to=linked_provider, subject=f"From {n}", body="Hi")

    add(2)
    url = reverse("messaging:inbox")
    small = _count(linked_provider_client, url)
    waiting_small = _count(linked_provider_client, url + "?sort=waiting")
    add(12)
    with django_assert_num_queries(small):
        response = linked_provider_client.get(url)
    assert response.content.decode().count('<li class="conv-row') == 14
    with django_assert_num_queries(waiting_small):
        response = linked_provider_client.get(url + "?sort=waiting")
    assert response.content.decode().count("Waiting for a reply since") == 14


def test_a_conversation_uses_the_same_queries_for_5_and_200_messages(
    alice, alice_client, linked_provider, second_provider, django_assert_num_queries
):
    conversation = services.start_conversation(author=alice, to=services.TEAM, subject="Long", body="First")

    def add(count, offset):
        for n in range(count):
            sender = [alice, linked_provider, second_provider][(n + offset) % 3]
            services.send_message(
                conversation=conversation, sender=sender, body=f"Message {n + offset}",
                attachment=upload() if n % 4 == 0 else None,
            )

    add(4, 1)
    url = conversation.get_absolute_url()
    small = _count(alice_client, url)
    earlier_small = _count(alice_client, f"{url}?before=5")
    add(195, 5)
    alice_client.get(url)  # read the new ones, so both counted visits write the same (nothing)
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    assert response.content.decode().count('<article class="conv-message') == 50
    assert conversation.messages.count() == 200
    with django_assert_num_queries(earlier_small):
        response = alice_client.get(f"{url}?before=151")  # an earlier page, full of 50 messages
    assert response.content.decode().count('<article class="conv-message') == 50
