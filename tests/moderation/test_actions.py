"""Actions from a queue item and from the forum's thread page: each one logged (append-only) and audited; an item
handled by someone else changes nothing; bad input is refused with a message and nothing stored."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from forum import services as forum_services
from forum.models import Post, PostReport
from moderation import services
from moderation.models import ModerationLog, QueueItem, ReplyTemplate
from reconnect.models import AuditAction, AuditEvent
from tests.conftest import signed_in_client
from tests.factories import ConsultantFactory
from tests.moderation.queue_fixtures import *  # noqa: F401,F403
from tests.moderation.queue_fixtures import make_reply


@pytest.fixture
def reported_item(alice_post, bob):
    forum_services.report_post(post=alice_post, reporter=bob, reason="hurtful", note="This upset me")
    return QueueItem.objects.get()


def _act(client, item, **data):
    return client.post(reverse("moderation:item_act", args=[item.pk]), data)


def test_marking_handled_takes_the_item_out_of_the_queue_with_a_note_in_the_log(
        consultant_client, consultant, reported_item):
    response = _act(consultant_client, reported_item, action="handle", note="Replied kindly")
    assert response.status_code == 302 and response["Location"] == reverse("moderation:queue")
    reported_item.refresh_from_db()
    assert (reported_item.state, reported_item.done_by, reported_item.done_note) == ("done", consultant,
                                                                                      "Replied kindly")
    assert PostReport.objects.get().handled_at is not None
    row = ModerationLog.objects.get()
    assert (row.action, row.actor, row.reason, row.item_id) == ("handle_item", consultant, "Replied kindly",
                                                                reported_item.pk)
    page = consultant_client.get(reverse("moderation:queue")).content.decode()
    assert "Nothing here. Every post has been seen." in page


def test_acting_on_an_item_another_consultant_handled_says_who_and_when_and_changes_nothing(
        consultant, reported_item, alice_post):
    other = ConsultantFactory(pseudonym="Second-consultant")
    services.handle_item(item=reported_item, by=other, note="")
    client = signed_in_client(consultant)
    response = _act(client, reported_item, action="hide", reason="Unkind")
    assert response.status_code == 302
    page = client.get(reverse("moderation:item", args=[reported_item.pk])).content.decode()
    assert "This was already handled by Second-consultant at" in page
    alice_post.refresh_from_db()
    assert alice_post.hidden_at is None
    assert ModerationLog.objects.filter(action="hide_post").count() == 0
    with pytest.raises(services.ModerationError, match="already handled by Second-consultant"):
        services.handle_item(item=reported_item, by=consultant, note="again")


def test_hiding_from_an_item_needs_a_reason_and_then_tells_the_author_and_logs_it_with_the_item(
        consultant_client, consultant, reported_item, alice_post, alice):
    response = _act(consultant_client, reported_item, action="hide", reason="  ")
    assert "Please write a short reason. The author will read it." in response.content.decode()
    alice_post.refresh_from_db()
    assert alice_post.hidden_at is None
    _act(consultant_client, reported_item, action="hide", reason="It named a shop near someone's home")
    alice_post.refresh_from_db()
    assert alice_post.hidden_reason == "It named a shop near someone's home"
    row = ModerationLog.objects.get(action="hide_post")
    assert (row.subject_user, row.item_id, row.thread_id) == (alice, reported_item.pk, alice_post.thread_id)
    assert AuditEvent.objects.filter(action=AuditAction.MODERATION, subject_user=alice).count() == 1
    assert alice.notifications.filter(kind="moderation").exists()


def test_an_action_on_the_forums_thread_page_is_in_the_moderation_log_too(consultant_client, consultant,
                                                                          alice_thread):
    consultant_client.post(reverse("forum:thread_lock", args=[alice_thread.pk]), {"lock": "1"})
    row = ModerationLog.objects.get()
    assert (row.action, row.actor, row.thread_id, row.item_id) == ("lock_thread", consultant, alice_thread.pk, None)
    page = consultant_client.get(reverse("moderation:log")).content.decode()
    assert "locked a thread" in page and "A hard week" in page


def test_the_moderation_log_refuses_update_and_delete_in_the_database(consultant, alice_thread):
    forum_services.lock_thread(thread=alice_thread, moderator=consultant)
    row = ModerationLog.objects.get()
    for sql in ("UPDATE moderation_moderationlog SET reason = 'changed' WHERE id = %s",
                "DELETE FROM moderation_moderationlog WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [row.pk])
    assert ModerationLog.objects.get().reason == ""


def test_replying_from_an_item_starts_from_a_template_and_posts_in_the_thread(
        consultant_client, consultant, reported_item, alice_thread):
    template = ReplyTemplate.objects.create(owner=consultant, title="Thank you",
                                            body="Thank you for sharing this with us.")
    page = consultant_client.get(reverse("moderation:item", args=[reported_item.pk]) + f"?template={template.pk}")
    assert "Thank you for sharing this with us.</textarea>" in page.content.decode()
    response = _act(consultant_client, reported_item, action="reply", body="Thank you for sharing this with us.")
    assert response.status_code == 302
    reply = Post.objects.get(thread=alice_thread, number=2)
    assert reply.author == consultant
    assert ModerationLog.objects.filter(action="reply", item=reported_item).count() == 1
    reported_item.refresh_from_db()
    assert reported_item.state == "new", "a reply acknowledges; marking handled is its own step"


def test_an_empty_or_too_long_reply_is_refused_with_a_message_and_nothing_posted(
        consultant_client, reported_item, alice_thread):
    empty = _act(consultant_client, reported_item, action="reply", body="")
    assert "Your reply is empty" in empty.content.decode()
    long = _act(consultant_client, reported_item, action="reply", body="x" * 20_001)
    assert "Please shorten it to 20000 characters" in long.content.decode()
    assert alice_thread.posts.count() == 1


def test_a_template_of_someone_else_is_not_offered(consultant_client, reported_item):
    other = ReplyTemplate.objects.create(owner=ConsultantFactory(), title="Theirs", body="Their words")
    page = consultant_client.get(reverse("moderation:item", args=[reported_item.pk]) + f"?template={other.pk}")
    assert "Their words" not in page.content.decode()


def test_an_unknown_action_or_a_bad_board_changes_nothing(consultant_client, reported_item, alice_thread):
    _act(consultant_client, reported_item, action="explode")
    _act(consultant_client, reported_item, action="move", board="no-such-board")
    response = _act(consultant_client, reported_item, action="slow", seconds="lots")
    assert response.status_code == 302
    alice_thread.refresh_from_db()
    assert (alice_thread.slow_mode_seconds, alice_thread.board.slug) == (0, "everyday")
    assert not ModerationLog.objects.exists()


def test_slow_mode_makes_a_member_wait_between_replies_but_never_the_consultant(
        consultant, reported_item, alice_thread, bob):
    services.act_on_item(item=reported_item, by=consultant, action="slow", seconds=15 * 60)
    make_reply(thread=alice_thread, author=bob, body="First")
    with pytest.raises(forum_services.ForumError, match="slow mode"):
        make_reply(thread=alice_thread, author=bob, body="Second")
    make_reply(thread=alice_thread, author=consultant, body="One")
    make_reply(thread=alice_thread, author=consultant, body="Two")
    assert ModerationLog.objects.get(action="slow_mode").thread_id == alice_thread.pk


def test_a_paused_member_is_told_why_when_they_try_to_post(consultant, alice, alice_thread, alice_client):
    services.pause_member(member=alice, by=consultant, until=timezone.now() + timedelta(days=2),
                          reason="Let us talk first")
    response = alice_client.post(reverse("forum:reply", args=[alice_thread.pk]),
                                 {"body": "Hello again", "confirmed": "1"})
    page = response.content.decode()
    assert "paused your posting until" in page and "Let us talk first" in page
    assert alice_thread.posts.count() == 1
    assert alice.notifications.filter(kind="moderation").exists()
    assert ModerationLog.objects.get().action == "pause_posting"


@pytest.mark.parametrize("days,reason,message", [
    (15, "Too long", "A pause can last at most 14 days"),
    (2, "", "Please write a short reason"),
])
def test_a_pause_beyond_the_maximum_or_without_a_reason_is_refused(consultant_client, alice, days, reason, message):
    response = consultant_client.post(reverse("moderation:member_pause", args=[alice.pseudonym]),
                                      {"action": "pause", "days": days, "reason": reason})
    assert message in response.content.decode()
    from forum.models import PostingPause

    assert not PostingPause.objects.exists() and not ModerationLog.objects.exists()


def test_writing_privately_from_an_item_starts_a_conversation_the_member_sees(
        consultant_client, consultant, reported_item, alice, alice_client):
    url = reverse("moderation:item_write", args=[reported_item.pk])
    form = consultant_client.get(url).content.decode()
    assert "Write privately to Lighthouse" in form
    response = consultant_client.post(url, {"subject": "About your post", "body": "How are you today?",
                                            "submit_token": "6f1c4f36-9c1e-4c4e-9d59-0e0b2f3b1a11"})
    assert response.status_code == 302
    inbox = alice_client.get(reverse("messaging:inbox")).content.decode()
    assert "About your post" in inbox
    row = ModerationLog.objects.get(action="write_privately")
    assert row.subject_user == alice and "How are you" not in row.detail + row.reason
