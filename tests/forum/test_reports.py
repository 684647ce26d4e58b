"""Reporting a post to the consultant, and the flags "Post anyway" leaves for the consultant."""

from django.urls import reverse

from forum.models import PostFlag, PostReport
from tests.forum.factories import make_reply, make_thread


def _report_url(post):
    return reverse("forum:post_report", args=[post.pk])


def _follow_messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_member_reports_someone_elses_post_and_gets_a_thank_you(alice, bob, bob_client, board):
    post = make_thread(author=alice, board=board).posts.get()
    response = bob_client.post(_report_url(post), {"reason": "hurtful", "note": "This felt unkind."}, follow=True)
    report = PostReport.objects.get()
    assert (report.post, report.reporter, report.reason, report.note) == (post, bob, "hurtful", "This felt unkind.")
    assert report.handled_at is None
    assert "Thank you for telling us" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("forum:thread", args=[post.thread_id]))


def test_reporting_the_same_post_twice_says_kindly_it_is_already_with_the_consultant(alice, bob_client, board):
    post = make_thread(author=alice, board=board).posts.get()
    bob_client.post(_report_url(post), {"reason": "spam"})
    response = bob_client.post(_report_url(post), {"reason": "other"}, follow=True)
    assert "already reported this post" in response.content.decode()
    assert PostReport.objects.count() == 1
    again = bob_client.get(_report_url(post), follow=True)
    assert "already reported this post" in again.content.decode()


def test_a_report_without_a_reason_comes_back_with_a_clear_message_and_stores_nothing(alice, bob_client, board):
    post = make_thread(author=alice, board=board).posts.get()
    response = bob_client.post(_report_url(post), {"note": "hm"})
    page = response.content.decode()
    assert "error-summary" in page and "Please choose why you are reporting this post." in page
    assert "?:" not in page, "a label that is a question is not followed by a colon"
    assert not PostReport.objects.exists()


def test_you_cannot_report_your_own_post(alice, alice_client, board):
    post = make_thread(author=alice, board=board).posts.get()
    response = alice_client.post(_report_url(post), {"reason": "spam"}, follow=True)
    assert "This is your own post" in response.content.decode()
    assert not PostReport.objects.exists()


def test_a_deleted_post_cannot_be_reported(alice, bob_client, board):
    from forum.services import delete_own_post

    post = make_thread(author=alice, board=board).posts.get()
    delete_own_post(post=post, author=alice)
    response = bob_client.post(_report_url(post), {"reason": "spam"}, follow=True)
    assert "nothing to report" in response.content.decode()
    assert not PostReport.objects.exists()


def test_a_post_in_another_communitys_local_thread_answers_404(alice, bob_client, board):
    post = make_thread(author=alice, board=board, community=alice.community).posts.get()
    assert bob_client.get(_report_url(post)).status_code == 404
    assert bob_client.post(_report_url(post), {"reason": "spam"}).status_code == 404
    assert not PostReport.objects.exists()


def test_providers_get_404_for_the_report_page(alice, linked_provider_client, board):
    post = make_thread(author=alice, board=board).posts.get()
    assert linked_provider_client.get(_report_url(post)).status_code == 404
    assert linked_provider_client.post(_report_url(post), {"reason": "spam"}).status_code == 404
    assert not PostReport.objects.exists()


def test_the_report_page_explains_who_reads_it_and_shows_no_real_names(alice, bob_client, board):
    post = make_thread(author=alice, board=board, body="A hard week.").posts.get()
    page = bob_client.get(_report_url(post)).content.decode()
    assert "<fieldset" in page and "<legend>What worries you about this post?</legend>" in page
    assert "I am worried about the writer" in page and 'type="radio"' in page
    assert "never told who reported" in page and "113" in page
    assert "Lighthouse" in page and "A hard week." in page
    for private in ("Alice Aasen", "alice@example.test", "Bob Berg", "bob@example.test"):
        assert private not in page


def test_the_report_link_is_on_other_peoples_posts_only(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    own = make_reply(thread=thread, author=bob)
    page = bob_client.get(thread.get_absolute_url()).content.decode()
    assert _report_url(thread.posts.get(number=1)) in page
    assert _report_url(own) not in page


# --- Flags after "Post anyway" -------------------------------------------------------------------------------
def _reply(client, thread, body, **extra):
    return client.post(reverse("forum:reply", args=[thread.pk]), {"body": body, **extra})


def test_a_confirmed_crisis_post_is_flagged_once_for_the_consultant(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    token = "1" * 32
    first = _reply(bob_client, thread, "I want to die.", submit_token=token)
    assert "Post anyway" in first.content.decode()
    assert not PostFlag.objects.exists(), "nothing is flagged before the author decides"
    _reply(bob_client, thread, "I want to die.", submit_token=token, confirmed="1")
    _reply(bob_client, thread, "I want to die.", submit_token=token, confirmed="1")  # sent twice
    post = thread.posts.get(author=bob)
    assert list(PostFlag.objects.values_list("post", "kind")) == [(post.pk, "crisis")]


def test_a_confirmed_post_with_a_phone_number_is_flagged_for_privacy(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    _reply(bob_client, thread, "Text me on 912 34 567 after work", confirmed="1")
    post = thread.posts.get(author=bob)
    assert list(PostFlag.objects.values_list("post", "kind")) == [(post.pk, "privacy")]


def test_a_confirmed_new_thread_with_crisis_language_flags_its_first_post(bob, bob_client, board):
    bob_client.post(reverse("forum:thread_create", args=[board.slug]),
                    {"title": "Tonight", "body": "Jeg vil ikke leve mer", "confirmed": "1"})
    assert list(PostFlag.objects.values_list("post__author", "post__number", "kind")) == [(bob.pk, 1, "crisis")]


def test_a_post_with_nothing_found_is_not_flagged(alice, bob, bob_client, board):
    thread = make_thread(author=alice, board=board)
    _reply(bob_client, thread, "A calm day with tea.", confirmed="1")
    assert thread.posts.filter(author=bob).exists()
    assert not PostFlag.objects.exists()


# --- Statistics: counts only ----------------------------------------------------------------------------------
def test_the_writing_checks_are_counted_per_day_without_keeping_any_text(alice, bob_client, board):
    from django.db import connection

    from forum.models import WritingCheckDay

    thread = make_thread(author=alice, board=board)
    _reply(bob_client, thread, "Text me on 912 34 567 after work", submit_token="2" * 32)
    _reply(bob_client, thread, "Text me on 912 34 567 after work", submit_token="2" * 32, confirmed="1")
    _reply(bob_client, thread, "A calm day with tea.")
    day = WritingCheckDay.objects.get()
    assert (day.checked, day.privacy_found, day.crisis_found, day.posted_anyway) == (2, 1, 0, 1)
    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "forum_writingcheckday")}
    assert columns == {"id", "day", "checked", "privacy_found", "crisis_found", "posted_anyway"}
