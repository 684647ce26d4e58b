"""Live updates over WebSockets (Channels, on the Redis channel layer).

Each signed-in person's open pages share one group, ``user-<id>``; nothing else is ever joined, so a socket
can only hear what was sent to its own person. Events carry ids and kinds, never content: the consumer reads
what it shows from the database through the app's access rules, as the person it serves (message bodies are
encrypted at rest and never pass through Redis as text).

Senders call `send_to_user` after the commit (or `send_to_user_on_commit` inside a transaction). A channel
layer that is down must never turn a write into an error: the page still shows everything on the next load.

`LiveConsumer` is the socket itself: it lets in only a session that is fully signed in as the HTTP
middleware requires (active account, second factor where the role needs it, current terms), checks that
again before every event it passes on, and keeps the header's counters (messages, notifications) current.
Feature apps subclass it for their own events (messaging/consumers.py) and route it from their routing.py.
"""

import asyncio
import logging
import threading
from importlib import import_module
from types import SimpleNamespace

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from reconnect.middleware import mfa_required_for
from reconnect.services import consent_is_current

logger = logging.getLogger(__name__)

# Close codes the browser script reads: do not reconnect, the session is not (or no longer) signed in.
CLOSE_NOT_SIGNED_IN = 4401


def user_group(user_id) -> str:
    return f"user-{int(user_id)}"


def send_to_user(user_id, event) -> None:
    """Send `event` (a dict with a "type" naming the consumer's handler) to every open page of one person."""
    send_to_users([user_id], event)


def send_to_users(user_ids, event) -> None:
    """`send_to_user` for several people at once (one trip to the channel layer). Never raises."""
    layer = get_channel_layer()
    user_ids = list(user_ids)
    if layer is None or not user_ids:
        return

    async def send_all():
        for user_id in user_ids:
            await layer.group_send(user_group(user_id), event)

    try:
        if _event_loop_running():
            # Sync code called from a thread that runs an event loop (a test driving a browser, say): send
            # from a helper thread instead. Async code should await the channel layer itself.
            helper = threading.Thread(target=async_to_sync(send_all), daemon=True)
            helper.start()
            helper.join(timeout=5)
        else:
            async_to_sync(send_all)()
    except Exception:  # noqa: BLE001 - live delivery is a courtesy; the page shows it on the next load
        logger.warning("Could not send a live update.", exc_info=True)


def _event_loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def send_to_user_on_commit(user_id, event) -> None:
    """`send_to_user` once the current transaction has committed (at once outside a transaction)."""

    def send():
        send_to_user(user_id, event)

    send.live_update = True  # so that tests counting a service's other after-commit work can tell it apart
    transaction.on_commit(send, robust=True)


def is_live_update(callback) -> bool:
    """True for an after-commit callback registered by `send_to_user_on_commit`."""
    return getattr(callback, "live_update", False)


# --- Who is signed in on a socket ---------------------------------------------------------------------
def _second_factor_done(user, session) -> bool:
    """The same test django-otp's middleware makes: the session names a confirmed device of this user."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def signed_in_user(session_key):
    """The person whose session `session_key` is, if that session is fully signed in now, else None.

    "Fully" as reconnect.middleware requires for any page: the session exists and has not expired, the
    account is active and its password unchanged since sign-in, the second factor is done where the role
    needs it, and the newest terms are accepted. A half-signed-in session gets no live feed.
    """
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    user = auth.get_user(SimpleNamespace(session=store))
    if not user.is_authenticated or not user.is_active:
        return None
    if mfa_required_for(user) and not _second_factor_done(user, store):
        return None
    if not consent_is_current(user=user):
        return None
    return user


def header_counts(user_id) -> dict:
    from reconnect.models import User

    row = User.objects.filter(pk=user_id).values("unread_messages", "unread_notifications").first() or {}
    return {"messages": row.get("unread_messages", 0), "notifications": row.get("unread_notifications", 0)}


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """One socket per open page. Joins only its person's own group; refuses anyone not fully signed in."""

    async def connect(self):
        self.user = None
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        user = await database_sync_to_async(signed_in_user)(self.session_key)
        if user is None:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.user = user
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_badges()

    async def disconnect(self, code):
        if self.user is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def still_signed_in(self) -> bool:
        """Checked before passing anything on: sign-out, idle timeout, a deactivated account end the feed."""
        user = await database_sync_to_async(signed_in_user)(self.session_key)
        if user is None or user.pk != self.user.pk:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return False
        self.user = user
        return True

    async def send_badges(self, **extra):
        await self.send_counts(await database_sync_to_async(header_counts)(self.user.pk), **extra)

    async def send_counts(self, counts, **extra):
        """The header's badges (header_counts), with extras such as a sentence for screen readers when given."""
        await self.send_json({"kind": "badges", **counts, **{key: value for key, value in extra.items() if value}})

    def translated(self, text_function):
        """Run `text_function` in the person's own language (sockets have no request to take it from)."""
        with translation.override(self.user.preferred_language or None):
            return text_function()

    async def receive_json(self, content, **kwargs):
        """Messages from the page: {"action": ...}. Unknown or malformed ones are ignored."""
        if not isinstance(content, dict) or not isinstance(content.get("action"), str):
            return
        handler = getattr(self, f"action_{content['action']}", None)
        if handler is None:
            return
        if not await self.still_signed_in():
            return
        await handler(content)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # A frame that is not JSON is ignored rather than ending the socket with an error.
        if text_data is None or len(text_data) > 2000:
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            return
        await self.receive_json(content)

    # --- Events from the channel layer ----------------------------------------------------------------
    async def live_badges(self, event):
        """A counter changed (a notification was created, messages were read on another page)."""
        if not await self.still_signed_in():
            return
        announce = ""
        if event.get("notification"):
            announce = self.translated(lambda: gettext("You have a new notification."))
        await self.send_badges(announce=announce)
