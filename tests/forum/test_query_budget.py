"""List pages use a fixed number of queries, whatever the number of boards, threads, posts or authors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.forum.factories import BoardFactory, make_reply, make_thread


def _count(client, url):
    client.get(url)  # warm: the first visit may save session details
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def writers(north, south):
    return [UserFactory(community=north if n % 2 else south) for n in range(6)]


def test_the_board_list_uses_the_same_queries_for_2_and_8_boards(alice_client, alice, django_assert_num_queries):
    for n in range(2):
        make_thread(author=alice, board=BoardFactory())
    url = reverse("forum:index")
    small = _count(alice_client, url)
    for n in range(6):
        make_thread(author=alice, board=BoardFactory())
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    assert response.content.decode().count('class="forum-board"') == 8


def test_a_boards_thread_list_uses_the_same_queries_for_3_and_30_threads(
    alice_client, alice, board, writers, north, django_assert_num_queries
):
    def add_threads(count, offset):
        for n in range(count):
            author = writers[(n + offset) % len(writers)]
            thread = make_thread(author=author, board=board, title=f"Thread {n + offset}",
                                 community=north if author.community == north and n % 3 == 0 else None)
            make_reply(thread=thread, author=writers[(n + offset + 1) % len(writers)])

    add_threads(3, 0)
    alice_client.get(reverse("forum:thread", args=[board.threads.first().pk]))  # one thread read
    url = reverse("forum:board", args=[board.slug])
    small = _count(alice_client, url)
    add_threads(27, 3)
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    assert response.content.decode().count('<li class="forum-thread') == 25, "25 threads a page"


def test_a_thread_page_uses_the_same_queries_for_5_and_20_posts_by_several_authors(
    alice_client, alice, board, writers, consultant, north, south, django_assert_num_queries
):
    from forum import services

    thread = make_thread(author=alice, board=board)
    for n in range(4):
        make_reply(thread=thread, author=writers[n])
    # Support reactions are part of the page: counts, alice's own (pressed) and who reacted, by pseudonym.
    services.toggle_reaction(post=thread.posts.get(number=2), user=alice, kind="hug")
    services.toggle_reaction(post=thread.posts.get(number=1), user=writers[0], kind="thanks")
    url = reverse("forum:thread", args=[thread.pk])
    small = _count(alice_client, url)
    for n in range(15):
        make_reply(thread=thread, author=[*writers, consultant][n % 7], body=f"**reply** {n}")
    post = thread.posts.get(number=3)

    services.edit_post(post=post, editor=post.author, body="changed")
    services.delete_own_post(post=thread.posts.get(number=4), author=thread.posts.get(number=4).author)
    reactors = [*writers, consultant, alice, *(UserFactory(community=north if n % 2 else south) for n in range(10))]
    kinds = ("thanks", "hug", "me_too")
    for post in thread.posts.exclude(number=4):
        for n, reactor in enumerate(reactors):
            if reactor.pk != post.author_id and (n + post.number) % 3:
                services.toggle_reaction(post=post, user=reactor, kind=kinds[(n + post.number) % 3], on=True)
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    page = response.content.decode()
    assert page.count('<article class="forum-post') == 20
    assert page.count("<summary>Who reacted</summary>") == 19, "every post but the deleted one has reactions"
    assert 'aria-pressed="true"' in page


def test_the_consultants_thread_page_uses_the_same_queries_for_5_and_20_posts_with_moderation_tools(
    consultant_client, consultant, alice, board, other_board, writers, django_assert_num_queries
):
    """The consultant's page adds the moderation tools (boards to move to, earlier versions per post, hidden
    posts with their reasons) without a query per post."""
    from forum import services

    thread = make_thread(author=alice, board=board)
    for n in range(4):
        make_reply(thread=thread, author=writers[n])
    services.edit_post(post=thread.posts.get(number=2), editor=writers[0], body="changed once")
    services.hide_post(post=thread.posts.get(number=3), moderator=consultant, reason="A first reason")
    url = reverse("forum:thread", args=[thread.pk])
    small = _count(consultant_client, url)
    BoardFactory()
    BoardFactory()
    for n in range(15):
        make_reply(thread=thread, author=writers[n % 6], body=f"reply {n}")
    for number in (5, 9, 12):
        post = thread.posts.get(number=number)
        services.edit_post(post=post, editor=post.author, body="changed")
        services.edit_post(post=post, editor=post.author, body="changed again")
        services.hide_post(post=thread.posts.get(number=number + 1), moderator=consultant, reason="Hidden")
    with django_assert_num_queries(small):
        response = consultant_client.get(url)
    page = response.content.decode()
    assert page.count('<article class="forum-post') == 20
    assert page.count("Earlier versions (2)") == 3 and page.count("Earlier version (1)") == 1
    assert page.count(reverse("forum:post_restore", args=[thread.posts.get(number=3).pk])) == 1
