"""A circle in two browsers: bob makes one and invites alice, alice joins from her invitations and writes."""

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CommunityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_bob_makes_a_circle_invites_alice_and_she_joins_and_writes(chromium, live_server):
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    south = CommunityFactory(name="Sørvik", municipality="Sørvik kommune", slug="sorvik")
    alice = UserFactory(pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    bob = UserFactory(pseudonym="Driftwood", real_name="Bob Berg", community=south)

    bob_context, bob_page = _browser_for(chromium, live_server, bob)
    bob_page.goto(f"{live_server.url}/forum/")
    bob_page.get_by_role("link", name="My circles").click()
    bob_page.get_by_role("link", name="Make a circle").click()
    assert "A circle is a closed group" in bob_page.content()
    _accessible(bob_page, "the new circle form")
    bob_page.get_by_label("Name of the circle").fill("Tuesday walkers")
    bob_page.get_by_label("What the circle is for (optional)").fill("We met at the café.")
    bob_page.get_by_role("button", name="Make the circle").click()
    bob_page.get_by_label("Pseudonym of the person to invite").fill("lighthouse")
    bob_page.get_by_role("button", name="Send the invitation").click()
    assert "Lighthouse is invited" in bob_page.content()
    _accessible(bob_page, "the circle page")
    _screenshot(bob_page, "circle-page-wide")

    alice_context, alice_page = _browser_for(chromium, live_server, alice, width=360)
    alice_page.goto(f"{live_server.url}/forum/")
    assert "1 invitation waiting" in alice_page.content()
    alice_page.get_by_role("link", name="My circles").click()
    _accessible(alice_page, "the circles list with an invitation")
    _no_sideways_scroll(alice_page, "the circles list at 360 px")
    _screenshot(alice_page, "circles-invitation-360")
    alice_page.get_by_role("button", name="Join the circle").click()
    assert "Welcome to the circle" in alice_page.content()
    _no_sideways_scroll(alice_page, "the circle page at 360 px")
    _screenshot(alice_page, "circle-page-360")
    alice_page.get_by_role("link", name="Start a thread in this circle").click()
    assert "Only for members of my community" not in alice_page.content()
    alice_page.get_by_label("Title").fill("Walk on Tuesday?")
    alice_page.get_by_label("Your text").fill("Shall we take the river path this time?")
    alice_page.get_by_role("button", name="Post the thread").click()
    crumbs = alice_page.locator("nav.breadcrumbs").inner_text()
    assert "Circles" in crumbs and "Tuesday walkers" in crumbs
    _accessible(alice_page, "a thread in a circle")

    bob_page.goto(f"{live_server.url}/forum/circles/")
    assert "New posts" in bob_page.content()
    bob_page.get_by_role("link", name="Tuesday walkers").click()
    bob_page.get_by_role("link", name="Walk on Tuesday?").click()
    assert "river path" in bob_page.content()
    for page in (alice_page, bob_page):
        assert not page.problems.console_errors, page.problems.console_errors
        assert not page.problems.failed_responses, page.problems.failed_responses
    alice_context.close()
    bob_context.close()
