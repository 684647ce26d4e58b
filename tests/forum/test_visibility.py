"""Who sees what: local threads stay in their community; providers are not in the forum at all."""

import re

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


def test_a_boards_counts_leave_out_threads_local_to_other_communities(alice, bob, alice_client, bob_client,
                                                                      consultant_client, board, north, south):
    make_thread(author=alice, board=board, title="Shared")
    local_north = make_thread(author=alice, board=board, title="North only", community=north)
    make_reply(thread=local_north, author=alice)
    make_thread(author=bob, board=board, title="South only", community=south)

    def counts(client):
        html = client.get(reverse("forum:index")).content.decode()
        return re.search(r"(\d+) threads?\s*·\s*(\d+) posts?", html).groups()

    assert counts(alice_client) == ("2", "3")
    assert counts(bob_client) == ("2", "2")
    assert counts(consultant_client) == ("3", "4")
    # The board page lists exactly as many threads as the board list said.
    assert bob_client.get(reverse("forum:board", args=[board.slug])).content.decode().count(
        '<li class="forum-thread') == 2



def test_a_boards_last_activity_for_a_member_comes_from_a_thread_they_can_see(alice, bob, board, north, south):
    from forum.access import boards_visible_to, with_visible_counts

    south_thread = make_thread(author=bob, board=board, title="South only", community=south)
    north_thread = make_thread(author=alice, board=board, title="North only", community=north)
    assert north_thread.last_post_at > south_thread.last_post_at
    [shown] = with_visible_counts(bob, boards_visible_to(bob))
    assert shown.shown_last_post_at == south_thread.last_post_at
    assert (shown.shown_thread_count, shown.shown_post_count) == (1, 1)


def test_moving_a_local_thread_moves_its_count_for_its_community_only(alice, bob, consultant, board, other_board,
                                                                     north):
    from forum.access import boards_visible_to, with_visible_counts
    from forum.services import move_thread

    local = make_thread(author=alice, board=board, title="North only", community=north)
    make_reply(thread=local, author=alice)
    move_thread(thread=local, to_board=other_board, moderator=consultant)

    def shown(person):
        return {b.slug: (b.shown_thread_count, b.shown_post_count) for b in with_visible_counts(
            person, boards_visible_to(person))}

    assert shown(alice) == {board.slug: (0, 0), other_board.slug: (1, 2)}
    assert shown(bob) == {board.slug: (0, 0), other_board.slug: (0, 0)}
    assert shown(consultant) == {board.slug: (0, 0), other_board.slug: (1, 2)}


def test_a_boards_pages_count_only_the_threads_the_reader_may_see(alice, bob, alice_client, bob_client, board,
                                                                   north, monkeypatch):
    monkeypatch.setattr("forum.views.THREADS_PER_PAGE", 2)
    for n in range(3):
        make_thread(author=alice, board=board, title=f"Shared {n}")
    for n in range(2):
        make_thread(author=alice, board=board, title=f"Nordby {n}", community=north)
    url = reverse("forum:board", args=[board.slug])
    assert "Page 1 of 3" in alice_client.get(url).content.decode()  # 5 threads, 2 a page
    assert "Page 1 of 2" in bob_client.get(url).content.decode()  # the 3 shared ones
    assert "Nordby" not in bob_client.get(url, {"page": 2}).content.decode()
