"""Following threads, notifications about replies, unread markers and views."""

from datetime import date

from django.urls import reverse

from forum import services
from forum.models import Thread, ThreadView
from reconnect.models import Notification
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_thread


def test_a_reply_notifies_the_other_followers_but_not_its_author(alice, bob, consultant, board):
    thread = make_thread(author=alice, board=board, title="Sleep trouble")
    make_reply(thread=thread, author=consultant, body="Thank you for writing")  # the consultant follows now
    Notification.objects.all().delete()

    reply = make_reply(thread=thread, author=bob, body="Same here, it helps to walk")

    recipients = set(Notification.objects.filter(kind="forum_reply").values_list("recipient__pseudonym", flat=True))
    assert recipients == {alice.pseudonym, consultant.pseudonym}
    notification = Notification.objects.get(recipient=alice)
    assert notification.link == reverse("forum:post", args=[reply.pk])
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_a_reply_notification_holds_no_post_text_no_title_and_no_pseudonym(alice, bob, board):
    thread = make_thread(author=alice, board=board, title="Sleep trouble")
    make_reply(thread=thread, author=bob, body="Same here, it helps to walk")
    text = Notification.objects.get(recipient=alice).text
    assert text == "New reply in a thread you follow"
    for secret in ("Sleep", "walk", bob.pseudonym, bob.real_name, bob.email):
        assert secret not in text


def test_the_notification_is_written_in_the_recipients_language(alice, bob, board):
    alice.preferred_language = "nb"
    alice.save()
    thread = make_thread(author=alice, board=board)
    make_reply(thread=thread, author=bob)
    assert Notification.objects.get(recipient=alice).kind == "forum_reply"


def test_the_notification_link_opens_the_reply_on_its_page(alice, bob, alice_client, board):
    thread = make_thread(author=alice, board=board)
    for n in range(21):
        reply = make_reply(thread=thread, author=bob, body=f"reply {n}")
    response = alice_client.get(reverse("forum:post", args=[reply.pk]))
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-22"


def test_unfollowing_stops_notifications(alice, bob, alice_client, board):
    thread = make_thread(author=alice, board=board)
    alice_client.post(reverse("forum:follow", args=[thread.pk]), {"follow": "0"})
    make_reply(thread=thread, author=bob)
    assert not Notification.objects.filter(recipient=alice).exists()
    page = alice_client.get(thread.get_absolute_url()).content.decode()
    assert "Follow this thread" in page


def test_following_by_button_brings_notifications(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    bob_client.post(reverse("forum:follow", args=[thread.pk]), {"follow": "1"})
    make_reply(thread=thread, author=alice)
    assert Notification.objects.filter(recipient=bob, kind="forum_reply").count() == 1


def test_someone_who_moved_away_is_not_told_about_a_local_thread(alice, bob, board, north):
    neighbour = UserFactory(community=north)
    thread = make_thread(author=alice, board=board, community=north)
    services.subscribe(user=neighbour, thread=thread)
    neighbour.community = bob.community
    neighbour.save()
    make_reply(thread=thread, author=alice)
    assert not Notification.objects.filter(recipient=neighbour).exists()


def test_unread_markers_show_new_threads_and_new_replies_until_read(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board, title="Morning routines")
    board_url = reverse("forum:board", args=[board.slug])

    assert ">New<" in bob_client.get(board_url).content.decode()
    bob_client.get(thread.get_absolute_url())
    page = bob_client.get(board_url).content.decode()
    assert ">New<" not in page and "New replies" not in page

    make_reply(thread=thread, author=alice, body="An update")
    page = bob_client.get(board_url).content.decode()
    assert "New replies" in page
    thread_page = bob_client.get(thread.get_absolute_url()).content.decode()
    assert "Jump to the first unread post" in thread_page and 'href="#post-2"' in thread_page
    assert "New replies" not in bob_client.get(board_url).content.decode()


def test_the_first_unread_link_goes_to_the_right_page(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    bob_client.get(thread.get_absolute_url())
    for n in range(25):
        make_reply(thread=thread, author=alice, body=f"more {n}")
    response = bob_client.get(reverse("forum:thread_unread", args=[thread.pk]))
    assert response["Location"] == f"{thread.get_absolute_url()}#post-2"
    # Having read page 1 (posts 1-20), the first unread post is 21, on page 2.
    bob_client.get(thread.get_absolute_url())
    response = bob_client.get(reverse("forum:thread_unread", args=[thread.pk]))
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-21"


def test_your_own_new_thread_and_reply_are_not_unread_for_you(alice, bob, alice_client, board):
    thread = make_thread(author=alice, board=board)
    page = alice_client.get(reverse("forum:board", args=[board.slug])).content.decode()
    assert ">New<" not in page
    make_reply(thread=thread, author=bob)
    assert "New replies" in alice_client.get(reverse("forum:board", args=[board.slug])).content.decode()
    alice_client.get(thread.get_absolute_url())
    make_reply(thread=thread, author=alice)
    assert "New replies" not in alice_client.get(reverse("forum:board", args=[board.slug])).content.decode()


def test_a_view_counts_once_per_person_per_day(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    for _ in range(3):
        bob_client.get(thread.get_absolute_url())
    assert Thread.objects.get(pk=thread.pk).view_count == 1

    assert services.record_thread_view(user=bob, thread=thread, day=date(2030, 1, 2)) is True
    assert services.record_thread_view(user=bob, thread=thread, day=date(2030, 1, 2)) is False
    assert services.record_thread_view(user=alice, thread=thread, day=date(2030, 1, 2)) is True
    assert Thread.objects.get(pk=thread.pk).view_count == 3
    assert ThreadView.objects.filter(thread=thread).count() == 3
