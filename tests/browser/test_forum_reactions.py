"""In a real browser: a member reacts to a post (htmx swaps just the reaction block), sees who reacted, and
quotes the post into a reply. On a 360 px phone, too."""

import re

import pytest
from django.conf import settings as django_settings

from forum import services
from forum.models import Reaction
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.conftest import signed_in_client
from tests.factories import CommunityFactory, UserFactory
from tests.forum.factories import BoardFactory, make_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def forum_people(live_server):
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    south = CommunityFactory(name="Sørvik", municipality="Sørvik kommune", slug="sorvik")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    bob = UserFactory(email="bob@example.test", pseudonym="Driftwood", real_name="Bob Berg", community=south)
    return alice, bob, BoardFactory(slug="everyday", name_nb="Hverdagen", name_en="Everyday life")


@pytest.mark.parametrize("width", [1280, 360])
def test_a_member_reacts_in_place_sees_who_reacted_and_quotes_the_post(chromium, live_server, forum_people, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice, bob, board = forum_people
    thread = make_thread(author=alice, board=board, title="Grey days", body="An open window helps me.")
    post = thread.posts.get()
    context, page = _browser_for(chromium, live_server, bob, width=width)
    try:
        page.goto(f"{live_server.url}{thread.get_absolute_url()}")
        block = page.locator(f"#reactions-{post.pk}")
        hug = block.locator("button", has_text="Hug")
        assert hug.get_attribute("aria-pressed") == "false"
        box = hug.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, "a touch target of at least 44 px"

        hug.click()
        # htmx swapped the block: the button is pressed and counted, and the page did not reload.
        page.locator(f"#react-{post.pk}-hug[aria-pressed='true']").wait_for()
        assert re.fullmatch(r"Hug\s*1", page.locator(f"#react-{post.pk}-hug").inner_text().strip())
        assert page.evaluate("document.activeElement && document.activeElement.id") == f"react-{post.pk}-hug", \
            "focus stays on the button that was pressed"
        assert Reaction.objects.filter(post=post, user=bob, kind="hug").count() == 1

        page.locator(f"#reactions-{post.pk} summary", has_text="Who reacted").click()
        assert "Driftwood" in page.locator(f"#reactions-{post.pk} dd").first.inner_text()
        _no_sideways_scroll(page, f"the thread page at {width} px")
        _accessible(page, "the thread page with reactions")
        page.screenshot(path=str(SCREENSHOTS / f"forum-reactions-{width}.png"), full_page=True)

        # Taking it back, also in place.
        page.locator(f"#react-{post.pk}-hug").click()
        page.locator(f"#react-{post.pk}-hug[aria-pressed='false']").wait_for()
        assert not Reaction.objects.filter(post=post, user=bob).exists()

        # Quote the post: the reply form starts with it as a blockquote.
        page.locator(f"#post-{post.number} a", has_text="Quote").click()
        page.wait_for_url(re.compile(r"/reply/\?quote=\d+$"))
        assert page.locator("#id_body").input_value() == "**Lighthouse wrote:**\n> An open window helps me.\n\n"
        assert not page.problems.console_errors, page.problems.console_errors
    finally:
        context.close()


def test_without_javascript_the_reaction_buttons_still_work(chromium, live_server, forum_people):
    alice, bob, board = forum_people
    thread = make_thread(author=alice, board=board, title="Grey days", body="An open window helps me.")
    post = thread.posts.get()
    services.toggle_reaction(post=post, user=bob, kind="thanks", on=True)
    client = signed_in_client(bob)
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800}, locale="en-GB")
    try:
        context.add_cookies([{
            "name": django_settings.SESSION_COOKIE_NAME,
            "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value, "url": live_server.url,
        }])
        page = context.new_page()
        page.goto(f"{live_server.url}{thread.get_absolute_url()}")
        with page.expect_navigation():
            page.locator(f"#react-{post.pk}-me_too").click()
        assert page.locator(f"#react-{post.pk}-me_too").get_attribute("aria-pressed") == "true"
        assert page.locator(f"#react-{post.pk}-thanks").get_attribute("aria-pressed") == "true"
        assert sorted(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == ["me_too", "thanks"]
    finally:
        context.close()
