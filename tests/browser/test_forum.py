"""Two people in two browsers: one starts a thread, the other replies, the first sees the reply as new."""

import re

import pytest
from django.conf import settings as django_settings

from tests.browser.conftest import PageProblems
from tests.browser.test_first_sign_in import _serious_violations
from tests.conftest import signed_in_client
from tests.factories import CommunityFactory, UserFactory
from tests.forum.factories import BoardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _browser_for(chromium, live_server, user, *, width=1280):
    """A browser context already signed in as `user` (password and second factor are covered elsewhere)."""
    client = signed_in_client(user)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = PageProblems(page)
    return context, page


def _no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than the screen"


def _accessible(page, what):
    violations = _serious_violations(page)
    assert not violations, f"axe-core found serious or critical problems on {what}:\n" + "\n".join(violations)


@pytest.fixture
def forum_people(live_server):
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    south = CommunityFactory(name="Sørvik", municipality="Sørvik kommune", slug="sorvik")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    bob = UserFactory(email="bob@example.test", pseudonym="Driftwood", real_name="Bob Berg", community=south)
    board = BoardFactory(slug="everyday", name_nb="Hverdagen", name_en="Everyday life",
                         description_en="Small and big things from our days.")
    BoardFactory(slug="recovery", name_nb="Bedringshistorier", name_en="Recovery stories",
                 description_en="What has helped you? Share what you like.")
    return alice, bob, board


def test_a_thread_started_in_one_browser_gets_a_reply_from_another_and_shows_as_new(
    chromium, live_server, forum_people
):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice, bob, board = forum_people
    alice_context, page = _browser_for(chromium, live_server, alice)
    bob_context, other = _browser_for(chromium, live_server, bob)
    try:
        # Alice opens the forum from the menu and starts a thread.
        page.goto(f"{live_server.url}/")
        page.locator(".main-nav a", has_text="Forum").click()
        page.wait_for_url(re.compile(r"/forum/$"))
        assert page.locator("h2", has_text="Everyday life").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "forum-01-boards-1280.png"), full_page=True)
        _accessible(page, "the board list")

        page.locator("a", has_text="Everyday life").click()
        page.locator("a", has_text="Start a thread").click()
        page.locator("#id_title").fill("Small things that help on a grey day")
        page.locator("#id_body").fill("A proper **breakfast** and an open window.\n\n- music\n- a short walk")
        # Preview through HTMX: the rendered text appears without leaving the page.
        page.locator("button[name='preview']").click()
        page.locator("#forum-preview strong", has_text="breakfast").wait_for()
        assert re.search(r"/boards/everyday/new/$", page.url)
        page.screenshot(path=str(SCREENSHOTS / "forum-02-new-thread-preview-1280.png"), full_page=True)
        _accessible(page, "the new thread form")
        page.locator("button", has_text="Post the thread").click()
        page.wait_for_url(re.compile(r"/forum/threads/\d+/$"))
        thread_url = page.url
        assert page.locator("h1").inner_text() == "Small things that help on a grey day"
        assert page.locator(".forum-post-body strong").inner_text() == "breakfast"
        assert page.locator("button", has_text="Stop following").count() == 1, "the author follows their thread"

        # Bob, in his own browser, sees the new thread and replies.
        other.goto(f"{live_server.url}/forum/boards/everyday/")
        row = other.locator(".forum-thread", has_text="Small things that help")
        assert row.locator(".badge-new").inner_text().strip() == "New"
        row.locator("a", has_text="Small things that help").click()
        other.locator("#id_body").fill("For me it is one song, loud. Then I can start the day.")
        other.locator("button", has_text="Post the reply").click()
        other.wait_for_url(re.compile(r"/forum/threads/\d+/#post-2$"))
        assert other.locator("#post-2 .forum-post-body").inner_text().startswith("For me it is one song")
        other.set_viewport_size({"width": 360, "height": 900})
        other.screenshot(path=str(SCREENSHOTS / "forum-03-thread-reply-360.png"), full_page=True)
        _no_sideways_scroll(other, "the thread page at 360 px")

        # Alice sees the reply as new: in the board list, on the bell, and on the post itself.
        page.goto(f"{live_server.url}/forum/boards/everyday/")
        assert page.locator(".forum-thread .badge-new").inner_text().strip() == "New replies"
        assert page.locator("#notification-bell .badge").inner_text().startswith("1")
        page.screenshot(path=str(SCREENSHOTS / "forum-04-board-unread-1280.png"), full_page=True)
        _accessible(page, "a board's thread list")
        page.goto(f"{live_server.url}/notifications/")
        notification = page.locator(".notification-list a", has_text="New reply in a thread you follow")
        assert "Driftwood" not in notification.inner_text()
        notification.click()
        page.wait_for_url(re.compile(r"/forum/threads/\d+/#post-2$"))
        assert page.url.startswith(thread_url)
        assert page.locator("#post-2 .badge-new").count() == 1
        assert page.locator("#post-2 .forum-author").inner_text() == "Driftwood"
        page.screenshot(path=str(SCREENSHOTS / "forum-05-thread-new-reply-1280.png"), full_page=True)
        _accessible(page, "the thread page")
        page.set_viewport_size({"width": 360, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / "forum-06-thread-360.png"), full_page=True)
        _no_sideways_scroll(page, "the thread page at 360 px")
        page.goto(f"{live_server.url}/forum/boards/everyday/")
        page.screenshot(path=str(SCREENSHOTS / "forum-07-board-360.png"), full_page=True)
        _no_sideways_scroll(page, "the board page at 360 px")
        assert page.locator(".forum-thread .badge-new").count() == 0, "read now"

        for person in (page, other):
            assert not person.problems.console_errors, person.problems.console_errors
            assert not person.problems.failed_responses, person.problems.failed_responses
        for text in ("Alice Aasen", "alice@example.test", "Bob Berg", "bob@example.test"):
            assert text not in other.content() or text.startswith("Bob") or text.startswith("bob")
            assert text not in page.content() or text.startswith("Alice") or text.startswith("alice")
    finally:
        alice_context.close()
        bob_context.close()
