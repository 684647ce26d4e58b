from django.urls import reverse

from tests.factories import NotificationFactory
from reconnect.services import notify


def test_anonymous_visitor_is_sent_to_login_from_home(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_service_user_home_greets_by_pseudonym_and_shows_crisis_strip(alice_client):
    response = alice_client.get(reverse("home"))
    html = response.content.decode()
    assert "Welcome, Lighthouse" in html
    assert "113" in html and "116 117" in html
    assert "Alice Aasen" not in html


def test_home_lists_unread_notifications(alice, alice_client):
    notify(recipient=alice, kind="test", text="A reply in a thread you follow", link="/")
    html = alice_client.get(reverse("home")).content.decode()
    assert "A reply in a thread you follow" in html


def test_home_uses_a_fixed_number_of_queries(alice, alice_client, django_assert_max_num_queries):
    NotificationFactory.create_batch(2, recipient=alice)
    with django_assert_max_num_queries(16) as small:
        alice_client.get(reverse("home"))
    NotificationFactory.create_batch(30, recipient=alice)
    with django_assert_max_num_queries(16) as large:
        alice_client.get(reverse("home"))
    assert len(small.captured_queries) == len(large.captured_queries)
