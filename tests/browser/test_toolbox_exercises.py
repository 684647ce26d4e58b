"""The consultant writes an exercise with a question, publishes it and features it in alice's community until the
next café; alice finds it on the front page of her toolbox, opens it, saves a reflection and sees it listed. The
pages are looked at at 360 px (alice) and 1280 px (the consultant)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CommunityFactory, ConsultantFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_consultant_writes_and_features_an_exercise_and_a_member_reflects_on_it(chromium, live_server):
    from cafes import services as cafe_services
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    consultant = ConsultantFactory(email="connie@example.test", pseudonym="Connie")
    starts = (timezone.now() + timedelta(days=6)).replace(second=0, microsecond=0)
    cafe = cafe_services.create_cafe(by=consultant, community=north, title="Thursday café", starts_at=starts,
                                     ends_at=starts + timedelta(hours=2), venue_name="Library", address="Storgata 1",
                                     host=consultant)

    # The consultant writes the exercise (a draft), publishes it and features it until the café.
    connie_context, connie = _browser_for(chromium, live_server, consultant)
    connie.goto(live_server.url + "/toolbox/exercises/")
    connie.get_by_role("link", name="Write and feature exercises").click()
    connie.get_by_role("link", name="Write a new exercise").click()
    connie.get_by_label("Kind of exercise").select_option("mindfulness")
    connie.get_by_label("Title in English").fill("Three slow breaths")
    connie.get_by_label("Title in Norwegian").fill("Tre rolige pust")
    connie.get_by_label("The exercise in English").fill("Breathe in through your nose.\n\nBreathe out slowly.")
    connie.get_by_label("Question 1 in English").fill("What did you notice in your body?")
    connie.get_by_label("Question 1 in Norwegian").fill("Hva merket du i kroppen?")
    _accessible(connie, "the exercise form")
    connie.screenshot(path=str(SCREENSHOTS / "toolbox-exercise-edit-1280.png"), full_page=True)
    connie.get_by_role("button", name="Save the exercise").click()
    connie.get_by_text("The exercise is saved as a draft.").wait_for()
    connie.get_by_role("button", name="Publish it").click()
    connie.get_by_text("The exercise is published.").wait_for()
    connie.get_by_role("link", name="Feature it in a community").click()
    connie.get_by_label("Community", exact=True).select_option(label="Nordby")
    connie.get_by_label("Until the day of the next café in this community").check()
    _accessible(connie, "the feature form")
    connie.get_by_role("button", name="Feature it").click()
    connie.get_by_text("The exercise is featured.").wait_for()
    assert "Three slow breaths" in connie.locator(".featuring-list").inner_text()
    connie.screenshot(path=str(SCREENSHOTS / "toolbox-exercises-keep-1280.png"), full_page=True)
    connie_context.close()

    # Alice, on her phone, finds it on her toolbox front page and on the café page.
    alice_context, page = _browser_for(chromium, live_server, alice, width=360)
    page.goto(live_server.url + f"/cafes/{cafe.pk}/")
    assert page.get_by_role("link", name="An exercise to try before this café: Three slow breaths").is_visible()
    page.goto(live_server.url + "/toolbox/")
    assert "An exercise to try this month" in page.content()
    _no_sideways_scroll(page, "the toolbox front page at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "toolbox-index-featured-360.png"), full_page=True)
    page.locator(".featured-exercise").get_by_role("link", name="Three slow breaths").click()
    assert page.get_by_text("Breathe out slowly.").is_visible()
    page.get_by_label("What did you notice in your body?").fill("My shoulders dropped a little.")
    page.get_by_label("My own thoughts").fill("Easier than I thought.")
    _accessible(page, "the exercise page with the reflection form")
    _no_sideways_scroll(page, "the exercise page at 360 px")
    page.get_by_role("button", name="Save my reflection").click()
    page.get_by_text("Your reflection is saved.").wait_for()
    assert page.locator("#my-reflections").get_by_text("My shoulders dropped a little.").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "toolbox-exercise-reflected-360.png"), full_page=True)

    # Her reflections, all in one place, with who may read them.
    page.get_by_role("link", name="All my reflections, and who may read them").click()
    listing = page.locator("main").inner_text()
    assert "Three slow breaths" in listing and "Easier than I thought." in listing
    assert "No providers are linked to you right now" in listing
    _accessible(page, "my reflections")
    _no_sideways_scroll(page, "my reflections at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "toolbox-reflections-360.png"), full_page=True)
    assert not page.problems.console_errors and not page.problems.failed_responses
    alice_context.close()
