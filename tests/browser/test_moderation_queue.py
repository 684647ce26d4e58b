"""The issue's journey in a real browser: a member reports a post, the consultant opens the queue, replies from
the item with a reply template, marks it handled, and the item leaves the queue."""

import pytest

from moderation.models import ReplyTemplate
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll, forum_people  # noqa: F401, F811
from tests.factories import ConsultantFactory
from tests.forum.factories import make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reported_post_is_answered_from_the_queue_and_leaves_it(chromium, live_server, forum_people):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice, bob, board = forum_people
    consultant = ConsultantFactory(pseudonym="Erin-consultant")
    ReplyTemplate.objects.create(owner=consultant, title="Thank you for writing",
                                 body="Thank you for writing this. It takes courage to share.")
    thread = make_thread(author=bob, board=board, title="Nobody listens", body="Some of you here are idiots.")

    context, page = _browser_for(chromium, live_server, alice, width=360)
    page.goto(live_server.url + thread.get_absolute_url())
    page.get_by_role("link", name="Report post 1").click()
    page.get_by_label("It is hurtful or unkind").check()
    page.get_by_label("Anything the consultant should know (optional)").fill("This hurt me.")
    page.get_by_role("button", name="Send the report").click()
    assert page.get_by_text("Thank you for telling us.").is_visible()
    context.close()

    context, page = _browser_for(chromium, live_server, consultant, width=360)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Queue 1 waiting").click()
    assert page.get_by_role("heading", name="Moderation queue").is_visible()
    _no_sideways_scroll(page, "the queue")
    _accessible(page, "the queue")
    page.screenshot(path=str(SCREENSHOTS / "moderation-queue-360.png"), full_page=True)
    page.get_by_role("link", name="Driftwood in “Nobody listens”").click()
    assert page.get_by_text("reported by Lighthouse").is_visible()
    assert page.get_by_text("This hurt me.").is_visible()
    page.get_by_role("button", name="Use this template").click()
    reply = page.get_by_label("Your reply in the thread")
    assert reply.input_value() == "Thank you for writing this. It takes courage to share."
    reply.fill(reply.input_value() + " I hear how alone you feel. Let us keep it kind here, for everyone.")
    _no_sideways_scroll(page, "the queue item")
    _accessible(page, "the queue item")
    page.screenshot(path=str(SCREENSHOTS / "moderation-item-360.png"), full_page=True)
    page.get_by_role("button", name="Post the reply").click()
    assert page.get_by_text("Your reply is posted in the thread.").is_visible()
    page.get_by_label("A note for the log (optional)").fill("Replied kindly; will look in again tomorrow.")
    page.get_by_role("button", name="Mark as handled").click()
    assert page.get_by_text("Marked as handled. Thank you.").is_visible()
    assert page.get_by_text("Nothing here. Every post has been seen.").is_visible()
    assert page.locator("#queue-badge").count() == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Moderation log").click()
    assert page.get_by_text("marked an item handled").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "moderation-log-1280.png"), full_page=True)
    assert page.problems.console_errors == [] and page.problems.failed_responses == []
    context.close()

    assert thread.posts.filter(author=consultant, body__contains="It takes courage").exists()
