"""Information pages: written by admins in both languages, read by everyone signed in, in their own language."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from tests.conftest import signed_in_client
from toolbox.models import InfoPage


@pytest.fixture
def starter_pages(db):
    """The starter pages of migration 0003 (added again here: browser tests may have flushed the tables)."""
    migration = importlib.import_module("toolbox.migrations.0003_info_pages_and_local_links")
    migration.add_starter_pages(apps, None)
    return InfoPage.objects.filter(slug__in=[p[0] for p in migration.STARTER_PAGES])


def test_the_starter_pages_cover_the_five_topics_in_both_languages(starter_pages):
    assert sorted(starter_pages.values_list("slug", flat=True)) == [
        "how-to-use-reconnect", "privacy-and-anonymity", "recovery", "user-involvement",
        "working-with-your-providers"]
    for page in starter_pages:
        assert page.published and page.title_nb and page.title_en and page.body_nb and page.body_en


def test_the_privacy_page_asks_for_a_pseudonym_warns_about_cafe_details_and_is_not_an_emergency_service(
        starter_pages, alice_client):
    html = alice_client.get(reverse("toolbox:info_page", args=["privacy-and-anonymity"])).content.decode()
    assert "Use a pseudonym" in html
    assert "Small details can identify you" in html and "café" in html
    assert "not an emergency service" in html and "113" in html


def test_every_role_that_uses_the_portal_reads_the_list_in_order(starter_pages, alice_client, linked_provider_client,
                                                                 consultant_client):
    for client in (alice_client, linked_provider_client, consultant_client):
        html = client.get(reverse("toolbox:info_pages")).content.decode()
        positions = [html.index(title) for title in ("Recovery", "User involvement", "Privacy and anonymity")]
        assert positions == sorted(positions)


def test_a_page_is_shown_in_the_readers_language_and_falls_back_to_the_other(alice, client):
    InfoPage.objects.create(slug="both", published=True, title_nb="Bare norsk tittel", title_en="English title",
                            body_nb="Norsk tekst", body_en="")
    alice.preferred_language = "nb"
    alice.save()
    norwegian = signed_in_client(alice).get(reverse("toolbox:info_page", args=["both"])).content.decode()
    assert "Bare norsk tittel" in norwegian and "Norsk tekst" in norwegian
    alice.preferred_language = "en"
    alice.save()
    english = signed_in_client(alice).get(reverse("toolbox:info_page", args=["both"])).content.decode()
    assert "English title" in english and "Norsk tekst" in english  # no English text yet: the Norwegian one


def test_the_body_is_plain_text_with_paragraphs_and_no_html_passes_through(alice_client):
    InfoPage.objects.create(slug="plain", published=True, title_en="Plain",
                            body_en="First part\n\nSecond <script>alert(1)</script> part")
    html = alice_client.get(reverse("toolbox:info_page", args=["plain"])).content.decode()
    assert "<p>First part</p>" in html and "<script>alert" not in html and "&lt;script&gt;" in html


def test_an_unpublished_page_and_an_unknown_address_answer_404_and_are_not_listed(alice_client):
    InfoPage.objects.create(slug="draft", published=False, title_en="Secret draft")
    assert alice_client.get(reverse("toolbox:info_page", args=["draft"])).status_code == 404
    assert alice_client.get(reverse("toolbox:info_page", args=["no-such-page"])).status_code == 404
    assert "Secret draft" not in alice_client.get(reverse("toolbox:info_pages")).content.decode()


def test_the_toolbox_overview_leads_to_information_and_local_links(alice_client):
    html = alice_client.get(reverse("toolbox:index")).content.decode()
    assert reverse("toolbox:info_pages") in html and reverse("toolbox:local_links") in html


def test_admins_edit_information_pages_in_the_django_admin(admin_user, admin_client):
    page = InfoPage.objects.create(slug="edit-me", published=True, title_en="Edit me")
    response = admin_client.get(reverse("admin:toolbox_infopage_change", args=[page.pk]))
    assert response.status_code == 200 and "title_nb" in response.content.decode()


def test_the_list_page_uses_the_same_queries_for_2_and_8_pages(alice_client, django_assert_num_queries):
    from tests.toolbox.test_query_budget import _count

    InfoPage.objects.all().delete()
    for i in range(2):
        InfoPage.objects.create(slug=f"p{i}", published=True, title_en=f"Page {i}")
    small, _html = _count(alice_client, reverse("toolbox:info_pages"))
    for i in range(2, 8):
        InfoPage.objects.create(slug=f"p{i}", published=True, title_en=f"Page {i}")
    with django_assert_num_queries(small):
        html = alice_client.get(reverse("toolbox:info_pages")).content.decode()
    assert "Page 7" in html
