"""Local links: kept by the service user consultant per community; a service user sees their own community's."""

import pytest
from django.urls import reverse

from toolbox.models import LINK_DESCRIPTION_MAX, LocalLink


def _link(community, title="Walking group", url="https://example.no/walk", category="activity", **extra):
    return LocalLink.objects.create(community=community, title=title, url=url, category=category, **extra)


def _form(where, **changes):
    data = {"community": str(where.pk), "category": "organisation", "title": "Mental Helse Nordby",
            "url": "https://mentalhelse.no", "description": "Peer support every Tuesday"}
    data.update(changes)
    return data


def test_a_service_user_sees_only_their_own_communitys_links_opening_with_noopener(alice_client, north, south):
    _link(north, title="Nordby walking group", description="Saturdays at ten")
    _link(south, title="Sørvik choir")
    html = alice_client.get(reverse("toolbox:local_links")).content.decode()
    assert "Nordby walking group" in html and "Saturdays at ten" in html and "Sørvik choir" not in html
    assert 'href="https://example.no/walk" rel="noopener noreferrer"' in html


def test_the_consultant_sees_every_communitys_links_grouped_by_community(consultant_client, north, south):
    _link(north, title="Nordby walking group")
    _link(south, title="Sørvik choir")
    html = consultant_client.get(reverse("toolbox:local_links")).content.decode()
    assert "Nordby: Activities" in html and "Sørvik: Activities" in html and "Sørvik choir" in html


def test_providers_and_admins_see_no_local_links(linked_provider_client, admin_client, north):
    _link(north)
    assert linked_provider_client.get(reverse("toolbox:local_links")).status_code == 404
    assert admin_client.get(reverse("toolbox:local_links")).status_code == 404


def test_the_consultant_adds_changes_and_removes_a_link(consultant_client, north):
    response = consultant_client.post(reverse("toolbox:local_link_new"), _form(north))
    assert response.status_code == 302
    link = LocalLink.objects.get()
    assert (link.community, link.category, link.title, link.url) == (
        north, "organisation", "Mental Helse Nordby", "https://mentalhelse.no")
    consultant_client.post(reverse("toolbox:local_link_edit", args=[link.pk]), _form(north, title="Mental Helse"))
    assert LocalLink.objects.get().title == "Mental Helse"
    consultant_client.post(reverse("toolbox:local_link_delete", args=[link.pk]))
    assert not LocalLink.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript://%0aalert(1)", "data:text/html,hi",
                                 "ftp://example.no", "mailto:a@example.no", "example.no", "https://", ""])
def test_a_web_address_that_is_not_http_or_https_is_refused_and_nothing_stored(consultant_client, north, url):
    response = consultant_client.post(reverse("toolbox:local_link_new"), _form(north, url=url))
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not LocalLink.objects.exists()


def test_an_upper_case_scheme_is_written_in_lower_case(consultant_client, north):
    consultant_client.post(reverse("toolbox:local_link_new"), _form(north, url="HTTPS://Example.no/Path"))
    assert LocalLink.objects.get().url == "https://Example.no/Path"


def test_over_long_text_and_an_unknown_community_or_kind_are_refused_kindly(consultant_client, north):
    cases = [
        ({"description": "x" * (LINK_DESCRIPTION_MAX + 1)}, "Please shorten it to 300 characters"),
        ({"title": "y" * 200}, "Please shorten it to 120 characters"),
        ({"title": ""}, "Please write the name of the link."),
        ({"community": "999999"}, ""),
        ({"community": "abc"}, ""),
        ({"category": "casino"}, ""),
    ]
    for changes, message in cases:
        response = consultant_client.post(reverse("toolbox:local_link_new"), _form(north, **changes))
        assert response.status_code == 200 and message in response.content.decode()
    assert not LocalLink.objects.exists()


def test_a_tampered_or_unknown_link_id_answers_404(consultant_client, north):
    assert consultant_client.get(reverse("toolbox:local_link_edit", args=[999999])).status_code == 404
    assert consultant_client.post(reverse("toolbox:local_link_delete", args=[999999])).status_code == 404
    assert consultant_client.get("/toolbox/links/abc/edit/").status_code == 404


def test_a_service_user_cannot_add_change_or_remove_a_link(alice_client, north):
    link = _link(north)
    assert alice_client.post(reverse("toolbox:local_link_new"), _form(north)).status_code == 404
    assert alice_client.post(reverse("toolbox:local_link_edit", args=[link.pk]),
                             _form(north, title="Hacked")).status_code == 404
    assert alice_client.post(reverse("toolbox:local_link_delete", args=[link.pk])).status_code == 404
    assert list(LocalLink.objects.values_list("title", flat=True)) == ["Walking group"]


def test_the_database_refuses_a_link_that_is_not_http_even_from_the_admin(north):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        _link(north, url="javascript:alert(1)")


@pytest.mark.parametrize("client_name", ["alice_client", "consultant_client"])
def test_the_links_page_uses_the_same_queries_for_2_and_10_links(request, client_name, north, south,
                                                                 django_assert_num_queries):
    from tests.toolbox.test_query_budget import _count

    client = request.getfixturevalue(client_name)
    for i in range(2):
        _link(north, title=f"Link {i}", category=["activity", "service"][i % 2])
    small, _html = _count(client, reverse("toolbox:local_links"))
    for i in range(2, 10):
        _link([north, south][i % 2] if client_name == "consultant_client" else north, title=f"Link {i}",
              category=["activity", "organisation", "service"][i % 3])
    with django_assert_num_queries(small):
        html = client.get(reverse("toolbox:local_links")).content.decode()
    assert "Link 8" in html
