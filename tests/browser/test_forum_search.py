"""A member searches the forum from the box on the forum's front page, at desktop and phone widths."""

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser import test_forum
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.forum.factories import make_reply, make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The same two communities, two people and boards as the forum's other browser test.
forum_people = test_forum.forum_people


@pytest.mark.parametrize("width", [1280, 360])
def test_a_member_finds_a_reply_by_a_word_in_it_from_the_forum_front_page(
    chromium, live_server, forum_people, width
):
    alice, bob, board = forum_people
    thread = make_thread(author=bob, board=board, title="Walks by the sea",
                         body="Jeg går på tur hver dag, **uansett** vær.")
    make_reply(thread=thread, author=alice, body="I like walking there too. <script>alert(1)</script>")
    context, page = _browser_for(chromium, live_server, alice, width=width)
    try:
        page.goto(live_server.url + "/forum/")
        page.get_by_label("Search the forum").fill("turene")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/forum/search/?q=turene")
        result = page.locator(".forum-result")
        assert result.count() == 1
        assert result.locator("mark").first.inner_text() == "tur"
        assert "uansett" in result.locator(".forum-result-snippet").inner_text()
        _no_sideways_scroll(page, f"the search results at {width}px")
        _accessible(page, "the search results")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"forum-search-{width}.png"), full_page=True)

        page.get_by_label("Search the forum").fill("walks")
        page.get_by_role("button", name="Search").click()
        titles = page.locator(".forum-result-title").all_inner_texts()
        assert titles == ["Walks by the sea", "Walks by the sea"], "the title match first, then the reply"
        page.get_by_role("link", name="Walks by the sea").last.click()
        page.wait_for_url(f"**/forum/threads/{thread.pk}/#post-2")

        page.goto(live_server.url + "/forum/search/?q=bicycle")
        assert "Nothing found for “bicycle”" in page.content()
        _accessible(page, "the page with no results")
        page.screenshot(path=str(SCREENSHOTS / f"forum-search-none-{width}.png"), full_page=True)
        assert not page.problems.console_errors, page.problems.console_errors
    finally:
        context.close()
