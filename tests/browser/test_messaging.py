"""Alice writes to her provider with a picture attached, the provider reads and replies, alice sees the reply
and that her message was read. Checked for accessibility and for a 360 px screen along the way."""

import pytest

from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CareLinkFactory, CommunityFactory, ProviderFactory, UserFactory
from tests.messaging.files import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def care_pair(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    carol = ProviderFactory(email="carol@example.test", pseudonym="carol-p", real_name="Carol Dahl",
                            message_reply_time="within 2 working days")
    CareLinkFactory(provider=carol, service_user=alice)
    return alice, carol


def test_a_message_with_a_picture_goes_to_the_provider_who_replies(chromium, live_server, care_pair, tmp_path):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice, carol = care_pair
    picture = tmp_path / "scan.png"
    picture.write_bytes(PNG)

    alice_context, alice_page = _browser_for(chromium, live_server, alice, width=360)
    alice_page.goto(live_server.url + "/messages/")
    alice_page.get_by_role("link", name="New message", exact=True).click()
    assert "Carol Dahl usually replies within 2 working days." in alice_page.content()
    alice_page.get_by_label("Subject").fill("Sleep")
    alice_page.get_by_label("Your message").fill("I slept six hours last night.")
    alice_page.get_by_label("Attach a file").set_input_files(str(picture))
    _accessible(alice_page, "the new message page")
    _no_sideways_scroll(alice_page, "the new message page at 360 px")
    alice_page.screenshot(path=str(SCREENSHOTS / "messaging-new-360.png"), full_page=True)
    alice_page.get_by_role("button", name="Send the message").click()
    alice_page.get_by_text("Your message has been sent.").wait_for()
    assert "Sent, not read yet" in alice_page.content()

    carol_context, carol_page = _browser_for(chromium, live_server, carol)
    carol_page.goto(live_server.url + "/")
    badge = carol_page.locator("#messages-badge")
    assert badge.inner_text().startswith("1")
    carol_page.get_by_role("link", name="Messages").first.click()
    _accessible(carol_page, "the provider's inbox")
    carol_page.get_by_role("link", name="Sleep").click()
    assert "Alice Aasen" in carol_page.content()
    with carol_page.expect_download() as download:
        carol_page.get_by_role("link", name="Download scan.png").click()
    assert download.value.suggested_filename == "scan.png"
    carol_page.get_by_label("Your message").fill("That is good news. Let us talk on Thursday.")
    carol_page.get_by_role("button", name="Send the reply").click()
    carol_page.get_by_text("Your message has been sent.").wait_for()
    _accessible(carol_page, "the conversation page")
    carol_page.screenshot(path=str(SCREENSHOTS / "messaging-conversation-provider.png"), full_page=True)

    alice_page.reload()
    assert "That is good news." in alice_page.content()
    assert alice_page.locator(".conv-read").count() == 1
    _no_sideways_scroll(alice_page, "the conversation at 360 px")
    alice_page.screenshot(path=str(SCREENSHOTS / "messaging-conversation-360.png"), full_page=True)
    problems = alice_page.problems.console_errors + carol_page.problems.console_errors
    assert not problems, problems
    alice_context.close()
    carol_context.close()
