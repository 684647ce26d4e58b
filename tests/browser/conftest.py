"""Real Chromium (Debian's package) driven by Playwright against pytest-django's live server.

The browser is never skipped: without /usr/bin/chromium the tests fail and say how to install it.
"""

import os
import shutil
from pathlib import Path

import pytest


CHROMIUM = os.environ.get("RECONNECT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="package")
def async_unsafe_allowed():
    """Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test itself
    (creating people, reading a TOTP key) would otherwise be refused as "called from an async context".

    Set only while the browser tests run: left set, it would leak into the rest of the suite (and into
    `check --deploy` run as a subprocess, which rightly refuses it).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium(async_unsafe_allowed):
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium was not found at {CHROMIUM}. Install Debian's package (apt-get install -y chromium; "
            ".ci/run does this) or point RECONNECT_CHROMIUM at a Chromium binary. Browser tests are never skipped."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems:
    """What went wrong in the browser while a page was used: console errors and failed requests."""

    def __init__(self, page):
        self.console_errors = []
        self.failed_responses = []
        self.loaded = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(
            f"{msg.text} at {msg.location.get('url', '?')}"))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        page.on("response", self._response)
        page.on("requestfailed", lambda req: self.failed_responses.append(f"{req.url} ({req.failure})"))

    def _response(self, response):
        self.loaded.append((response.url, response.status))
        if response.status >= 400:
            self.failed_responses.append(f"{response.url} ({response.status})")


@pytest.fixture(autouse=True)
def no_live_updates_on_the_wsgi_live_server(settings):
    """pytest-django's live server speaks WSGI only: pages there leave out the WebSocket script (as a portal run
    with LIVE_UPDATES=false does), so a refused socket is not a console error. The live tests run daphne in a
    subprocess, which reads its own settings, so live.js is on there."""
    settings.LIVE_UPDATES = False


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = PageProblems(page)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name, *, width=None):
        if width:
            page.set_viewport_size({"width": width, "height": 900})
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
