"""The service user consultant's moderation in the forum: pin, lock, move, hide, restore, earlier versions.

Every action that changes something writes exactly one audit row; the same action twice writes nothing more.
"""

import pytest
from django.urls import reverse

from forum import services
from forum.models import Board, Circle, Post, Thread
from reconnect.models import AuditAction, AuditEvent, Notification
from tests.forum.factories import BoardFactory, make_reply, make_thread

SECRET_BODY = "My neighbour on Strandveien shouted again today."


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def _moderation_rows():
    return list(AuditEvent.objects.filter(action=AuditAction.MODERATION).order_by("pk"))


@pytest.fixture
def thread(alice, board):
    """A thread alice started on the shared board (seen by every community)."""
    return make_thread(author=alice, board=board, title="A hard week", body=SECRET_BODY)


@pytest.fixture
def alice_post(thread):
    return thread.posts.get(number=1)


# --- Pin and lock ---------------------------------------------------------------------------------------
def test_the_consultant_pins_a_thread_and_one_audit_row_names_them_and_the_author(
    consultant, consultant_client, alice, thread, board
):
    response = consultant_client.post(reverse("forum:thread_pin", args=[thread.pk]), {"pin": "1"}, follow=True)
    thread.refresh_from_db()
    assert thread.is_pinned
    assert "The thread is pinned to the top of its board." in _messages(response)
    [row] = _moderation_rows()
    assert (row.actor, row.subject_user, row.object_type, row.object_id) == (
        consultant, alice, "forum.thread", str(thread.pk)
    )
    assert row.detail == "pin thread"
    board_page = consultant_client.get(reverse("forum:board", args=[board.slug])).content.decode()
    assert "Pinned" in board_page


def test_pinning_twice_writes_one_audit_row_and_unpinning_writes_another(consultant, consultant_client, thread):
    url = reverse("forum:thread_pin", args=[thread.pk])
    consultant_client.post(url, {"pin": "1"})
    response = consultant_client.post(url, {"pin": "1"}, follow=True)
    assert "The thread was already pinned." in _messages(response)
    assert len(_moderation_rows()) == 1
    consultant_client.post(url, {"pin": "0"})
    consultant_client.post(url, {"pin": "0"})
    thread.refresh_from_db()
    assert not thread.is_pinned
    assert [row.detail for row in _moderation_rows()] == ["pin thread", "unpin thread"]


def test_a_pinned_thread_comes_first_on_its_board(alice, alice_client, consultant, board):
    old = make_thread(author=alice, board=board, title="Old and quiet")
    make_thread(author=alice, board=board, title="New and busy")
    url = reverse("forum:board", args=[board.slug])
    before = alice_client.get(url).content.decode()
    assert before.index("New and busy") < before.index("Old and quiet")
    services.pin_thread(thread=old, moderator=consultant)
    after = alice_client.get(url).content.decode()
    assert after.index("Old and quiet") < after.index("New and busy")


def test_locking_stops_replies_and_unlocking_allows_them_again(
    consultant, consultant_client, alice_client, thread
):
    lock_url = reverse("forum:thread_lock", args=[thread.pk])
    response = consultant_client.post(lock_url, {"lock": "1"}, follow=True)
    assert "The thread is locked. Nobody can add new replies until you unlock it." in _messages(response)
    reply_url = reverse("forum:reply", args=[thread.pk])
    alice_client.post(reply_url, {"body": "Can I still reply?"})
    assert thread.posts.count() == 1
    page = alice_client.get(reverse("forum:thread", args=[thread.pk])).content.decode()
    assert "This thread is locked, so no new replies can be added." in page

    consultant_client.post(lock_url, {"lock": "0"})
    alice_client.post(reply_url, {"body": "Thank you for opening it again."})
    assert thread.posts.count() == 2
    assert [row.detail for row in _moderation_rows()] == ["lock thread", "unlock thread"]


def test_locking_twice_is_harmless(consultant, thread):
    assert services.lock_thread(thread=thread, moderator=consultant) is True
    assert services.lock_thread(thread=thread, moderator=consultant) is False
    assert len(_moderation_rows()) == 1


def test_the_thread_page_shows_the_consultant_the_tools_and_nobody_else(
    consultant_client, alice_client, admin_client, thread, other_board
):
    url = reverse("forum:thread", args=[thread.pk])
    page = consultant_client.get(url).content.decode()
    assert reverse("forum:thread_pin", args=[thread.pk]) in page
    assert reverse("forum:thread_lock", args=[thread.pk]) in page
    assert reverse("forum:thread_move", args=[thread.pk]) in page
    assert f'<option value="{other_board.slug}">Recovery stories</option>' in page
    assert reverse("forum:post_hide", args=[thread.posts.get().pk]) in page
    for client in (alice_client, admin_client):
        other = client.get(url).content.decode()
        assert "/pin/" not in other and "/lock/" not in other and "/move/" not in other and "/hide/" not in other


# --- Move -----------------------------------------------------------------------------------------------
def test_moving_a_thread_moves_its_counts_from_one_board_to_the_other(
    alice, bob, consultant, consultant_client, board, other_board, north
):
    staying = make_thread(author=bob, board=board, title="Staying here")
    moving = make_thread(author=alice, board=board, title="Moving away", community=north)
    make_reply(thread=moving, author=bob)
    make_reply(thread=moving, author=alice)
    already = make_thread(author=bob, board=other_board, title="Already there")
    board.refresh_from_db()
    other_board.refresh_from_db()
    assert (board.thread_count, board.post_count) == (2, 4)
    assert (other_board.thread_count, other_board.post_count) == (1, 1)

    response = consultant_client.post(
        reverse("forum:thread_move", args=[moving.pk]), {"board": other_board.slug}, follow=True
    )
    assert "The thread is moved to “Recovery stories”." in _messages(response)
    board.refresh_from_db()
    other_board.refresh_from_db()
    moving.refresh_from_db()
    assert moving.board == other_board
    assert moving.community == north, "a local thread stays local to its community"
    assert (board.thread_count, board.post_count) == (1, 1)
    assert (other_board.thread_count, other_board.post_count) == (2, 4)
    # Each board's last activity is taken again from the threads it now holds.
    staying.refresh_from_db()
    assert board.last_post_at == staying.last_post_at
    assert other_board.last_post_at == max(moving.last_post_at, already.last_post_at)
    [row] = _moderation_rows()
    assert (row.actor, row.subject_user, row.object_id) == (consultant, alice, str(moving.pk))
    assert row.detail == f"move thread: {board.slug} -> {other_board.slug}"


def test_moving_a_thread_to_the_board_it_is_on_changes_nothing(consultant, thread, board):
    assert services.move_thread(thread=thread, to_board=board, moderator=consultant) is False
    board.refresh_from_db()
    assert (board.thread_count, board.post_count) == (1, 1)
    assert _moderation_rows() == []


def test_moving_to_an_unknown_or_closed_board_says_so_and_changes_nothing(consultant_client, thread, board):
    closed = BoardFactory(slug="closed", is_active=False)
    url = reverse("forum:thread_move", args=[thread.pk])
    for value in ("no-such-board", closed.slug, "", "../../etc"):
        response = consultant_client.post(url, {"board": value}, follow=True)
        assert "Please choose an open board to move the thread to." in _messages(response)
    response = consultant_client.post(url, follow=True)
    assert "Please choose an open board to move the thread to." in _messages(response)
    thread.refresh_from_db()
    assert thread.board == board
    assert _moderation_rows() == []


def test_the_service_refuses_a_closed_board_and_a_thread_in_a_circle(alice, consultant, thread):
    closed = BoardFactory(slug="closed", is_active=False)
    with pytest.raises(services.ForumError):
        services.move_thread(thread=thread, to_board=closed, moderator=consultant)
    circle = Circle.objects.create(name="Those who met", created_by=alice)
    in_circle = Thread.objects.create(circle=circle, title="Only for us", author=alice)
    other = BoardFactory(slug="other")
    with pytest.raises(services.ForumError) as refused:
        services.move_thread(thread=in_circle, to_board=other, moderator=consultant)
    assert "circle" in refused.value.message
    in_circle.refresh_from_db()
    assert (in_circle.board, in_circle.circle) == (None, circle)
    other.refresh_from_db()
    assert other.thread_count == 0
    assert _moderation_rows() == []


def test_nobody_but_the_consultant_may_use_the_moderation_services(alice, admin_user, thread, board, other_board):
    post = thread.posts.get()
    for person in (alice, admin_user):
        for action in (
            lambda: services.pin_thread(thread=thread, moderator=person),
            lambda: services.lock_thread(thread=thread, moderator=person),
            lambda: services.move_thread(thread=thread, to_board=other_board, moderator=person),
            lambda: services.hide_post(post=post, moderator=person, reason="Because"),
            lambda: services.restore_post(post=post, moderator=person),
        ):
            with pytest.raises(services.ForumError):
                action()
    thread.refresh_from_db()
    post.refresh_from_db()
    assert (thread.is_pinned, thread.is_locked, thread.board, post.hidden_at) == (False, False, board, None)
    assert _moderation_rows() == []


# --- Hide and restore -------------------------------------------------------------------------------------
def test_the_hide_form_reminds_the_consultant_that_moderation_is_support(consultant_client, alice_post):
    page = consultant_client.get(reverse("forum:post_hide", args=[alice_post.pk])).content.decode()
    assert "Moderation is support, not censorship." in page
    assert "The author will be told privately" in page
    assert SECRET_BODY in page, "the consultant sees what they are about to hide"
    assert 'name="reason"' in page and "<label" in page


def test_hiding_a_post_tells_the_author_privately_without_the_text_and_writes_one_audit_row(
    consultant, consultant_client, alice, alice_post
):
    reason = "It names a street near your home. Please rewrite it without the street."
    response = consultant_client.post(reverse("forum:post_hide", args=[alice_post.pk]), {"reason": reason},
                                      follow=True)
    assert any("The post is hidden from others." in m for m in _messages(response))
    alice_post.refresh_from_db()
    assert alice_post.is_hidden
    assert (alice_post.hidden_reason, alice_post.hidden_by) == (reason, consultant)

    [row] = _moderation_rows()
    assert (row.actor, row.subject_user, row.object_type, row.object_id) == (
        consultant, alice, "forum.post", str(alice_post.pk)
    )
    assert row.detail.startswith("hide post: It names a street")

    [notice] = Notification.objects.filter(recipient=alice)
    assert notice.kind == "moderation"
    assert notice.text == (
        "The service user consultant has hidden one of your posts. You can still see it and read why."
    )
    assert "Strandveien" not in notice.text and "A hard week" not in notice.text
    assert notice.link == reverse("forum:post", args=[alice_post.pk])


def test_the_author_finds_the_moderation_step_in_who_has_seen_my_data_without_the_consultants_name(
    consultant, alice_client, alice_post
):
    services.hide_post(post=alice_post, moderator=consultant, reason="A reason")
    page = alice_client.get(reverse("access_log")).content.decode()
    assert "The service user consultant took a moderation step on your post" in page
    assert consultant.real_name not in page and consultant.email not in page


def test_others_see_the_placeholder_the_author_sees_the_reason_and_the_consultant_the_text(
    consultant, alice_client, bob_client, consultant_client, admin_client, alice_post
):
    services.hide_post(post=alice_post, moderator=consultant, reason="Please take out the street name.")
    url = reverse("forum:thread", args=[alice_post.thread_id])
    for client in (bob_client, admin_client):
        page = client.get(url).content.decode()
        assert "This post is hidden by the moderator." in page
        assert "Strandveien" not in page and "Please take out the street name." not in page
    own = alice_client.get(url).content.decode()
    assert "The service user consultant has hidden this post from others. Only you can see it." in own
    assert "Reason: Please take out the street name." in own
    assert "Strandveien" in own
    theirs = consultant_client.get(url).content.decode()
    assert "Strandveien" in theirs and "Reason: Please take out the street name." in theirs
    assert reverse("forum:post_restore", args=[alice_post.pk]) in theirs
    assert reverse("forum:post_hide", args=[alice_post.pk]) not in theirs


def test_the_reason_is_shown_as_text_never_as_html(consultant, alice_client, alice_post):
    services.hide_post(post=alice_post, moderator=consultant, reason='<script>alert(1)</script> "quoted"')
    page = alice_client.get(reverse("forum:thread", args=[alice_post.thread_id])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("reason,message", [
    ("", "Please write a short reason. The author will read it."),
    ("   \n  ", "Please write a short reason. The author will read it."),
    ("x" * 301, "The reason is 301 characters long. Please shorten it to 300 characters or fewer."),
])
def test_a_missing_or_too_long_reason_comes_back_with_a_message_and_changes_nothing(
    consultant_client, alice, alice_post, reason, message
):
    response = consultant_client.post(reverse("forum:post_hide", args=[alice_post.pk]), {"reason": reason})
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page and message in page
    alice_post.refresh_from_db()
    assert not alice_post.is_hidden
    assert _moderation_rows() == []
    assert not Notification.objects.filter(recipient=alice).exists()


def test_a_reason_of_exactly_300_characters_is_accepted(consultant, alice_post):
    assert services.hide_post(post=alice_post, moderator=consultant, reason="y" * 300) is True


def test_hiding_twice_writes_one_audit_row_and_one_notification(consultant, consultant_client, alice, alice_post):
    url = reverse("forum:post_hide", args=[alice_post.pk])
    consultant_client.post(url, {"reason": "First reason"})
    response = consultant_client.post(url, {"reason": "Second reason"}, follow=True)
    assert "This post is already hidden from others." in _messages(response)
    assert services.hide_post(post=alice_post, moderator=consultant, reason="Third") is False
    alice_post.refresh_from_db()
    assert alice_post.hidden_reason == "First reason"
    assert len(_moderation_rows()) == 1
    assert Notification.objects.filter(recipient=alice, kind="moderation").count() == 1


def test_the_consultant_cannot_hide_a_post_its_author_deleted(consultant, consultant_client, alice, alice_post):
    services.delete_own_post(post=alice_post, author=alice)
    response = consultant_client.post(reverse("forum:post_hide", args=[alice_post.pk]), {"reason": "Why"},
                                      follow=True)
    assert "The author has deleted this post, so there is nothing to hide." in _messages(response)
    with pytest.raises(services.ForumError):
        services.hide_post(post=alice_post, moderator=consultant, reason="Why")
    assert not Post.objects.get(pk=alice_post.pk).is_hidden
    assert _moderation_rows() == []


def test_restoring_shows_the_post_again_and_tells_the_author_kindly(
    consultant, consultant_client, alice, bob_client, alice_post
):
    services.hide_post(post=alice_post, moderator=consultant, reason="For a moment")
    url = reverse("forum:post_restore", args=[alice_post.pk])
    response = consultant_client.post(url, follow=True)
    assert "The post is visible to others again. Its author has been told." in _messages(response)
    alice_post.refresh_from_db()
    assert (alice_post.hidden_at, alice_post.hidden_reason, alice_post.hidden_by) == (None, "", None)
    assert "Strandveien" in bob_client.get(reverse("forum:thread", args=[alice_post.thread_id])).content.decode()
    notice = Notification.objects.filter(recipient=alice).latest("pk")
    assert notice.kind == "moderation"
    assert notice.text == "Good news: the service user consultant has made one of your posts visible to others again."
    assert notice.link == reverse("forum:post", args=[alice_post.pk])

    again = consultant_client.post(url, follow=True)
    assert "This post is not hidden." in _messages(again)
    rows = _moderation_rows()
    assert [row.detail for row in rows] == ["hide post: For a moment", "restore post"]
    assert (rows[1].actor, rows[1].subject_user) == (consultant, alice)
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_the_author_is_told_in_their_own_language(consultant, alice, alice_post):
    alice.preferred_language = "nb"
    alice.save(update_fields=["preferred_language"])
    services.hide_post(post=alice_post, moderator=consultant, reason="Grunn")
    notice = Notification.objects.get(recipient=alice)
    from django.utils import translation

    with translation.override("nb"):
        expected = str(services.HIDDEN_NOTICE)
    assert notice.text == expected


def test_a_post_by_a_former_member_can_be_hidden_without_a_notification(consultant, alice, alice_post):
    Post.objects.filter(pk=alice_post.pk).update(author=None)
    alice_post.refresh_from_db()
    assert services.hide_post(post=alice_post, moderator=consultant, reason="Old details") is True
    assert not Notification.objects.filter(kind="moderation").exists()
    [row] = _moderation_rows()
    assert row.subject_user is None


# --- Earlier versions ---------------------------------------------------------------------------------------
def test_the_consultant_reads_earlier_versions_newest_first_as_plain_text(
    consultant_client, alice, alice_client, alice_post
):
    services.edit_post(post=alice_post, editor=alice, body="Second try\nwith <b>bold</b> <script>x()</script>")
    services.edit_post(post=alice_post, editor=alice, body="Third and last")
    thread_page = consultant_client.get(reverse("forum:thread", args=[alice_post.thread_id])).content.decode()
    url = reverse("forum:post_revisions", args=[alice_post.pk])
    assert url in thread_page and "Earlier versions (2)" in thread_page
    assert url not in alice_client.get(reverse("forum:thread", args=[alice_post.thread_id])).content.decode()

    page = consultant_client.get(url).content.decode()
    assert "Third and last" in page
    second = page.index("Second try<br>with &lt;b&gt;bold&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;")
    first = page.index(SECRET_BODY)
    assert page.index("Third and last") < second < first, "the text now, then newest first"
    assert "<script>x()</script>" not in page and "<b>bold</b>" not in page


def test_a_post_that_was_never_edited_has_no_earlier_versions_link(consultant_client, alice_post):
    page = consultant_client.get(reverse("forum:thread", args=[alice_post.thread_id])).content.decode()
    assert reverse("forum:post_revisions", args=[alice_post.pk]) not in page
    revisions = consultant_client.get(reverse("forum:post_revisions", args=[alice_post.pk])).content.decode()
    assert "This post has not been changed since it was written." in revisions


def test_a_deleted_post_has_no_earlier_versions_left(consultant_client, alice, alice_post):
    services.edit_post(post=alice_post, editor=alice, body="Changed my mind")
    services.delete_own_post(post=alice_post, author=alice)
    page = consultant_client.get(reverse("forum:post_revisions", args=[alice_post.pk])).content.decode()
    assert "The author has deleted this post. Its text and its earlier versions are gone." in page
    assert SECRET_BODY not in page and "Changed my mind" not in page


# --- Who may: everyone but the consultant gets 404 (anonymous visitors are asked to sign in) ----------------
def _moderation_requests(thread, post, other_board):
    return [
        ("post", reverse("forum:thread_pin", args=[thread.pk]), {"pin": "1"}),
        ("post", reverse("forum:thread_lock", args=[thread.pk]), {"lock": "1"}),
        ("post", reverse("forum:thread_move", args=[thread.pk]), {"board": other_board.slug}),
        ("get", reverse("forum:post_hide", args=[post.pk]), None),
        ("post", reverse("forum:post_hide", args=[post.pk]), {"reason": "Because"}),
        ("post", reverse("forum:post_restore", args=[post.pk]), None),
        ("get", reverse("forum:post_revisions", args=[post.pk]), None),
    ]


@pytest.mark.parametrize("role", ["alice_client", "bob_client", "admin_client", "linked_provider_client",
                                  "unlinked_provider_client"])
def test_nobody_but_the_consultant_finds_the_moderation_pages(role, request, thread, alice_post, other_board, board):
    client = request.getfixturevalue(role)
    for method, url, data in _moderation_requests(thread, alice_post, other_board):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, f"{method.upper()} {url} as {role}"
    thread.refresh_from_db()
    alice_post.refresh_from_db()
    assert (thread.is_pinned, thread.is_locked, thread.board, alice_post.hidden_at) == (False, False, board, None)
    assert _moderation_rows() == []


def test_anonymous_visitors_are_asked_to_sign_in(client, thread, alice_post, other_board):
    for method, url, data in _moderation_requests(thread, alice_post, other_board):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302 and reverse("account_login") in response["Location"], url
    assert _moderation_rows() == []


def test_the_consultant_gets_404_for_posts_and_threads_that_do_not_exist(consultant_client):
    for method, url, data in _moderation_requests(Thread(pk=999999), Post(pk=999999), Board(slug="x")):
        assert getattr(consultant_client, method)(url, data or {}).status_code == 404, url


def test_the_moderation_actions_take_post_only(consultant_client, thread, alice_post):
    for url in (reverse("forum:thread_pin", args=[thread.pk]), reverse("forum:thread_lock", args=[thread.pk]),
                reverse("forum:thread_move", args=[thread.pk]), reverse("forum:post_restore", args=[alice_post.pk])):
        assert consultant_client.get(url).status_code == 405
    thread.refresh_from_db()
    assert not thread.is_pinned
