"""The workspace's pages as the consultant, an admin and a member see them."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum import services as forum_services
from forum.models import Thread
from moderation import services
from moderation.models import MemberNote, ModerationLog, OnDutyHours, QueueItem, ReplyTemplate
from tests.moderation.queue_fixtures import *  # noqa: F401,F403
from tests.moderation.queue_fixtures import make_thread


def test_the_queue_shows_crisis_first_with_the_reporter_for_the_consultant_only(
        consultant_client, alice, bob, board, alice_post):
    forum_services.report_post(post=alice_post, reporter=bob, reason="hurtful", note="Please look")
    later = make_thread(author=bob, board=board, title="Cannot go on", body="Everything is dark")
    forum_services.flag_post(post=later.posts.get(), kind="crisis")
    page = consultant_client.get(reverse("moderation:queue")).content.decode()
    assert page.index("Cannot go on") < page.index("A hard week"), "crisis language comes first"
    item = QueueItem.objects.get(post=alice_post)
    detail = consultant_client.get(reverse("moderation:item", args=[item.pk])).content.decode()
    assert "reported by Driftwood" in detail and "Please look" in detail
    crisis = consultant_client.get(reverse("moderation:item", args=[QueueItem.objects.get(kind="crisis").pk]))
    text = crisis.content.decode()
    assert "113" in text and "116 117" in text and "Write privately to Driftwood" in text


def test_the_queue_filters_by_kind_community_state_and_age(consultant_client, alice, bob, board, north, alice_post):
    forum_services.flag_post(post=alice_post, kind="privacy")
    south_thread = make_thread(author=bob, board=board, title="Bobs thread")
    forum_services.flag_post(post=south_thread.posts.get(), kind="crisis")
    url = reverse("moderation:queue")
    by_kind = consultant_client.get(url, {"kind": "privacy"}).content.decode()
    assert "A hard week" in by_kind and "Bobs thread" not in by_kind
    by_community = consultant_client.get(url, {"community": north.pk}).content.decode()
    assert "A hard week" in by_community and "Bobs thread" not in by_community
    assert "Bobs thread" not in consultant_client.get(url, {"age": 12}).content.decode()
    assert "Nothing here" in consultant_client.get(url, {"state": "done"}).content.decode()
    nonsense = consultant_client.get(url, {"kind": "zzz", "community": "x", "age": "-1", "page": "999"})
    assert nonsense.status_code == 200 and "Bobs thread" in nonsense.content.decode()


def test_the_navigation_counts_open_items_for_the_consultant_and_admins_only(
        consultant_client, admin_client, alice_client, alice_post, bob):
    forum_services.report_post(post=alice_post, reporter=bob, reason="spam")
    for client in (consultant_client, admin_client):
        assert 'id="queue-badge">1<' in client.get(reverse("home")).content.decode()
    assert "queue-badge" not in alice_client.get(reverse("home")).content.decode()


def test_an_admin_reads_the_item_and_may_mark_it_handled_but_not_act_in_the_forum(
        admin_client, admin_user, alice_post, bob):
    forum_services.report_post(post=alice_post, reporter=bob, reason="spam")
    item = QueueItem.objects.get()
    page = admin_client.get(reverse("moderation:item", args=[item.pk])).content.decode()
    assert "Mark as handled" in page and "Hide the post" not in page
    admin_client.post(reverse("moderation:item_act", args=[item.pk]), {"action": "hide", "reason": "x"})
    alice_post.refresh_from_db()
    assert alice_post.hidden_at is None
    admin_client.post(reverse("moderation:item_act", args=[item.pk]), {"action": "handle"})
    item.refresh_from_db()
    assert item.done_by == admin_user


def test_taking_an_item_shows_who_is_handling_it(consultant_client, consultant, alice_post, bob):
    forum_services.report_post(post=alice_post, reporter=bob, reason="spam")
    item = QueueItem.objects.get()
    consultant_client.post(reverse("moderation:item_act", args=[item.pk]), {"action": "take"})
    assert "Being handled by Erin-consultant" in consultant_client.get(reverse("moderation:queue")).content.decode()


def test_a_member_sees_what_was_done_to_their_posts_and_why_but_never_who_reported(
        alice_client, bob_client, consultant, alice_post, bob):
    forum_services.report_post(post=alice_post, reporter=bob, reason="hurtful")
    forum_services.hide_post(post=alice_post, moderator=consultant, reason="It could identify a neighbour")
    page = alice_client.get(reverse("moderation:my_history")).content.decode()
    assert "hid a post" in page and "It could identify a neighbour" in page
    assert "Driftwood" not in page and "Erin-consultant" not in page
    assert "It could identify" not in bob_client.get(reverse("moderation:my_history")).content.decode()


def test_notes_about_a_member_are_kept_for_consultants_and_admins(consultant_client, admin_client, alice):
    url = reverse("moderation:member_note", args=[alice.pseudonym])
    assert "Please write the note" in consultant_client.post(url, {"text": "   "}).content.decode()
    assert "is 1001 characters long" in consultant_client.post(url, {"text": "x" * 1001}).content.decode()
    consultant_client.post(url, {"text": "Likes the café corner; nervous about travel"})
    assert MemberNote.objects.get().text == "Likes the café corner; nervous about travel"
    page = admin_client.get(reverse("moderation:member", args=[alice.pseudonym.lower()])).content.decode()
    assert "nervous about travel" in page
    assert "nervous about travel" not in ModerationLog.objects.get().reason


def test_reply_templates_are_each_consultants_own(consultant_client, consultant):
    url = reverse("moderation:templates")
    assert "Please give the template a short name" in consultant_client.post(url, {"body": "x"}).content.decode()
    consultant_client.post(url, {"title": "Welcome", "body": "Welcome to the forum, and thank you for writing."})
    template = ReplyTemplate.objects.get()
    assert template.owner == consultant
    consultant_client.post(reverse("moderation:template_edit", args=[template.pk]),
                           {"title": "Welcome", "body": "Welcome! Thank you for writing."})
    template.refresh_from_db()
    assert template.body == "Welcome! Thank you for writing."
    consultant_client.post(reverse("moderation:template_delete", args=[template.pk]))
    assert not ReplyTemplate.objects.exists()


def test_outside_the_on_duty_hours_the_forum_says_replies_may_take_longer(consultant_client, alice_client):
    now = timezone.localtime()
    off_day = (now.weekday() + 3) % 7
    data = {f"starts_{off_day}": "09:00", f"ends_{off_day}": "15:00"}
    consultant_client.post(reverse("moderation:duty"), data)
    assert OnDutyHours.objects.get().weekday == off_day
    page = alice_client.get(reverse("forum:index")).content.decode()
    assert "off duty just now" in page
    consultant_client.post(reverse("moderation:duty"), {})
    assert "off duty just now" not in alice_client.get(reverse("forum:index")).content.decode()


def test_on_duty_hours_with_the_end_before_the_start_are_refused(consultant_client):
    response = consultant_client.post(reverse("moderation:duty"), {"starts_0": "15:00", "ends_0": "09:00"})
    assert "with the end after the start" in response.content.decode()
    assert not OnDutyHours.objects.exists()


def test_an_announcement_is_a_pinned_thread_on_a_board_for_one_community(consultant_client, board, north, alice_client,
                                                                          bob_client):
    consultant_client.post(reverse("moderation:announce"), {
        "board": board.slug, "community": north.pk, "title": "Café on Thursday", "body": "Welcome, all of you."})
    thread = Thread.objects.get(title="Café on Thursday")
    assert thread.is_pinned and thread.community == north
    assert "Café on Thursday" in alice_client.get(reverse("forum:board", args=[board.slug])).content.decode()
    assert "Café on Thursday" not in bob_client.get(reverse("forum:board", args=[board.slug])).content.decode()
    assert ModerationLog.objects.filter(action="announce").count() == 1


def test_a_member_page_for_an_unknown_pseudonym_or_a_provider_is_404(consultant_client, linked_provider):
    assert consultant_client.get(reverse("moderation:member", args=["nobody-here"])).status_code == 404
    assert consultant_client.get(reverse("moderation:member", args=[linked_provider.pseudonym])).status_code == 404


def test_ending_a_pause_lets_the_member_post_again(consultant_client, consultant, alice, alice_thread):
    services.pause_member(member=alice, by=consultant, until=timezone.now() + timedelta(days=1), reason="A break")
    consultant_client.post(reverse("moderation:member_pause", args=[alice.pseudonym]), {"action": "end"})
    forum_services.post_reply(thread=alice_thread, author=alice, body="I am back")
    assert list(ModerationLog.objects.order_by("id").values_list("action", flat=True)) == ["pause_posting",
                                                                                          "end_pause"]


@pytest.mark.parametrize("value", [time(9)])
def test_duty_helpers_treat_no_hours_as_always_on_duty(value):
    from moderation.duty import is_on_duty

    assert is_on_duty(hours={}) is True
    assert is_on_duty(timezone.now(), hours={d: (value, time(9, 1)) for d in range(7)}) in (True, False)
