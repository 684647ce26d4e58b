from django.urls import reverse

from reconnect.models import User


def test_language_switch_is_remembered_on_the_account(alice, alice_client):
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    response = alice_client.post(reverse("set_language"), {"language": "nb", "next": reverse("home")})
    assert response.status_code == 302
    assert User.objects.get(pk=alice.pk).preferred_language == "nb"
    html = alice_client.get(reverse("home")).content.decode()
    assert 'lang="nb"' in html


def test_signed_in_person_sees_their_preferred_language_whatever_the_browser_says(alice, alice_client):
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    html = alice_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert 'lang="en"' in html
    assert "Welcome, Lighthouse" in html


def test_anonymous_visitor_can_switch_language_on_the_login_page(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})
    assert response.status_code == 302
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="en"' in html


def test_an_unknown_language_changes_nothing(alice, alice_client):
    alice_client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=alice.pk).preferred_language == "en"
