"""In a real browser: a member writes a few words about herself (the count keeps up as she types), the privacy
check asks before an e-mail address goes on her profile, she chooses to show her community, and another member
opens her profile from her pseudonym on a thread page. On a 360 px phone, too."""

import pytest

from forum.models import MemberProfile
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll, forum_people  # noqa: F401
from tests.forum.factories import make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_a_member_edits_her_profile_and_another_opens_it_from_a_thread(
    chromium, live_server, forum_people, width,  # noqa: F811 (forum_people is the imported fixture)
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice, bob, board = forum_people
    thread = make_thread(author=alice, board=board, title="Grey days", body="An open window helps me.")
    context, page = _browser_for(chromium, live_server, alice, width=width)
    try:
        page.goto(f"{live_server.url}/forum/")
        page.get_by_role("link", name="Edit my profile").click()
        page.wait_for_url("**/forum/profile/")
        page.locator("#id_about_me").fill("I like the sea. Write to me at sea.lover@example.org")
        assert page.locator("#id_about_me_count").inner_text() == "52 of 500 characters used."
        page.get_by_label("Show my community on my profile").check()
        page.get_by_role("button", name="Save my profile").click()
        page.get_by_role("heading", name="Check before you post: details that could identify someone").wait_for()
        assert not MemberProfile.objects.filter(user=alice).exists()
        _no_sideways_scroll(page, f"the profile form with the privacy check at {width} px")
        _accessible(page, "the profile form with the privacy check")
        page.screenshot(path=str(SCREENSHOTS / f"forum-profile-edit-{width}.png"), full_page=True)

        # She takes the address out, and the live count follows.
        page.locator("#id_about_me").fill("I like the sea.")
        assert page.locator("#id_about_me_count").inner_text() == "15 of 500 characters used."
        page.get_by_role("button", name="Save anyway").click()
        page.wait_for_url("**/forum/members/Lighthouse/")
        assert MemberProfile.objects.get(user=alice).about_me == "I like the sea."
        assert not page.problems.console_errors, page.problems.console_errors
    finally:
        context.close()

    context, page = _browser_for(chromium, live_server, bob, width=width)
    try:
        page.goto(f"{live_server.url}{thread.get_absolute_url()}")
        page.locator("#post-1 a.forum-author", has_text="Lighthouse").click()
        page.wait_for_url("**/forum/members/Lighthouse/")
        assert page.get_by_role("heading", level=1).inner_text() == "Lighthouse"
        text = page.locator("main").inner_text()
        assert "I like the sea." in text and "Nordby" in text and "Grey days" in text
        assert "Alice Aasen" not in text and "alice@example.test" not in text
        _no_sideways_scroll(page, f"a member's profile at {width} px")
        _accessible(page, "a member's profile")
        page.screenshot(path=str(SCREENSHOTS / f"forum-profile-{width}.png"), full_page=True)
    finally:
        context.close()
