"""The medication overview, its print page and the provider's view use a fixed number of queries, whatever the number
of medicines and providers."""

from datetime import date

from django.urls import reverse

from tests.factories import CareLinkFactory, ProviderFactory
from tests.toolbox.test_query_budget import _count
from toolbox import services
from toolbox.models import Medication, Module


def _fill(owner, n, start=0):
    Medication.objects.bulk_create([
        Medication(owner=owner, trade_name=f"Medicine {i}", strength="10 mg", notes=f"Note {i}",
                   ended_on=date(2021, 1, 1) if i % 2 else None)
        for i in range(start, start + n)
    ])


def test_the_overview_uses_the_same_queries_for_1_and_12_medicines(alice, alice_client, linked_provider,
                                                                   django_assert_num_queries):
    _fill(alice, 1)
    url = reverse("toolbox:medication")
    small, _html = _count(alice_client, url)
    _fill(alice, 11, start=1)
    for _n in range(3):
        provider = ProviderFactory()
        CareLinkFactory(provider=provider, service_user=alice)
        services.set_share(owner=alice, provider_id=provider.pk, module=Module.MEDICATION, shared=True)
    with django_assert_num_queries(small):
        html = alice_client.get(url).content.decode()
    assert html.count('class="medication"') == 12 and "Note 11" in html and html.count('class="share-row"') == 4


def test_the_print_page_uses_the_same_queries_for_1_and_12_medicines(alice, alice_client, django_assert_num_queries):
    _fill(alice, 1)
    url = reverse("toolbox:medication_print")
    small, _html = _count(alice_client, url)
    _fill(alice, 11, start=1)
    with django_assert_num_queries(small):
        assert alice_client.get(url).content.decode().count('class="medication"') == 12


def test_the_providers_view_uses_the_same_queries_for_1_and_12_medicines(
    alice, linked_provider, linked_provider_client, django_assert_num_queries
):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.MEDICATION, shared=True)
    _fill(alice, 1)
    url = reverse("toolbox:shared_medication", args=[alice.pk])
    small, _html = _count(linked_provider_client, url)
    _fill(alice, 11, start=1)
    with django_assert_num_queries(small):
        html = linked_provider_client.get(url).content.decode()
    assert html.count('class="medication"') == 12 and "Note 11" in html
