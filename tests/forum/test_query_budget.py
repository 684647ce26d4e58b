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
    alice_client, alice, board, writers, consultant, django_assert_num_queries
):
    thread = make_thread(author=alice, board=board)
    for n in range(4):
        make_reply(thread=thread, author=writers[n])
    url = reverse("forum:thread", args=[thread.pk])
    small = _count(alice_client, url)
    for n in range(15):
        make_reply(thread=thread, author=[*writers, consultant][n % 7], body=f"**reply** {n}")
    post = thread.posts.get(number=3)
    from forum import services

    services.edit_post(post=post, editor=post.author, body="changed")
    services.delete_own_post(post=thread.posts.get(number=4), author=thread.posts.get(number=4).author)
    with django_assert_num_queries(small):
        response = alice_client.get(url)
    assert response.content.decode().count('<article class="forum-post') == 20
