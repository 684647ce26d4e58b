"""A member answers "going" to next week's café and is shown to the others; a second member takes the last
place; a third is put on the waitlist and, when the first can't come after all, gets the place and is told.
Checked for accessibility and for a 360 px screen along the way."""

import pytest

from cafes import services
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.cafes.factories import make_cafe
from tests.factories import CommunityFactory, ConsultantFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cafe_people(live_server):
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    host = ConsultantFactory(pseudonym="Erin-consultant", real_name="Erin Fjell")
    cafe = make_cafe(community=north, capacity=2, host=host, title="Nordby café", days=6,
                     entrance="The blue door next to the main entrance.")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    second = UserFactory(pseudonym="Heron", community=north)
    third = UserFactory(pseudonym="Pebble", community=north)
    return cafe, alice, second, third


def _answer(page, label, *, show_me=None):
    page.get_by_label(label, exact=True).check()
    if show_me is not None:
        page.get_by_label("Show my pseudonym to the others who are going").set_checked(show_me)
    page.locator("#my-answer").get_by_role("button").click()


def test_a_member_answers_going_and_a_waiting_member_gets_the_freed_place(chromium, live_server, cafe_people):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cafe, alice, second, third = cafe_people

    alice_context, page = _browser_for(chromium, live_server, alice, width=360)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Cafés").first.click()
    assert "to just listen" in page.content()
    _accessible(page, "the café list")
    _no_sideways_scroll(page, "the café list at 360 px")
    page.get_by_role("link", name="Nordby café").click()
    assert "The blue door next to the main entrance." in page.content()
    assert "Erin-consultant" in page.content() and "Erin Fjell" not in page.content()
    _answer(page, "I'm going", show_me=True)
    page.get_by_text("You're going. It will be good to see you!").wait_for()
    assert "1 person is going." in page.content()
    assert page.locator(".cafe-attendees").inner_text().strip() == "Lighthouse"
    _accessible(page, "the café page")
    _no_sideways_scroll(page, "the café page at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "cafe-detail-360.png"), full_page=True)

    # A second member takes the last place; a third finds the café full and joins the waitlist.
    services.rsvp(user=second, cafe=cafe, answer="going", show_me=False)
    third_context, third_page = _browser_for(chromium, live_server, third)
    third_page.goto(live_server.url + cafe.get_absolute_url())
    assert "All places are taken; the waitlist is open." in third_page.content()
    _answer(third_page, "I'm going")
    third_page.get_by_text("You are number 1 on the waitlist.").wait_for()

    # Alice can't come after all: her place goes to the first on the waitlist, who is told.
    page.reload()
    _answer(page, "I can't come")
    page.get_by_text("Thank you, your answer is saved.").wait_for()
    third_page.goto(live_server.url + "/")
    assert third_page.locator("#notification-bell .badge").inner_text().startswith("1")
    third_page.locator("#notification-bell").click()
    third_page.get_by_text("A place has become free at the café").click()
    third_page.get_by_text("You're going.", exact=False).first.wait_for()
    assert "2 people are going." in third_page.content()
    third_page.screenshot(path=str(SCREENSHOTS / "cafe-promoted.png"), full_page=True)

    problems = page.problems.console_errors + third_page.problems.console_errors
    assert not problems, problems
    alice_context.close()
    third_context.close()
