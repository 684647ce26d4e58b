"""Alice builds her network map on a phone: she adds three people, moves one closer, and finds them on the map (the
picture) and in the list under it. Looked at at 360 px and at 1280 px."""

import pytest

from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CommunityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add(page, name, relation, circle):
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("First name or nickname").fill(name)
    page.get_by_label("Who they are to me").select_option(label=relation)
    page.get_by_label(circle).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"{name} is in your network map.").wait_for()


def test_a_user_adds_three_people_moves_one_closer_and_sees_them_on_the_map_and_in_the_list(chromium, live_server):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)

    context, page = _browser_for(chromium, live_server, alice, width=360)
    page.goto(live_server.url + "/toolbox/")
    page.get_by_role("link", name="My network map").click()
    assert page.get_by_text("Your map is empty.").is_visible()
    _add(page, "Anne", "Family", "1 · Closest to me")
    _add(page, "Ola", "Peer (someone who has been there too)", "3 · Further out")
    _add(page, "Jonas", "Neighbour", "2 · Close")

    # Ola moves from circle 3 to circle 2, with the small form next to his name (no JavaScript involved).
    page.locator(".network-person", has_text="Ola").get_by_role("button", name="Move closer").click()
    page.get_by_text("Ola is now in circle 2: close.").wait_for()

    circles = {n: page.locator(f".network-circle-{n}").inner_text() for n in (1, 2, 3)}
    assert "Anne" in circles[1] and "Ola" in circles[2] and "Jonas" in circles[2]
    assert "Nobody in this circle yet." in circles[3]

    # The picture: an image with a title, each person drawn in the ring of their circle.
    svg = page.locator("svg.network-map-svg")
    assert svg.get_attribute("role") == "img"
    labels = svg.locator(".nm-person text").all_text_contents()
    assert sorted(labels) == ["Anne", "Jonas", "Ola"]
    assert sorted(svg.locator(".nm-person-2 text").all_text_contents()) == ["Jonas", "Ola"]
    # The labels the browser drew do not overlap.
    boxes = svg.locator(".nm-text").evaluate_all("els => els.map(e => { const b = e.getBBox(); "
                                                  "return [b.x, b.y, b.x + b.width, b.y + b.height]; })")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    _accessible(page, "the network map")
    _no_sideways_scroll(page, "the network map at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "toolbox-network-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    _no_sideways_scroll(page, "the network map at 1280 px")
    page.screenshot(path=str(SCREENSHOTS / "toolbox-network-1280.png"), full_page=True)
    assert not page.problems.console_errors, page.problems.console_errors
    context.close()
