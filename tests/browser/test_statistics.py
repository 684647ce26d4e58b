"""The consultant opens the statistics on a phone-sized screen, reads the charts and the table for all
communities, switches to one community (where small counts read "fewer than 3") and downloads the CSV."""

import csv
import io

import pytest

from moderation import statistics
from moderation.models import MonthlyFigure
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CommunityFactory, ConsultantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def summary(live_server):
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    south = CommunityFactory(name="Sørvik", municipality="Sørvik kommune", slug="sorvik")
    this_month = statistics.month_of(statistics.timezone.now())
    rows = []
    for n, month in enumerate(statistics.months_between(statistics.add_months(this_month, -11), this_month)):
        rows += [MonthlyFigure(community=north, month=month, figure="forum_posts", value=20 + n),
                 MonthlyFigure(community=south, month=month, figure="forum_posts", value=40 + 2 * n),
                 MonthlyFigure(community=north, month=month, figure="cafes_held", value=1),
                 MonthlyFigure(community=south, month=month, figure="cafes_held", value=2)]
    MonthlyFigure.objects.bulk_create(rows)
    return north, south, this_month


def test_the_consultant_reads_the_figures_switches_community_and_downloads_the_csv(chromium, live_server, summary):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    north, south, this_month = summary
    context, page = _browser_for(chromium, live_server, ConsultantFactory(pseudonym="Erin-consultant"), width=360)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Statistics").click()
    page.get_by_role("heading", name="Statistics", level=1).wait_for()
    assert "all communities, added up" in page.content()
    # All communities: three cafés a month (1 + 2), shown as a number; the chart has a text alternative.
    cafes_table = page.get_by_role("region", name="Cafés: the numbers per month")
    assert cafes_table.locator("tbody tr").count() == 12
    assert cafes_table.locator("tbody tr").last.locator("td").first.inner_text() == "3"
    assert page.locator("#chart-forum_posts-desc").text_content().startswith("Bars for each month")
    _accessible(page, "the statistics page")
    _no_sideways_scroll(page, "the statistics page at 360 px")
    page.screenshot(path=str(SCREENSHOTS / "statistics-360.png"), full_page=True)

    page.get_by_label("Community").select_option(label="Nordby")
    page.get_by_role("button", name="Show the figures").click()
    page.get_by_text("Showing Nordby").wait_for()
    cafes_table = page.get_by_role("region", name="Cafés: the numbers per month")
    assert cafes_table.locator("tbody tr").last.locator("td").first.inner_text() == "fewer than 3"
    forum_table = page.get_by_role("region", name="Forum: the numbers per month")
    assert "31" in forum_table.locator("tbody tr").last.inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8"))))
    assert {row[0] for row in rows[1:]} == {"Nordby"}
    assert ["Nordby", f"{this_month:%Y-%m}", "cafes_held", "Cafés held", "fewer than 3"] in rows
    assert ["Nordby", f"{this_month:%Y-%m}", "forum_posts", "Posts written", "31"] in rows

    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "statistics-1280.png"), full_page=True)
    assert not page.problems.console_errors  # (a download shows as an aborted navigation: not a problem)
    context.close()
