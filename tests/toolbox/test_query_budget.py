"""The plan page and the provider's view use a fixed number of queries, whatever the number of contacts and
providers."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CareLinkFactory, ProviderFactory
from tests.toolbox.conftest import TEXTS
from toolbox import services
from toolbox.models import Module


def _count(client, url):
    client.get(url)  # warm: the first visit may save session details
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def _save(owner, n):
    services.save_crisis_plan(
        owner=owner, texts=TEXTS, people=[(f"Person {i}", "22 33 44 55") for i in range(n)],
        professionals=[(f"Service {i}", "116 117") for i in range(n)],
    )


def test_the_owners_plan_page_uses_the_same_queries_for_1_and_5_contacts_and_providers(
    alice, alice_client, linked_provider, django_assert_num_queries
):
    _save(alice, 1)
    url = reverse("toolbox:crisis_plan")
    small, _html = _count(alice_client, url)
    _save(alice, 5)
    for _n in range(4):
        provider = ProviderFactory()
        CareLinkFactory(provider=provider, service_user=alice)
        services.set_share(owner=alice, provider_id=provider.pk, module=Module.CRISIS_PLAN, shared=True)
    with django_assert_num_queries(small):
        html = alice_client.get(url).content.decode()
    assert html.count('class="share-row"') == 5 and "Person 4" in html and "Service 4" in html


def test_the_providers_view_uses_the_same_queries_for_1_and_5_contacts(
    alice, linked_provider, linked_provider_client, django_assert_num_queries
):
    _save(alice, 1)
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.CRISIS_PLAN, shared=True)
    url = reverse("toolbox:shared_crisis_plan", args=[alice.pk])
    small, _html = _count(linked_provider_client, url)
    _save(alice, 5)
    with django_assert_num_queries(small):
        html = linked_provider_client.get(url).content.decode()
    assert "Person 4" in html and "Service 4" in html
