"""Alice writes her crisis plan on a phone, adds her provider from the suggestions, shares the plan with him
(not with her other provider), he opens it, and alice sees that under "Who has seen my data". The plan is
looked at at 360 px and as printed."""

import pytest

from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CareLinkFactory, CommunityFactory, ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_crisis_plan_is_written_shared_with_one_provider_opened_by_him_and_the_view_shows_in_the_log(
    chromium, live_server
):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    carol = ProviderFactory(email="carol@example.test", pseudonym="carol-p", real_name="Carol Dahl")
    other = ProviderFactory(email="olav@example.test", pseudonym="olav-p", real_name="Olav Other")
    CareLinkFactory(provider=carol, service_user=alice)
    CareLinkFactory(provider=other, service_user=alice)

    alice_context, page = _browser_for(chromium, live_server, alice, width=360)
    page.goto(live_server.url + "/")
    # The crisis strip on every page leads to the plan.
    page.locator(".crisis-strip").get_by_role("link", name="My crisis plan").click()
    page.get_by_role("link", name="Write my crisis plan").click()
    page.get_by_label("1. My warning signs").fill("I stop answering the phone.\nI sleep in the daytime.")
    page.get_by_label("2. What I can do on my own to cope").fill("A walk by the harbour.")
    page.get_by_label("Name of person 1", exact=True).fill("Anne, my sister")
    page.get_by_label("Phone number of person 1", exact=True).fill("912 34 567")
    page.get_by_label("What matters most to me, my reasons for living").fill("My dog Pepper.")
    _accessible(page, "the crisis plan form")
    _no_sideways_scroll(page, "the crisis plan form at 360 px")
    # Add Carol from the suggestions (this saves what is written so far), then save the plan.
    page.get_by_role("button", name="Add Carol Dahl").click()
    page.get_by_text("Added to step 5").wait_for()
    assert page.get_by_label("Name of professional or service 1", exact=True).input_value() == "Carol Dahl"
    page.screenshot(path=str(SCREENSHOTS / "toolbox-crisis-plan-edit-360.png"), full_page=True)
    page.get_by_role("button", name="Save my plan").click()
    page.get_by_text("Your crisis plan is saved.").wait_for()
    assert "Last updated" in page.content()
    _accessible(page, "the crisis plan page")
    _no_sideways_scroll(page, "the crisis plan page at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "toolbox-crisis-plan-360.png"), full_page=True)

    # Share with Carol only; the preview shows what she sees.
    page.get_by_role("button", name="Share with Carol Dahl").click()
    page.get_by_text("Shared. This provider can now read it").wait_for()
    assert page.get_by_role("button", name="Share with Olav Other").is_visible()
    page.get_by_role("link", name="See what my provider sees").click()
    assert "Shared now with: Carol Dahl." in page.content()
    _no_sideways_scroll(page, "the preview at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "toolbox-crisis-plan-preview-360.png"), full_page=True)

    # The printed plan: no menus, no sharing controls, every step and the emergency number.
    page.goto(live_server.url + "/toolbox/crisis-plan/print/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".crisis-strip").is_visible()
    assert page.get_by_text("My dog Pepper.").is_visible()
    assert page.get_by_text("In an emergency, call 113.").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "toolbox-crisis-plan-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # Carol finds it through the people in her care and opens it.
    carol_context, carol_page = _browser_for(chromium, live_server, carol)
    carol_page.goto(live_server.url + "/care-team/")
    carol_page.get_by_role("link", name="Shared with you by Alice Aasen").click()
    carol_page.get_by_role("link", name="Crisis plan").click()
    assert "Crisis plan of Alice Aasen" in carol_page.content()
    assert carol_page.get_by_text("A walk by the harbour.").is_visible()
    _accessible(carol_page, "the provider's view of a shared crisis plan")
    carol_page.screenshot(path=str(SCREENSHOTS / "toolbox-shared-crisis-plan-provider.png"), full_page=True)

    # Alice sees Carol's view in "Who has seen my data".
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Who has seen my data").first.click()
    log = page.locator(".access-log").inner_text()
    assert "Carol Dahl (your provider) viewed your crisis plan" in log
    assert "You started sharing your crisis plan with Carol Dahl" in log
    assert "Olav Other" not in log
    _no_sideways_scroll(page, "the access log at 360 px")
    problems = page.problems.console_errors + carol_page.problems.console_errors
    assert not problems, problems
    alice_context.close()
    carol_context.close()
