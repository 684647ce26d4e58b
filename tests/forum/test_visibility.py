"""Who sees what: local threads stay in their community; providers are not in the forum at all."""

import pytest
from django.urls import reverse

from forum.access import threads_visible_to
from tests.forum.factories import make_reply, make_thread


@pytest.fixture
def north_local(alice, board, north):
    thread = make_thread(author=alice, board=board, title="Walk before the Nordby café", community=north)
    make_reply(thread=thread, author=alice, body="Meet at the station?")
    return thread


def test_a_local_thread_is_not_listed_for_another_community(north_local, bob_client, alice_client, board):
    url = reverse("forum:board", args=[board.slug])
    assert "Walk before the Nordby café" not in bob_client.get(url).content.decode()
    alice_page = alice_client.get(url).content.decode()
    assert "Walk before the Nordby café" in alice_page and "Local to Nordby" in alice_page


def test_every_page_of_a_local_thread_answers_404_to_another_community(north_local, bob_client):
    post = north_local.posts.first()
    for name, arg in [("forum:thread", north_local.pk), ("forum:thread_unread", north_local.pk),
                      ("forum:reply", north_local.pk), ("forum:post", post.pk)]:
        assert bob_client.get(reverse(name, args=[arg])).status_code == 404, name
    assert bob_client.post(reverse("forum:reply", args=[north_local.pk]), {"body": "hi"}).status_code == 404
    assert bob_client.post(reverse("forum:follow", args=[north_local.pk]), {"follow": "1"}).status_code == 404
    assert north_local.posts.count() == 2


def test_the_consultant_sees_local_threads_of_every_community(north_local, consultant_client):
    page = consultant_client.get(north_local.get_absolute_url()).content.decode()
    assert "Meet at the station?" in page


def test_board_counters_say_nothing_that_lets_an_outsider_read_a_local_thread(north_local, bob):
    assert not threads_visible_to(bob).filter(pk=north_local.pk).exists()


def test_providers_get_404_on_every_forum_page_and_no_forum_link(linked_provider_client, north_local, board):
    post = north_local.posts.first()
    urls = [reverse("forum:index"), reverse("forum:board", args=[board.slug]), north_local.get_absolute_url(),
            reverse("forum:post", args=[post.pk]), reverse("forum:thread_create", args=[board.slug])]
    for url in urls:
        assert linked_provider_client.get(url).status_code == 404, url
    home = linked_provider_client.get(reverse("home")).content.decode()
    assert 'href="/forum/"' not in home


def test_a_service_user_has_the_forum_in_the_menu(alice_client):
    assert 'href="/forum/"' in alice_client.get(reverse("home")).content.decode()


def test_an_admin_may_read_but_not_write(admin_client, north_local, board):
    page = admin_client.get(north_local.get_absolute_url()).content.decode()
    assert "Meet at the station?" in page and "Write a reply" not in page
    assert admin_client.get(reverse("forum:thread_create", args=[board.slug])).status_code == 404
    assert admin_client.post(reverse("forum:reply", args=[north_local.pk]), {"body": "x"}).status_code == 404


def test_an_inactive_board_is_gone_for_everyone(alice_client, alice, board):
    thread = make_thread(author=alice, board=board)
    board.is_active = False
    board.save()
    assert alice_client.get(reverse("forum:board", args=[board.slug])).status_code == 404
    assert alice_client.get(thread.get_absolute_url()).status_code == 404
    assert board.name_en not in alice_client.get(reverse("forum:index")).content.decode()


def test_pages_show_pseudonyms_and_never_real_names_or_emails(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board, title="Hello")
    make_reply(thread=thread, author=bob)
    for url in (reverse("forum:board", args=[board.slug]), thread.get_absolute_url()):
        page = bob_client.get(url).content.decode()
        assert alice.pseudonym in page
        assert alice.real_name not in page and alice.email not in page


def test_boards_are_named_in_the_readers_language(alice, alice_client, board):
    assert "Everyday life" in alice_client.get(reverse("forum:index")).content.decode()
    alice.preferred_language = "nb"
    alice.save()
    assert "Hverdagen" in alice_client.get(reverse("forum:index")).content.decode()
