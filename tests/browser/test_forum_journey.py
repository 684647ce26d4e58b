"""The forum's journey from the issue, in two real browsers: a member writes a post with a phone number in it,
is shown what the privacy check found and why, edits it out and posts; another member reacts and replies; the
first member follows the notification and sees the reply and the reaction."""

import re

import pytest

from forum.models import Post, PostFlag, WritingCheckDay
from tests.browser import test_forum
from tests.browser.test_forum import _browser_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Lighthouse (north), Driftwood (south) and the "Everyday life" board, as in the first forum browser test.
forum_people = test_forum.forum_people


def test_a_member_removes_a_phone_number_the_privacy_check_found_then_another_reacts_and_replies(
    chromium, live_server, forum_people
):
    alice, bob, _board = forum_people
    alice_context, page = _browser_for(chromium, live_server, alice)
    bob_context, other = _browser_for(chromium, live_server, bob)
    try:
        # Lighthouse starts a thread and, without thinking, adds her phone number.
        page.goto(f"{live_server.url}/forum/boards/everyday/new/")
        page.locator("#id_title").fill("Walking to the café together?")
        page.locator("#id_body").fill("I get nervous going in alone. Text me on 912 34 567 and we can meet outside.")
        page.locator("button", has_text="Post the thread").click()

        # The post waits: she sees what was found, and why it matters.
        check = page.locator(".writing-check-privacy")
        check.wait_for()
        assert check.locator("h2").inner_text() == "Check before you post: details that could identify someone"
        finding = check.locator(".writing-check-finding")
        assert finding.count() == 1
        assert finding.locator(".writing-check-what").inner_text() == "Phone number: 912 34 567"
        assert "anyone who reads the forum could call or text" in finding.locator(".writing-check-why").inner_text()
        assert page.locator("#id_body").input_value().endswith("Text me on 912 34 567 and we can meet outside.")
        assert not Post.objects.exists(), "nothing is posted while she decides"

        # She chooses to edit: the link takes her to her text, she takes the number out and posts.
        page.locator("a", has_text="Edit my post").click()
        assert page.evaluate("document.activeElement.id") == "id_body"
        page.locator("#id_body").fill("I get nervous going in alone. Would anyone like to meet outside first?")
        page.locator("button", has_text="Check again and post").click()
        page.wait_for_url(re.compile(r"/forum/threads/\d+/$"))
        thread_url = page.url
        assert page.locator("h1").inner_text() == "Walking to the café together?"
        assert page.locator("#post-1 .forum-post-body").inner_text() == (
            "I get nervous going in alone. Would anyone like to meet outside first?"
        )
        assert "912 34 567" not in page.content(), "the number she removed is nowhere on the page"
        post = Post.objects.get()
        assert "912" not in post.body and not PostFlag.objects.exists(), "an edited post is not flagged"
        day = WritingCheckDay.objects.get()
        assert (day.checked, day.privacy_found, day.posted_anyway) == (2, 1, 0)

        # Driftwood, in his own browser, gives a "Me too" and replies.
        other.goto(thread_url)
        other.locator(f"#react-{post.pk}-me_too").click()
        other.locator(f"#react-{post.pk}-me_too[aria-pressed='true']").wait_for()
        other.locator("#id_body").fill("Me too. I will be outside ten minutes before, in a green coat.")
        other.locator("button", has_text="Post the reply").click()
        other.wait_for_url(re.compile(r"/forum/threads/\d+/#post-2$"))
        assert other.locator("#post-2 .forum-post-body").inner_text().startswith("Me too. I will be outside")

        # Lighthouse sees the bell, follows the notification to the reply, and sees the "Me too" on her post.
        page.goto(f"{live_server.url}/")
        assert page.locator("#notification-bell .badge").inner_text().startswith("1")
        page.goto(f"{live_server.url}/notifications/")
        page.locator(".notification-list a", has_text="New reply in a thread you follow").click()
        page.wait_for_url(re.compile(r"/forum/threads/\d+/#post-2$"))
        reply = page.locator("#post-2")
        assert reply.locator(".forum-author").inner_text() == "Driftwood"
        assert reply.locator(".forum-post-body").inner_text() == (
            "Me too. I will be outside ten minutes before, in a green coat."
        )
        assert reply.locator(".badge-new").inner_text().strip() == "New"
        tally = page.locator("#post-1 .forum-reaction-tally")
        assert tally.count() == 1
        assert re.fullmatch(r"Me too\s+1", tally.inner_text().strip())
        page.locator("#post-1 summary", has_text="Who reacted").click()
        assert page.locator("#post-1 .forum-reactions-who dd").inner_text() == "Driftwood"

        # Each sees the other only by pseudonym.
        for person, peer_secrets in ((page, ("Bob Berg", "bob@example.test")),
                                     (other, ("Alice Aasen", "alice@example.test"))):
            assert not person.problems.console_errors, person.problems.console_errors
            assert not person.problems.failed_responses, person.problems.failed_responses
            assert not [secret for secret in peer_secrets if secret in person.content()]
    finally:
        alice_context.close()
        bob_context.close()
