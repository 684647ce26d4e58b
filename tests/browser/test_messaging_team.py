"""Alice writes to her whole care team; both providers see it waiting for a reply, one answers; when Alice ends
one care link that provider loses the conversation at once (and its badge), while Alice keeps it. Alice turns
off the "new message" e-mail on her notification settings page. At 360 px, checked with axe-core."""

import pytest

from tests.browser.test_forum import _accessible, _browser_for, _no_sideways_scroll
from tests.factories import CareLinkFactory, CommunityFactory, ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def care_team(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    north = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    alice = UserFactory(email="alice@example.test", pseudonym="Lighthouse", real_name="Alice Aasen", community=north)
    carol = ProviderFactory(email="carol@example.test", pseudonym="carol-p", real_name="Carol Dahl",
                            message_reply_time="within 2 working days")
    gina = ProviderFactory(email="gina@example.test", pseudonym="gina-p", real_name="Gina Holm")
    CareLinkFactory(provider=carol, service_user=alice)
    CareLinkFactory(provider=gina, service_user=alice)
    return alice, carol, gina


def test_alice_writes_to_her_whole_care_team_and_a_provider_whose_link_ends_loses_it(
    chromium, live_server, care_team
):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice, carol, gina = care_team
    alice_context, alice_page = _browser_for(chromium, live_server, alice, width=360)
    alice_page.goto(live_server.url + "/messages/new/")
    alice_page.get_by_label("My whole care team (2 people)").check()
    note = alice_page.locator(".conv-safety").inner_text()
    assert "Messages are not for emergencies." in note and "113" in note
    assert "Carol Dahl usually replies within 2 working days." in note
    assert "Gina Holm usually replies within a few working days." in note
    alice_page.get_by_label("Subject").fill("Next week")
    alice_page.get_by_label("Your message").fill("I may be late on Tuesday.")
    alice_page.get_by_role("button", name="Send the message").click()
    alice_page.get_by_text("Your message has been sent.").wait_for()
    conversation_url = alice_page.url.split("#")[0]

    carol_context, carol_page = _browser_for(chromium, live_server, carol, width=360)
    carol_page.goto(live_server.url + "/messages/?sort=waiting")
    assert "Waiting for a reply since" in carol_page.content() and "Alice Aasen" in carol_page.content()
    _accessible(carol_page, "the provider's inbox, waiting longest first")
    _no_sideways_scroll(carol_page, "the provider's inbox at 360 px")
    carol_page.screenshot(path=str(SCREENSHOTS / "messaging-inbox-waiting-360.png"), full_page=True)

    gina_context, gina_page = _browser_for(chromium, live_server, gina)
    gina_page.goto(conversation_url)
    gina_page.get_by_label("Your message").fill("No problem, see you then.")
    gina_page.get_by_role("button", name="Send the reply").click()
    gina_page.get_by_text("Your message has been sent.").wait_for()

    carol_page.goto(live_server.url + "/messages/?sort=waiting")
    assert "Waiting for a reply since" not in carol_page.content(), "Gina's reply answered for the team"
    assert carol_page.locator("#messages-badge").count() == 1

    # Alice ends Carol's care link: Carol loses the conversation and its badge at once; Alice keeps it.
    alice_page.goto(live_server.url + "/care-team/")
    alice_page.locator(f'a[href$="/care-team/{carol.care_links_as_provider.get().pk}/end/"]').click()
    alice_page.locator("main form button[type=submit]").click()
    assert carol_page.goto(conversation_url).status == 404
    assert "Next week" not in carol_page.content()
    carol_page.goto(live_server.url + "/messages/")
    assert "Next week" not in carol_page.content()
    assert carol_page.locator("#messages-badge").count() == 0
    alice_page.goto(conversation_url)
    assert "No problem, see you then." in alice_page.content()
    assert "no longer in your care team" in alice_page.content()
    _accessible(alice_page, "the conversation after a care link ended")
    _no_sideways_scroll(alice_page, "the conversation at 360 px")
    alice_page.screenshot(path=str(SCREENSHOTS / "messaging-link-ended-360.png"), full_page=True)

    # Alice turns the "new message" e-mail off where the other e-mail choices are.
    alice_page.goto(live_server.url + "/messages/")
    alice_page.get_by_role("link", name="E-mails about new messages").click()
    box = alice_page.get_by_label("New messages")
    assert box.is_checked()
    box.uncheck()
    alice_page.get_by_role("button", name="Save settings").click()
    alice_page.get_by_text("Your notification settings are saved.").wait_for()
    alice.refresh_from_db()
    assert "message" not in alice.email_notification_kinds
    for page in (alice_page, carol_page, gina_page):
        # Carol's one error is the conversation she may no longer open (404).
        errors = [e for e in page.problems.console_errors if not (page is carol_page and conversation_url in e)]
        assert not errors, errors
    for context in (alice_context, carol_context, gina_context):
        context.close()
