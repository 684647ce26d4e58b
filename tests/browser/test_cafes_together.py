"""Getting there together, the issue's journey: a member answers "going", asks to meet someone before and walk
in together; another member going too offers it and proposes; she agrees, both see the match and exchange a
message through the portal, with no contact details. Checked for accessibility and 360 px along the way."""

import pytest

from cafes import services
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.cafes.factories import make_cafe
from tests.factories import CommunityFactory, ConsultantFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_asks_for_company_another_offers_and_both_see_the_match(chromium, live_server):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    cafe = make_cafe(community=north, host=ConsultantFactory(), title="Nordby café", days=6)
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    heron = UserFactory(email="heron@example.test", pseudonym="Heron", real_name="Hanne Berg", community=north)

    alice_context, page = _browser_for(chromium, live_server, alice, width=360)
    page.goto(live_server.url + cafe.get_absolute_url())
    page.get_by_label("I'm going", exact=True).check()
    page.locator("#my-answer").get_by_role("button").click()
    page.get_by_text("You're going.").first.wait_for()
    page.get_by_role("link", name="Getting there together").click()
    page.get_by_label("I'd like to meet someone before and walk in together").check()
    page.get_by_label("A short note (optional)").fill("I'm a bit nervous about walking in alone")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Nobody to pair with yet.").wait_for()
    _accessible(page, "the getting-there-together page")
    _no_sideways_scroll(page, "the getting-there-together page at 360 px")

    # Heron is going too and offers company; Alice's wish is suggested to him by pseudonym, and he proposes.
    services.rsvp(user=heron, cafe=cafe, answer="going")
    heron_context, heron_page = _browser_for(chromium, live_server, heron)
    heron_page.goto(live_server.url + f"/cafes/{cafe.pk}/together/")
    heron_page.get_by_label("I can meet someone before and walk in together").check()
    heron_page.get_by_role("button", name="Save").click()
    assert "a bit nervous" in heron_page.content() and "Alice Aasen" not in heron_page.content()
    heron_page.get_by_role("button", name="Ask Lighthouse to go together").click()
    heron_page.get_by_text("Your proposal is sent.").wait_for()

    # Alice is told (a content-free notification), agrees, and writes to Heron.
    page.goto(live_server.url + f"/cafes/{cafe.pk}/together/")
    page.get_by_role("link", name="Heron").click()
    page.get_by_role("button", name="Yes, let's go together").click()
    page.get_by_label("Your message").fill("Shall we meet at the bus stop at 17:45?")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your message is sent.").wait_for()
    _accessible(page, "the match page")
    _no_sideways_scroll(page, "the match page at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "cafe-together-match-360.png"), full_page=True)

    heron_page.reload()
    assert "Agreed" in heron_page.content()
    assert "Shall we meet at the bus stop at 17:45?" in heron_page.content()
    assert "alice@example.test" not in heron_page.content() and "Alice Aasen" not in heron_page.content()
    problems = page.problems.console_errors + heron_page.problems.console_errors
    assert not problems, problems
    alice_context.close()
    heron_context.close()
