"""A provider's message appears live on the service user's open conversation page, and her unread badge
updates on another page, without a reload.

pytest-django's live_server speaks WSGI (no WebSockets), so these tests run the portal as it runs in
production: daphne (ASGI) in a subprocess, on this test run's database and Redis, with the same settings.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

from messaging import services
from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CareLinkFactory, CommunityFactory, ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url():
    """The URL of the database these tests use (pytest-django's test database), for another process."""
    db = django_settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    query = ""
    socket_dir = (db.get("OPTIONS") or {}).get("host")
    if socket_dir:
        query = "?host=" + quote(socket_dir, safe="")
    elif host.startswith("/"):
        query, host = "?host=" + quote(host, safe=""), ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}{query}"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def asgi_live_server(django_db_setup):
    """daphne serving reconnect.asgi on a free port; `.url` like pytest-django's live_server."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "RECONNECT_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "reconnect.settings",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        # The same channel layer prefix as this process (settings derive it from the test database's name).
        "RECONNECT_TEST_DB": django_settings.DATABASES["default"]["TEST"]["NAME"],
        "SECRET_KEY": django_settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(django_settings.FIELD_ENCRYPTION_KEYS),
    })
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port), "reconnect.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            pytest.fail("daphne did not start:\n" + process.stderr.read().decode(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("daphne did not listen within 20 s")
            time.sleep(0.1)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}")
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def care_pair(asgi_live_server):
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    carol = ProviderFactory(email="carol@example.test", pseudonym="carol-p", real_name="Carol Dahl")
    CareLinkFactory(provider=carol, service_user=alice)
    conversation = services.start_conversation(
        author=alice, to=carol, subject="Sleep", body="I slept six hours last night."
    )
    return alice, carol, conversation


def _announced(page, text):
    """The polite live region says `text` (it is set a moment after clearing, so that it is read again)."""
    page.locator("#live-status", has_text=text).wait_for(state="attached")
    assert page.locator("#live-status").inner_text() == text


# Records, on the page, when the message arrived (the same clock as the other browser context's).
RECORD_ARRIVAL = """() => {
  const list = document.getElementById("conversation-messages");
  new MutationObserver(() => {
    if (document.getElementById("message-2") && !window.arrivedAt) { window.arrivedAt = Date.now(); }
  }).observe(list, {childList: true});
}"""


def test_a_providers_reply_appears_on_the_open_page_and_the_badge_updates_elsewhere(
    chromium, asgi_live_server, care_pair
):
    from tests.browser.conftest import SCREENSHOTS

    server = asgi_live_server
    alice, carol, conversation = care_pair
    conversation_url = server.url + conversation.get_absolute_url()

    alice_context, alice_page = _browser_for(chromium, server, alice, width=360)
    alice_page.goto(conversation_url)
    alice_page.locator("#conversation-messages[data-live-state=following]").wait_for()
    alice_page.evaluate(RECORD_ARRIVAL)

    carol_context, carol_page = _browser_for(chromium, server, carol)
    carol_page.goto(conversation_url)
    carol_page.get_by_label("Your message").fill("Good to hear. <b>Shall we talk</b> on Thursday?")
    sent_at = carol_page.evaluate("Date.now()")
    carol_page.get_by_role("button", name="Send the reply").click()

    arrived = alice_page.locator("#message-2")
    arrived.wait_for()
    delay_ms = alice_page.evaluate("window.arrivedAt") - sent_at
    print(f"\nFrom the provider pressing Send to the message on alice's open page: {delay_ms} ms "
          "(includes the provider's POST and redirect)")
    assert "Good to hear. <b>Shall we talk</b> on Thursday?" in arrived.inner_text(), "shown as text, escaped"
    assert "Carol Dahl" in arrived.inner_text()
    _announced(alice_page, "New message from Carol Dahl.")
    # Carol's reply means carol read alice's message; alice has carol's in front of her, so it counts as
    # read: her badge stays clear, and carol's open page says "Read" without a reload.
    alice_page.locator("#message-1 .conv-read").wait_for()
    alice_page.locator("#messages-badge").wait_for(state="detached")
    carol_page.locator("#message-2 .conv-read").wait_for()
    _accessible(alice_page, "the conversation with a message that arrived live")
    _no_sideways_scroll(alice_page, "the conversation with a live message at 360 px")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice_page.screenshot(path=str(SCREENSHOTS / "messaging-live-360.png"), full_page=True)

    # On another page, the badge in the menu counts the next message as it comes.
    alice_page.goto(server.url + "/")
    alice_page.locator("html[data-live-state=open]").wait_for(state="attached")
    assert alice_page.locator("#messages-badge").count() == 0
    carol_page.get_by_label("Your message").fill("And bring your sleep diary, if you like.")
    carol_page.get_by_role("button", name="Send the reply").click()
    badge = alice_page.locator("#messages-badge")
    badge.wait_for()
    assert badge.inner_text().replace("\n", " ") == "1 unread"
    _announced(alice_page, "You have a new message.")

    problems = alice_page.problems.console_errors + carol_page.problems.console_errors
    assert not problems, problems  # a CSP refusal of the socket would show here
    alice_context.close()
    carol_context.close()
