"""The live socket (/ws/live/) against the real Redis channel layer: who gets in, what they may follow, and
that a message sent through the services reaches the other person's open page.

The whole ASGI application is used (origin check, session authentication, routing), as the browser meets it.
Scenarios are coroutines run with asgiref's async_to_sync; the database work inside them runs in this test's
thread (thread-sensitive), on a transactional test database so that on_commit hooks fire for real.
"""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from messaging import services
from messaging.models import Participant
from reconnect.live import CLOSE_NOT_SIGNED_IN, send_to_user
from reconnect.models import CareLink
from reconnect.services import end_care_link, notify
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

OUR_ORIGIN = (b"origin", b"http://localhost:8000")
WAIT = 5  # seconds to wait for something that must come (it comes in milliseconds; this is only a ceiling)
QUIET = 0.5  # seconds of silence that count as "nothing came"


def application():
    from reconnect.asgi import application

    return application


def socket_for(client=None, *, origin=OUR_ORIGIN):
    headers = [origin] if origin else []
    if client is not None:
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application(), "/ws/live/", headers=headers)


def run(scenario):
    async_to_sync(scenario)()


async def connected(client):
    """A socket signed in as the client's person, past its first message (the header's counters)."""
    socket = socket_for(client)
    accepted, _code = await socket.connect()
    assert accepted, "a fully signed-in person gets a live socket"
    first = await socket.receive_json_from(timeout=WAIT)
    assert first["kind"] == "badges"
    return socket


async def follow(socket, conversation, *, after=None):
    await socket.send_json_to({"action": "follow", "conversation": conversation.pk,
                               "after": conversation.message_count if after is None else after})
    return await socket.receive_json_from(timeout=WAIT)


async def refused(socket):
    """Connect, then let the application end before the scenario does (the caller checks it was refused).

    Left running, a refused socket's application would be cancelled while the event loop closes, when a database
    call it still makes on this test's thread can no longer run: the test would hang.
    """
    result = await socket.connect()
    await socket.disconnect()  # what a server sends after a refusal; the application then ends
    return result


async def in_thread(function, *args, **kwargs):
    return await sync_to_async(function)(*args, **kwargs)


# --- Who gets a socket --------------------------------------------------------------------------------
def test_a_signed_in_person_gets_a_socket_that_starts_with_their_unread_counts(alice, conversation,
                                                                                 linked_provider):
    client = signed_in_client(linked_provider)

    async def scenario():
        socket = socket_for(client)
        accepted, _ = await socket.connect()
        assert accepted
        assert await socket.receive_json_from(timeout=WAIT) == {"kind": "badges", "messages": 1, "notifications": 0}
        await socket.disconnect()

    run(scenario)


def test_a_socket_without_a_session_is_refused(db):
    async def scenario():
        socket = socket_for(None)
        accepted, code = await refused(socket)
        assert not accepted and code == CLOSE_NOT_SIGNED_IN

    run(scenario)


def test_a_socket_from_another_website_is_refused_even_with_a_valid_session(alice):
    client = signed_in_client(alice)

    async def scenario():
        socket = socket_for(client, origin=(b"origin", b"https://evil.example"))
        accepted, _ = await refused(socket)
        assert not accepted

    run(scenario)


def test_a_socket_without_an_origin_header_is_refused(alice):
    client = signed_in_client(alice)

    async def scenario():
        socket = socket_for(client, origin=None)
        accepted, _ = await refused(socket)
        assert not accepted

    run(scenario)


def test_a_signed_out_session_is_refused(alice):
    client = signed_in_client(alice)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, as a stale tab still holds it

    async def scenario():
        accepted, code = await refused(socket_for(client))
        assert not accepted and code == CLOSE_NOT_SIGNED_IN

    run(scenario)


@pytest.mark.parametrize("half", ["no second factor", "terms not accepted"])
def test_a_half_signed_in_session_gets_no_live_feed(alice, half):
    if half == "no second factor":
        client = signed_in_client(alice, verified=False)
    else:
        _publish_new_terms()
        client = signed_in_client(alice, consented=False)

    async def scenario():
        accepted, code = await refused(socket_for(client))
        assert not accepted and code == CLOSE_NOT_SIGNED_IN

    run(scenario)


def _publish_new_terms():
    from reconnect.models import ConsentVersion
    from tests.factories import ConsentVersionFactory

    latest = ConsentVersion.objects.order_by("-version").first()
    ConsentVersionFactory(version=(latest.version + 1) if latest else 1)


def test_a_deactivated_account_loses_its_open_socket_at_the_next_event(alice, linked_provider, conversation):
    client = signed_in_client(alice)

    async def scenario():
        socket = await connected(client)
        await in_thread(lambda: type(alice).objects.filter(pk=alice.pk).update(is_active=False))
        await in_thread(send_to_user, alice.pk, {"type": "live.badges"})
        assert (await socket.receive_output(timeout=WAIT))["type"] == "websocket.close"

    run(scenario)


# --- Following a conversation -------------------------------------------------------------------------
def test_a_message_sent_through_the_services_reaches_the_other_persons_open_conversation(
    alice, linked_provider, conversation
):
    client = signed_in_client(alice)

    async def scenario():
        socket = await connected(client)
        assert await follow(socket, conversation) == {"kind": "following", "conversation": conversation.pk}
        await in_thread(lambda: services.send_message(
            conversation=conversation, sender=linked_provider, body="See you on <b>Thursday</b>."))
        event = await socket.receive_json_from(timeout=WAIT)
        assert event["kind"] == "messages" and event["conversation"] == conversation.pk
        assert event["newest"] == 2
        assert 'id="message-2"' in event["html"]
        assert "See you on &lt;b&gt;Thursday&lt;/b&gt;." in event["html"], "the text is escaped"
        assert "Carol Dahl" in event["html"], "named as alice sees her provider"
        assert event["announce"] == "New message from Carol Dahl."
        badges = await socket.receive_json_from(timeout=WAIT)
        assert badges == {"kind": "badges", "messages": 1, "notifications": 0}
        read = await socket.receive_json_from(timeout=WAIT)
        assert read == {"kind": "read", "conversation": conversation.pk, "up_to": 2, "label": "Read"}, (
            "who replies has read alice's message")
        await socket.disconnect()

    run(scenario)


def test_a_page_that_was_away_gets_what_it_missed_when_it_follows_again(alice, linked_provider, conversation):
    services.send_message(conversation=conversation, sender=linked_provider, body="First reply")
    services.send_message(conversation=conversation, sender=linked_provider, body="Second reply")
    client = signed_in_client(alice)

    async def scenario():
        socket = await connected(client)
        event = await follow(socket, conversation, after=1)
        assert event["kind"] == "messages" and event["newest"] == 3
        assert "First reply" in event["html"] and "Second reply" in event["html"]
        assert "I sleep badly" not in event["html"], "the page already shows message 1"
        assert await socket.receive_json_from(timeout=WAIT) == {"kind": "following", "conversation": conversation.pk}
        assert await socket.receive_json_from(timeout=WAIT) == {
            "kind": "read", "conversation": conversation.pk, "up_to": 3, "label": "Read"}, "her provider read it"
        await socket.disconnect()

    run(scenario)


def test_someone_elses_conversation_cannot_be_followed_and_sends_them_nothing(
    alice, bob, linked_provider, unlinked_provider, conversation
):
    bob_client, stranger_client = signed_in_client(bob), signed_in_client(unlinked_provider)

    async def scenario():
        sockets = [await connected(bob_client), await connected(stranger_client)]
        for socket in sockets:
            assert await follow(socket, conversation) == {"kind": "refused", "conversation": conversation.pk}
        await in_thread(lambda: services.send_message(
            conversation=conversation, sender=linked_provider, body="Only for alice"))
        for socket in sockets:
            assert await socket.receive_nothing(timeout=QUIET)
            await socket.disconnect()

    run(scenario)


def test_an_event_for_a_conversation_the_person_may_not_open_is_not_passed_on(alice, bob, linked_provider,
                                                                               conversation):
    """Even if an event reached the wrong person's group, the socket checks access before it shows anything."""
    client = signed_in_client(bob)

    async def scenario():
        socket = await connected(client)
        await follow(socket, conversation)
        await in_thread(send_to_user, bob.pk, {"type": "messaging.message", "conversation": conversation.pk,
                                               "number": 1, "sender": alice.pk})
        event = await socket.receive_json_from(timeout=WAIT)
        assert event["kind"] == "badges" and "html" not in event
        await socket.disconnect()

    run(scenario)


def test_after_a_care_link_ends_the_providers_open_conversation_gets_nothing_more(
    alice, linked_provider, conversation
):
    client = signed_in_client(linked_provider)
    link = CareLink.objects.get(provider=linked_provider, service_user=alice)

    async def scenario():
        socket = await connected(client)
        assert (await follow(socket, conversation))["kind"] == "following"
        assert (await socket.receive_json_from(timeout=WAIT))["kind"] == "read", "alice has read her own message"
        await in_thread(end_care_link, link=link, by=alice)
        ended = await socket.receive_json_from(timeout=WAIT)
        assert ended["kind"] == "badges" and ended["notifications"] == 1, "told that the link ended"
        await in_thread(lambda: services.send_message(conversation=conversation, sender=alice, body="After"))
        # Nothing is sent to the provider; and an event that still arrived is refused by the socket itself.
        assert await socket.receive_nothing(timeout=QUIET)
        await in_thread(send_to_user, linked_provider.pk, {
            "type": "messaging.message", "conversation": conversation.pk, "number": 2, "sender": alice.pk})
        event = await socket.receive_json_from(timeout=WAIT)
        assert event == {"kind": "refused", "conversation": conversation.pk}
        assert (await socket.receive_json_from(timeout=WAIT))["kind"] == "badges"
        await socket.disconnect()

    run(scenario)


# --- Reading on the open page -------------------------------------------------------------------------
def test_reading_on_the_open_page_clears_the_unread_count_but_never_past_the_newest_message(
    alice, linked_provider, conversation
):
    client = signed_in_client(alice)

    async def scenario():
        socket = await connected(client)
        await follow(socket, conversation)
        await in_thread(lambda: services.send_message(conversation=conversation, sender=linked_provider,
                                                      body="A reply"))
        assert (await socket.receive_json_from(timeout=WAIT))["kind"] == "messages"
        assert (await socket.receive_json_from(timeout=WAIT))["messages"] == 1
        assert (await socket.receive_json_from(timeout=WAIT))["kind"] == "read"
        await socket.send_json_to({"action": "read", "conversation": conversation.pk, "number": 1_000_000})
        assert await socket.receive_json_from(timeout=WAIT) == {"kind": "badges", "messages": 0,
                                                                "notifications": 0}
        await socket.disconnect()

    run(scenario)
    mine = Participant.objects.get(conversation=conversation, user=alice)
    assert (mine.unread_count, mine.last_read_number) == (0, 2), "read up to the newest, not beyond"


def test_the_senders_open_page_hears_when_the_other_person_reads_it(alice, linked_provider, conversation):
    provider_client, alice_client = signed_in_client(linked_provider), signed_in_client(alice)

    async def scenario():
        provider, alice_page = await connected(provider_client), await connected(alice_client)
        await follow(provider, conversation)
        assert (await provider.receive_json_from(timeout=WAIT))["up_to"] == 1
        await in_thread(lambda: services.send_message(conversation=conversation, sender=linked_provider,
                                                      body="How did you sleep?"))
        assert (await provider.receive_json_from(timeout=WAIT))["kind"] == "messages"
        assert (await provider.receive_json_from(timeout=WAIT))["kind"] == "badges"
        assert await provider.receive_nothing(timeout=QUIET), "not read yet"
        await follow(alice_page, conversation, after=2)
        await alice_page.send_json_to({"action": "read", "conversation": conversation.pk, "number": 2})
        assert await provider.receive_json_from(timeout=WAIT) == {
            "kind": "read", "conversation": conversation.pk, "up_to": 2, "label": "Read"}
        await provider.disconnect()
        await alice_page.disconnect()

    run(scenario)


def test_reading_a_conversation_that_is_not_followed_changes_nothing(alice, bob, linked_provider, conversation):
    services.send_message(conversation=conversation, sender=linked_provider, body="A reply")
    client = signed_in_client(bob)

    async def scenario():
        socket = await connected(client)
        await socket.send_json_to({"action": "read", "conversation": conversation.pk, "number": 2})
        assert await socket.receive_nothing(timeout=QUIET)
        await socket.disconnect()

    run(scenario)
    assert Participant.objects.get(conversation=conversation, user=alice).unread_count == 1


MALFORMED = [
    "not json", '"a string"', "[1, 2]", '{"action": "follow", "conversation": "1"}',
    '{"action": "follow", "conversation": true}', '{"action": "follow", "conversation": -1}',
    '{"action": "follow", "conversation": 1, "after": "x"}', '{"action": "join_group", "group": "user-1"}',
    '{"action": "__init__"}', '{"action": 7}', "{" + " " * 5000 + "}",
]


def test_malformed_or_unknown_frames_are_ignored_and_the_socket_stays_open(alice):
    client = signed_in_client(alice)

    async def scenario():
        socket = await connected(client)
        for frame in MALFORMED:
            await socket.send_to(text_data=frame)
        assert await socket.receive_nothing(timeout=QUIET)
        await in_thread(send_to_user, alice.pk, {"type": "live.badges"})
        assert (await socket.receive_json_from(timeout=WAIT))["kind"] == "badges", "still open and listening"
        await socket.disconnect()

    run(scenario)


# --- Notifications ------------------------------------------------------------------------------------
def test_a_new_notification_updates_the_bell_on_every_open_page(alice):
    client = signed_in_client(alice)

    async def scenario():
        pages = [await connected(client), await connected(client)]
        await in_thread(notify, recipient=alice, kind="care_link", text="Something is new.")
        for socket in pages:
            event = await socket.receive_json_from(timeout=WAIT)
            assert event == {"kind": "badges", "messages": 0, "notifications": 1,
                             "announce": "You have a new notification."}
            await socket.disconnect()

    run(scenario)


def test_a_message_in_a_conversation_not_open_updates_the_badge_with_a_short_announcement(
    alice, linked_provider, conversation
):
    client = signed_in_client(alice)

    async def scenario():
        socket = await connected(client)
        await in_thread(lambda: services.send_message(conversation=conversation, sender=linked_provider,
                                                      body="A reply"))
        event = await socket.receive_json_from(timeout=WAIT)
        assert event == {"kind": "badges", "messages": 1, "notifications": 0, "announce": "You have a new message."}
        await socket.disconnect()

    run(scenario)
