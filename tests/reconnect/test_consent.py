import pytest
from django.urls import reverse

from reconnect.models import AuditAction, AuditEvent, ConsentAcceptance, ConsentVersion
from reconnect.services import consent_is_current
from tests.conftest import signed_in_client
from tests.factories import ConsentVersionFactory


def accept(client, version=1, next_url=""):
    return client.post(reverse("consent"), {"accept": "on", "version": version, "next": next_url})


def test_the_first_terms_are_published_by_a_migration_in_both_languages(db):
    terms = ConsentVersion.objects.get(version=1)
    for text in (terms.text_en, terms.text_nb):
        assert "113" in text and "116 117" in text
    assert "not an emergency service" in terms.text_en
    assert "ikke en akuttjeneste" in terms.text_nb
    assert terms.summary_en and terms.summary_nb


def test_verified_person_who_has_not_accepted_is_sent_from_home_to_the_terms(alice):
    client = signed_in_client(alice, consented=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("consent"))


def test_verified_person_who_has_not_accepted_is_sent_from_notifications_to_the_terms(alice):
    client = signed_in_client(alice, consented=False)
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert response["Location"] == reverse("consent") + "?next=%2Fnotifications%2F"


def test_a_post_elsewhere_is_also_held_back_until_the_terms_are_accepted(alice):
    client = signed_in_client(alice, consented=False)
    response = client.post(reverse("notification_preferences"), {"email_kinds": ["message"]})
    assert response["Location"] == reverse("consent")
    alice.refresh_from_db()
    assert alice.email_notification_kinds == ["message"], "unchanged: the default of a new account"


def test_the_second_factor_comes_before_the_terms(alice):
    client = signed_in_client(alice, verified=False, consented=False)
    response = client.get(reverse("consent"))
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("mfa_verify"), reverse("mfa_setup")))


def test_accepting_the_terms_records_it_and_opens_the_portal(alice):
    client = signed_in_client(alice, consented=False)
    response = accept(client, next_url="/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert ConsentAcceptance.objects.filter(user=alice, version__version=1).exists()
    row = AuditEvent.objects.get(subject_user=alice, action=AuditAction.CONSENT_ACCEPTED)
    assert row.actor == alice
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Welcome, Lighthouse" in home.content.decode()


def test_after_accepting_without_next_the_person_goes_home(alice):
    client = signed_in_client(alice, consented=False)
    assert accept(client)["Location"] == "/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_a_next_address_on_another_site_is_ignored(alice, next_url):
    client = signed_in_client(alice, consented=False)
    assert accept(client, next_url=next_url)["Location"] == "/"


def test_not_ticking_the_box_explains_what_to_do_and_accepts_nothing(alice):
    client = signed_in_client(alice, consented=False)
    response = client.post(reverse("consent"), {"version": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert "please tick the box" in html
    assert not ConsentAcceptance.objects.filter(user=alice).exists()


def test_a_nonsense_version_number_gives_a_message_not_an_error(alice):
    client = signed_in_client(alice, consented=False)
    response = client.post(reverse("consent"), {"version": "abc", "accept": "on"})
    assert response.status_code == 200
    assert not ConsentAcceptance.objects.filter(user=alice).exists()


def test_the_terms_page_shows_the_english_text_to_an_english_speaker(alice):
    alice.preferred_language = "en"
    alice.save()
    client = signed_in_client(alice, consented=False)
    html = client.get(reverse("consent")).content.decode()
    assert "ReConnect is not an emergency service" in html
    assert "I have read and accept the terms" in html
    assert "ikke en akuttjeneste" not in html
    assert "<li>call 113 for an emergency (ambulance);</li>" in html


def test_the_terms_page_shows_the_norwegian_text_to_a_norwegian_speaker(alice):
    alice.preferred_language = "nb"
    alice.save()
    client = signed_in_client(alice, consented=False)
    html = client.get(reverse("consent")).content.decode()
    assert "ReConnect er ikke en akuttjeneste" in html
    assert "not an emergency service</h3>" not in html


def test_a_new_version_asks_again_and_says_what_changed(alice, alice_client):
    assert alice_client.get(reverse("home")).status_code == 200
    ConsentVersionFactory(
        version=2, summary_en="We now explain how café photos are handled.", text_en="New terms."
    )
    response = alice_client.get(reverse("home"))
    assert response["Location"].startswith(reverse("consent"))
    html = alice_client.get(reverse("consent")).content.decode()
    assert "The terms have changed" in html
    assert "We now explain how café photos are handled." in html
    accept(alice_client, version=2)
    assert alice_client.get(reverse("home")).status_code == 200


def test_accepting_an_older_version_than_the_one_published_accepts_nothing(alice):
    client = signed_in_client(alice, consented=False)
    ConsentVersionFactory(version=2)
    response = accept(client, version=1)
    assert response["Location"].startswith(reverse("consent"))
    assert not ConsentAcceptance.objects.filter(user=alice).exists()


def test_someone_who_accepted_can_read_the_terms_again(alice_client):
    html = alice_client.get(reverse("consent")).content.decode()
    assert "You accepted these terms on" in html
    assert "Accept and continue" not in html


def test_checking_the_terms_takes_one_query(alice, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert consent_is_current(user=alice) is False
    signed_in_client(alice)
    with django_assert_num_queries(1):
        assert consent_is_current(user=alice) is True
