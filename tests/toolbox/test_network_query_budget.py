"""The network map page, its preview and the provider's view use a fixed number of queries, whatever the number of
people in the map and providers in the care team."""

from django.urls import reverse

from tests.factories import CareLinkFactory, ProviderFactory
from tests.toolbox.test_query_budget import _count
from toolbox import services
from toolbox.models import Module, NetworkPerson


def _fill(owner, n, start=0):
    NetworkPerson.objects.bulk_create([
        NetworkPerson(owner=owner, name=f"Person {i}", relation="friend", circle=1 + i % 3, notes=f"Note {i}")
        for i in range(start, start + n)
    ])


def test_the_map_page_uses_the_same_queries_for_1_and_30_people(alice, alice_client, linked_provider,
                                                                 django_assert_num_queries):
    _fill(alice, 1)
    url = reverse("toolbox:network")
    small, _html = _count(alice_client, url)
    _fill(alice, 29, start=1)
    for _n in range(3):
        provider = ProviderFactory()
        CareLinkFactory(provider=provider, service_user=alice)
        services.set_share(owner=alice, provider_id=provider.pk, module=Module.NETWORK, shared=True)
    with django_assert_num_queries(small):
        html = alice_client.get(url).content.decode()
    assert html.count('class="nm-person ') == 30 and "Note 29" in html and html.count('class="share-row"') == 4


def test_the_providers_view_uses_the_same_queries_for_1_and_30_people(alice, linked_provider, linked_provider_client,
                                                                      django_assert_num_queries):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.NETWORK, shared=True)
    _fill(alice, 1)
    url = reverse("toolbox:shared_network", args=[alice.pk])
    small, _html = _count(linked_provider_client, url)
    _fill(alice, 29, start=1)
    with django_assert_num_queries(small):
        html = linked_provider_client.get(url).content.decode()
    assert html.count('class="nm-person ') == 30 and "Note 29" in html


def test_the_preview_uses_the_same_queries_for_1_and_30_people(alice, alice_client, django_assert_num_queries):
    _fill(alice, 1)
    url = reverse("toolbox:network_preview")
    small, _html = _count(alice_client, url)
    _fill(alice, 29, start=1)
    with django_assert_num_queries(small):
        assert "Person 29" in alice_client.get(url).content.decode()
