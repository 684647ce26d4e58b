"""The consultant moderates in a real browser (on a phone-sized screen): pins, hides a post with a reason,
reads earlier versions; the author then sees the reason on their post."""

import pytest

from forum import services
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll, forum_people  # noqa: F401, F811
from tests.factories import ConsultantFactory
from tests.forum.factories import make_reply, make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_consultant_hides_a_post_with_a_reason_and_the_author_reads_it(chromium, live_server, forum_people):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice, bob, board = forum_people
    consultant = ConsultantFactory(pseudonym="Erin-consultant")
    thread = make_thread(author=alice, board=board, title="A hard week", body="It was a long week.")
    post = make_reply(thread=thread, author=bob, body="I live at Strandveien 4, come by!")
    services.edit_post(post=post, editor=bob, body="I live at Strandveien 4, come by any day!")

    context, page = _browser_for(chromium, live_server, consultant, width=360)
    page.goto(live_server.url + thread.get_absolute_url())
    _no_sideways_scroll(page, "the thread page with the moderation tools")
    _accessible(page, "the thread page with the moderation tools")
    page.get_by_role("button", name="Pin").click()
    assert page.get_by_text("The thread is pinned to the top of its board.").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "forum-moderation-thread-360.png"), full_page=True)

    page.get_by_role("link", name="Earlier version (1) of post 2").click()
    assert page.get_by_role("heading", name="Earlier versions of a post").is_visible()
    assert page.get_by_text("I live at Strandveien 4, come by!", exact=True).is_visible()
    _accessible(page, "the earlier versions page")
    page.go_back()

    page.get_by_role("link", name="Hide… post 2").click()
    assert page.get_by_text("Moderation is support, not censorship.").is_visible()
    page.get_by_role("button", name="Hide the post").click()
    assert page.get_by_text("Please write a short reason. The author will read it.").first.is_visible()
    _no_sideways_scroll(page, "the hide form with an error")
    _accessible(page, "the hide form with an error")
    page.get_by_label("Why are you hiding this post?").fill("Your street address could identify you.")
    page.get_by_role("button", name="Hide the post").click()
    assert page.get_by_role("button", name="Restore post 2").is_visible()
    assert page.problems.console_errors == [] and page.problems.failed_responses == []
    context.close()

    context, page = _browser_for(chromium, live_server, bob, width=360)
    page.goto(live_server.url + thread.get_absolute_url())
    note = page.locator(".forum-post-hidden-note")
    assert "Reason: Your street address could identify you." in note.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "forum-moderation-author-360.png"), full_page=True)
    _accessible(page, "the thread page of the author of a hidden post")
    context.close()

    context, page = _browser_for(chromium, live_server, alice, width=360)
    page.goto(live_server.url + thread.get_absolute_url())
    assert page.get_by_text("This post is hidden by the moderator.").is_visible()
    assert "Strandveien" not in page.content()
    context.close()

