"""Starting threads, replying, editing and deleting: what is stored, what is refused, and the counters."""

import uuid

import pytest
from django.urls import reverse

from forum import services
from forum.models import Board, Post, PostRevision, Thread
from tests.forum.factories import make_reply, make_thread


def test_starting_a_thread_stores_the_first_post_and_keeps_the_board_counters(alice, board):
    thread = make_thread(author=alice, board=board, title="  My   first week  ", body="Hello *all*")

    assert thread.title == "My first week"
    post = thread.posts.get()
    assert (post.number, post.author, post.body_html) == (1, alice, "<p>Hello <em>all</em></p>")
    assert (thread.post_count, thread.reply_count, thread.last_post) == (1, 0, post)
    board.refresh_from_db()
    assert (board.thread_count, board.post_count, board.last_post_at) == (1, 1, post.created_at)
    assert thread.subscriptions.filter(user=alice).exists(), "the author follows their own thread"


def test_replies_are_numbered_in_order_and_counted(alice, bob, board):
    thread = make_thread(author=alice, board=board)
    first = make_reply(thread=thread, author=bob, body="one")
    second = make_reply(thread=thread, author=alice, body="two")

    thread.refresh_from_db()
    board.refresh_from_db()
    assert [first.number, second.number] == [2, 3]
    assert (thread.reply_count, thread.post_count, thread.last_post_id) == (2, 3, second.pk)
    assert (board.thread_count, board.post_count) == (1, 3)


def test_posting_through_the_form_creates_the_thread_and_shows_it(alice_client, board):
    response = alice_client.post(
        reverse("forum:thread_create", args=[board.slug]),
        {"title": "Café on Thursday", "body": "Who is coming?", "submit_token": str(uuid.uuid4())},
        follow=True,
    )
    thread = Thread.objects.get()
    assert response.redirect_chain[-1][0] == thread.get_absolute_url()
    page = response.content.decode()
    assert "Café on Thursday" in page and "Who is coming?" in page
    assert thread.community is None


def test_a_thread_marked_local_belongs_to_the_authors_community(alice_client, alice, board):
    alice_client.post(
        reverse("forum:thread_create", args=[board.slug]),
        {"title": "Meeting before the café", "body": "Shall we?", "local_only": "on"},
    )
    assert Thread.objects.get().community == alice.community


def test_a_service_user_cannot_make_a_thread_local_to_another_community(alice, south, board):
    with pytest.raises(services.ForumError):
        make_thread(author=alice, board=board, community=south)
    assert not Thread.objects.exists()


def test_editing_keeps_the_earlier_text_for_the_moderator_and_marks_the_post_edited(alice, alice_client, board):
    thread = make_thread(author=alice, board=board, body="I live on Storgata 5")
    post = thread.posts.get()

    response = alice_client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "I live in town"}, follow=True)

    post.refresh_from_db()
    assert post.body == "I live in town" and post.body_html == "<p>I live in town</p>"
    assert post.edited_at is not None
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == ["I live on Storgata 5"]
    page = response.content.decode()
    assert "Edited" in page and "Storgata" not in page


def test_editing_without_changes_keeps_no_revision(alice, board):
    post = make_thread(author=alice, board=board, body="Same").posts.get()
    services.edit_post(post=post, editor=alice, body="Same")
    assert not PostRevision.objects.exists() and post.edited_at is None


def test_someone_elses_post_cannot_be_edited_or_deleted(alice, bob, bob_client, board):
    post = make_thread(author=alice, board=board, body="Mine").posts.get()

    assert bob_client.get(reverse("forum:post_edit", args=[post.pk])).status_code == 404
    assert bob_client.post(reverse("forum:post_edit", args=[post.pk]), {"body": "Yours now"}).status_code == 404
    assert bob_client.post(reverse("forum:post_delete", args=[post.pk])).status_code == 404
    post.refresh_from_db()
    assert post.body == "Mine" and post.deleted_by_author_at is None
    with pytest.raises(services.ForumError):
        services.edit_post(post=post, editor=bob, body="Yours now")


def test_deleting_your_own_post_leaves_a_placeholder_so_replies_keep_their_context(alice, bob, alice_client, bob_client, board):
    thread = make_thread(author=alice, board=board, body="Something I regret")
    post = thread.posts.get()
    make_reply(thread=thread, author=bob, body="I hear you")
    services.edit_post(post=post, editor=alice, body="Something I regret a lot")

    confirm = alice_client.get(reverse("forum:post_delete", args=[post.pk]))
    assert "Delete your post?" in confirm.content.decode()
    alice_client.post(reverse("forum:post_delete", args=[post.pk]))

    post.refresh_from_db()
    assert post.deleted_by_author_at is not None and post.body == "" and post.body_html == ""
    assert not PostRevision.objects.filter(post=post).exists(), "a deleted text is gone, earlier versions too"
    page = bob_client.get(thread.get_absolute_url()).content.decode()
    assert "This post was deleted by the author." in page
    assert "regret" not in page and "I hear you" in page


def test_a_locked_thread_refuses_replies(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    thread.refresh_from_db()

    with pytest.raises(services.ForumError, match="locked"):
        services.post_reply(thread=thread, author=bob, body="Let me in")
    response = bob_client.post(reverse("forum:reply", args=[thread.pk]), {"body": "Let me in"}, follow=True)
    page = response.content.decode()
    assert "This thread is locked" in page and "Write a reply" not in page
    assert Post.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "\n\n\t  \n"])
def test_an_empty_post_is_refused_with_a_message_and_nothing_is_stored(alice, alice_client, board, body):
    thread = make_thread(author=alice, board=board)
    response = alice_client.post(reverse("forum:reply", args=[thread.pk]), {"body": body})
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page and "Your post is empty" in page
    assert Post.objects.count() == 1
    with pytest.raises(services.ForumError):
        services.post_reply(thread=thread, author=alice, body=body)


def test_a_title_over_120_characters_is_refused_and_the_text_is_kept(alice_client, board):
    response = alice_client.post(
        reverse("forum:thread_create", args=[board.slug]), {"title": "x" * 121, "body": "My careful words"}
    )
    page = response.content.decode()
    assert "121 characters" in page and "120" in page
    assert "My careful words" in page, "what the person wrote is still in the form"
    assert not Thread.objects.exists()


def test_a_body_over_20000_characters_is_refused_in_the_form_and_in_the_service(alice, alice_client, board):
    thread = make_thread(author=alice, board=board)
    response = alice_client.post(reverse("forum:reply", args=[thread.pk]), {"body": "a" * 20_001})
    assert "20001 characters" in response.content.decode().replace("\u00a0", "").replace(",", "")
    with pytest.raises(services.ForumError):
        services.post_reply(thread=thread, author=alice, body="a" * 20_001)
    assert Post.objects.count() == 1


def test_the_database_refuses_a_title_that_the_code_would_have_refused(alice, board):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.create(board=board, author=alice, title="")


def test_a_form_sent_twice_makes_one_post(alice, bob_client, board):
    thread = make_thread(author=alice, board=board)
    token = str(uuid.uuid4())
    url = reverse("forum:reply", args=[thread.pk])
    first = bob_client.post(url, {"body": "Only once", "submit_token": token})
    second = bob_client.post(url, {"body": "Only once", "submit_token": token})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Post.objects.filter(body="Only once").count() == 1
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_a_new_thread_form_sent_twice_makes_one_thread(alice_client, board):
    data = {"title": "Twice?", "body": "Once.", "submit_token": str(uuid.uuid4())}
    url = reverse("forum:thread_create", args=[board.slug])
    alice_client.post(url, data)
    alice_client.post(url, data)
    assert Thread.objects.count() == 1
    assert Board.objects.get(pk=board.pk).thread_count == 1


def test_posting_is_rate_limited_with_a_friendly_message(alice, alice_client, board, settings, monkeypatch):
    settings.FORUM_POSTS_PER_MINUTE = 3
    # One fixed minute, so a minute turning over mid-test cannot let the fourth post through.
    monkeypatch.setattr("reconnect.userinput._this_minute", lambda: 2_000_000)
    thread = make_thread(author=alice, board=board)
    make_reply(thread=thread, author=alice)
    make_reply(thread=thread, author=alice)

    response = alice_client.post(reverse("forum:reply", args=[thread.pk]), {"body": "One more thing"})
    page = response.content.decode()
    assert "wait a minute" in page and "One more thing" in page
    assert Post.objects.count() == 3


def test_posting_still_works_when_redis_is_down(alice, board, settings):
    settings.FORUM_POSTS_PER_MINUTE = 0  # would refuse everything if the limit were counted
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/1",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    thread = make_thread(author=alice, board=board)
    assert thread.posts.count() == 1


def test_providers_and_admins_cannot_post(linked_provider, admin_user, board):
    for person in (linked_provider, admin_user):
        with pytest.raises(services.ForumError):
            make_thread(author=person, board=board)
    assert not Thread.objects.exists()


def test_the_consultants_posts_carry_their_role(consultant, alice, alice_client, board):
    thread = make_thread(author=alice, board=board)
    make_reply(thread=thread, author=consultant, body="Thank you for sharing this.")
    page = alice_client.get(thread.get_absolute_url()).content.decode()
    assert "service user consultant" in page and consultant.pseudonym in page
