"""The care team page: who sees whose name, and ending a link."""

import pytest
from django.urls import reverse

from reconnect.models import AuditAction, AuditEvent, CareLink
from tests.factories import CareLinkFactory, ProviderFactory, UserFactory


@pytest.fixture
def alice_link(alice, linked_provider):
    return CareLink.objects.active().get(service_user=alice, provider=linked_provider)


def test_alice_sees_her_providers_real_name(alice_client, linked_provider):
    html = alice_client.get(reverse("care_team")).content.decode()
    assert "My care team" in html and "Carol Dahl" in html


def test_carol_sees_alices_real_name_but_never_her_pseudonym(linked_provider_client, alice_link):
    html = linked_provider_client.get(reverse("care_team")).content.decode()
    assert "Alice Aasen" in html
    assert "Lighthouse" not in html
    html = linked_provider_client.get(reverse("care_link_end", args=[alice_link.pk])).content.decode()
    assert "Alice Aasen" in html and "Lighthouse" not in html


def test_a_patient_without_a_real_name_is_never_shown_to_the_provider_by_pseudonym(linked_provider,
                                                                                  linked_provider_client, north):
    anonymous = UserFactory(pseudonym="Silent Fox", real_name="", community=north)
    CareLinkFactory(provider=linked_provider, service_user=anonymous)
    html = linked_provider_client.get(reverse("care_team")).content.decode()
    assert "Name not given" in html and "Silent Fox" not in html


def test_unlinked_provider_sees_nobody(unlinked_provider_client, alice_link):
    html = unlinked_provider_client.get(reverse("care_team")).content.decode()
    assert "Nobody is linked to you right now." in html and "Alice Aasen" not in html


@pytest.mark.parametrize("client_fixture", ["consultant_client", "admin_client"])
def test_consultant_and_admin_are_told_they_have_no_care_links(request, client_fixture, alice_link):
    html = request.getfixturevalue(client_fixture).get(reverse("care_team")).content.decode()
    assert "Your role has no care links" in html
    assert "Alice Aasen" not in html and "Carol Dahl" not in html


@pytest.mark.parametrize("client_fixture", ["unlinked_provider_client", "bob_client", "consultant_client",
                                            "admin_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_outside_the_link_gets_404_for_ending_it(request, client_fixture, method, alice_link):
    client = request.getfixturevalue(client_fixture)
    response = getattr(client, method)(reverse("care_link_end", args=[alice_link.pk]))
    assert response.status_code == 404
    alice_link.refresh_from_db()
    assert alice_link.is_active


def test_anonymous_visitor_is_sent_to_sign_in(client, alice_link):
    response = client.get(reverse("care_team"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_ending_a_link_asks_for_confirmation_first(alice_client, alice_link):
    html = alice_client.get(reverse("care_link_end", args=[alice_link.pk])).content.decode()
    assert "End the care link?" in html and "Carol Dahl" in html and "Yes, end the link" in html
    alice_link.refresh_from_db()
    assert alice_link.is_active


def test_alice_ends_the_link_it_disappears_at_once_and_carol_is_told_without_names(
    alice, alice_client, linked_provider, linked_provider_client, alice_link
):
    response = alice_client.post(reverse("care_link_end", args=[alice_link.pk]), follow=True)
    html = response.content.decode()
    assert "The care link has ended." in html
    assert "Carol Dahl" not in html.split("<main", 1)[1]

    alice_link.refresh_from_db()
    assert alice_link.ended_at is not None and alice_link.ended_by == alice
    assert CareLink.objects.filter(pk=alice_link.pk).exists()  # history kept
    assert AuditEvent.objects.filter(actor=alice, subject_user=alice, action=AuditAction.CARE_LINK_ENDED,
                                     object_id=str(alice_link.pk)).count() == 1

    note = linked_provider.notifications.get()
    assert note.kind == "care_link" and note.link == reverse("care_team")
    for name in ("Alice", "Aasen", "Lighthouse"):
        assert name not in note.text
    assert not alice.notifications.exists()

    # The provider no longer sees her, and cannot end it again.
    assert "Alice Aasen" not in linked_provider_client.get(reverse("care_team")).content.decode()
    assert linked_provider_client.post(reverse("care_link_end", args=[alice_link.pk])).status_code == 404


def test_the_provider_can_end_the_link_and_alice_is_told(alice, linked_provider, linked_provider_client, alice_link):
    linked_provider_client.post(reverse("care_link_end", args=[alice_link.pk]))
    alice_link.refresh_from_db()
    assert alice_link.ended_by == linked_provider
    note = alice.notifications.get()
    assert note.kind == "care_link" and "Carol" not in note.text


def test_a_new_link_can_be_made_after_one_ended(alice, linked_provider, alice_client, alice_link):
    from reconnect import services

    alice_client.post(reverse("care_link_end", args=[alice_link.pk]))
    services.create_care_link(provider=linked_provider, service_user=alice, by=None)
    assert CareLink.objects.filter(service_user=alice, provider=linked_provider).count() == 2
    assert CareLink.objects.active().filter(service_user=alice).count() == 1


def test_a_second_active_link_for_the_same_pair_is_refused(alice, linked_provider, alice_link):
    from django.core.exceptions import ValidationError

    from reconnect import services

    with pytest.raises(ValidationError):
        services.create_care_link(provider=linked_provider, service_user=alice, by=None)
    assert CareLink.objects.filter(service_user=alice).count() == 1


def test_care_team_page_uses_a_fixed_number_of_queries(linked_provider, linked_provider_client, north,
                                                      django_assert_max_num_queries):
    linked_provider_client.get(reverse("home"))  # the first request of a session records it once
    with django_assert_max_num_queries(20) as small:
        linked_provider_client.get(reverse("care_team"))
    for patient in UserFactory.create_batch(20, community=north):
        CareLinkFactory(provider=linked_provider, service_user=patient)
    with django_assert_max_num_queries(20) as large:
        html = linked_provider_client.get(reverse("care_team")).content.decode()
    assert html.count('class="care-link"') == 21
    assert len(small.captured_queries) == len(large.captured_queries)


def test_service_users_care_team_page_uses_a_fixed_number_of_queries(alice, alice_client,
                                                                    django_assert_max_num_queries, alice_link):
    alice_client.get(reverse("home"))
    with django_assert_max_num_queries(20) as small:
        alice_client.get(reverse("care_team"))
    for provider in ProviderFactory.create_batch(10):
        CareLinkFactory(provider=provider, service_user=alice)
    with django_assert_max_num_queries(20) as large:
        html = alice_client.get(reverse("care_team")).content.decode()
    assert html.count('class="care-link"') == 11
    assert len(small.captured_queries) == len(large.captured_queries)
