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
    alice_client.get(reverse("home"))  # the first request after sign-in records the session once
    with django_assert_max_num_queries(16) as small:
        alice_client.get(reverse("home"))
    NotificationFactory.create_batch(30, recipient=alice)
    with django_assert_max_num_queries(16) as large:
        alice_client.get(reverse("home"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_provider_home_names_linked_people_by_real_name_never_by_pseudonym(alice, linked_provider_client):
    html = linked_provider_client.get(reverse("home")).content.decode()
    assert "Alice Aasen" in html
    assert "Lighthouse" not in html


def test_provider_home_never_falls_back_to_the_pseudonym_when_no_real_name_is_given(
    alice, linked_provider_client
):
    alice.real_name = ""
    alice.save(update_fields=["real_name"])
    html = linked_provider_client.get(reverse("home")).content.decode()
    assert "Lighthouse" not in html
    assert "Name not given" in html


def test_before_the_second_factor_the_header_offers_only_signing_out(alice):
    from tests.conftest import signed_in_client

    client = signed_in_client(alice, verified=False)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "Sign out" in html
    assert reverse("account_settings") not in html
    assert reverse("notifications") not in html
