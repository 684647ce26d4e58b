"""The live socket's messaging part: new messages on an open conversation page, and the unread badge.

The page asks to follow the conversation it shows ({"action": "follow", "conversation": id, "after": number});
the consumer says yes only if this person can open that conversation now (messaging.access, so a provider
whose care link ended is refused), and checks again before every message it passes on. A followed
conversation's new messages arrive as the same HTML partial the page renders, drawn for this person
(names as they see them, in their language), with a short sentence for screen readers.
"""

from channels.db import database_sync_to_async
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from messaging import access, services
from messaging.models import MESSAGES_PER_PAGE
from reconnect.live import (
    CLOSE_NOT_SIGNED_IN,
    LiveConsumer,
    header_counts,
    send_to_user,
    send_to_users,
    signed_in_user,
)

# One page follows one conversation; a few allow for a page that changes what it shows.
MAX_FOLLOWED = 5


def _as_id(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value < 2**31 else None


def _as_number(value):
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value < 2**31 else None


def can_follow(user, conversation_id) -> bool:
    """Can `user` open conversation `conversation_id` now? (The same rule as the conversation page.)"""
    return access.conversations_visible_to(user).filter(pk=conversation_id).exists()


def rendered_messages(user, conversation_id, *, after=0, only=None):
    """The messages of a conversation `user` can open, numbered above `after` (or just `only`), as the
    conversation page draws them for `user`; (html, newest number, sender names of others' messages).
    None when `user` cannot open the conversation (now)."""
    conversation = access.conversations_visible_to(user).filter(pk=conversation_id).first()
    if conversation is None:
        return None
    messages = conversation.messages.select_related("sender", "attachment").filter(number__gt=after)
    if only is not None:
        messages = messages.filter(number=only)
    shown = list(messages.order_by("-number")[:MESSAGES_PER_PAGE])[::-1]
    now = timezone.now()
    parts, names = [], []
    for message in shown:
        # As messaging.views._conversation_context does for the page.
        message.sender_name = access.display_name(user, message.sender) if message.sender else gettext(
            "A former member")
        message.is_mine = message.sender_id == user.pk
        message.is_read = False  # just arrived: nobody else has read it yet
        message.changeable = message.is_mine and message.can_change(now=now)
        message.file = getattr(message, "attachment", None)
        parts.append(render_to_string("messaging/_message.html", {"message": message}))
        if not message.is_mine:
            names.append(message.sender_name)
    return "".join(parts), (shown[-1].number if shown else 0), names


def read_up_to(user, conversation_id):
    """Up to which message everyone else who can open the conversation has read it (as the page shows
    "Read" on one's own messages); None when `user` cannot open it."""
    conversation = access.conversations_visible_to(user).filter(pk=conversation_id).first()
    if conversation is None:
        return None
    others = [p for p in access.participants_with_access(conversation) if p.user_id != user.pk]
    return min((p.last_read_number for p in others), default=0) if others else 0


def others_in(conversation_id, user):
    """The other people who can open a conversation `user` can open (for telling them it was read)."""
    conversation = access.conversations_visible_to(user).filter(pk=conversation_id).first()
    if conversation is None:
        return []
    return [p.user_id for p in access.participants_with_access(conversation) if p.user_id != user.pk]


def mark_read(user, conversation_id, number) -> bool:
    """The person saw messages up to `number` on their open page; never past the conversation's newest."""
    conversation = access.conversations_visible_to(user).filter(pk=conversation_id).first()
    if conversation is None:
        return False
    cleared = services.mark_conversation_read(
        conversation=conversation, user=user, up_to_number=min(number, conversation.message_count),
    )
    if cleared:
        # The person's other pages show the badge going down too; the others' pages show "Read".
        send_to_user(user.pk, {"type": "live.badges"})
        send_to_users(others_in(conversation_id, user), {"type": "messaging.read", "conversation": conversation_id})
    return bool(cleared)


class MessagingLiveConsumer(LiveConsumer):
    async def connect(self):
        self.following = set()
        await super().connect()

    async def action_follow(self, content):
        conversation_id = _as_id(content.get("conversation"))
        after = _as_number(content.get("after"))
        if conversation_id is None or after is None:
            return
        allowed = len(self.following) < MAX_FOLLOWED and await database_sync_to_async(can_follow)(
            self.user, conversation_id
        )
        if not allowed:
            await self.send_json({"kind": "refused", "conversation": conversation_id})
            return
        self.following.add(conversation_id)
        # Anything sent between the page being drawn and this socket opening (or while it was reconnecting),
        # then the answer: once the page has it, everything new comes as it is sent.
        if await self.send_messages(conversation_id, after=after) is not False:
            await self.send_json({"kind": "following", "conversation": conversation_id})
            await self.send_read_state(conversation_id)  # it may have been read while the page loaded

    async def action_unfollow(self, content):
        self.following.discard(_as_id(content.get("conversation")))

    async def action_read(self, content):
        conversation_id, number = _as_id(content.get("conversation")), _as_id(content.get("number"))
        if conversation_id in self.following and number is not None:
            await database_sync_to_async(mark_read)(self.user, conversation_id, number)

    async def send_messages(self, conversation_id, *, after=0, only=None):
        """Send the conversation's messages above `after` (or just `only`); False if it may not be opened now."""
        rendered = await database_sync_to_async(
            lambda: self.translated(lambda: rendered_messages(self.user, conversation_id, after=after, only=only))
        )()
        return await self.deliver(conversation_id, rendered)

    async def deliver(self, conversation_id, rendered):
        """Pass on what rendered_messages drew; False (and stop following) when it may not be opened now."""
        if rendered is None:
            # Not (or no longer) this person's to open (a care link ended): stop following it.
            self.following.discard(conversation_id)
            await self.send_json({"kind": "refused", "conversation": conversation_id})
            return False
        html, newest, names = rendered
        if not html:
            return True
        announce = ""
        if names:
            announce = self.translated(
                lambda: gettext("New message from %(name)s.") % {"name": names[-1]}
            )
        await self.send_json({
            "kind": "messages", "conversation": conversation_id, "newest": newest, "html": html,
            "announce": announce,
        })
        return True

    # --- Events from the channel layer ----------------------------------------------------------------
    async def messaging_message(self, event):
        """A message was sent in a conversation this person takes part in (see services.message_sent)."""
        conversation_id, number = event.get("conversation"), event.get("number")
        mine = event.get("sender") == self.user.pk
        following = conversation_id in self.following
        # Everything the event needs from the database in one trip: under load each trip waits for the
        # process's one database thread.
        found = await database_sync_to_async(self.message_event_data)(conversation_id, number, following, mine)
        if found is None:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        rendered, counts, up_to = found
        if following:
            await self.deliver(conversation_id, rendered)
            await self.send_counts(counts)
            if not mine:
                await self.send_read_label(conversation_id, up_to)  # whoever writes has read what came before
        else:
            announce = "" if mine else self.translated(lambda: gettext("You have a new message."))
            await self.send_counts(counts, announce=announce)

    def message_event_data(self, conversation_id, number, following, mine):
        """(the new message drawn for this person or None, header counts, read-up-to or None); None when the
        socket's session is no longer fully signed in (as still_signed_in checks)."""
        user = signed_in_user(self.session_key)
        if user is None or user.pk != self.user.pk:
            return None
        self.user = user
        rendered = up_to = None
        if following:
            rendered = self.translated(lambda: rendered_messages(user, conversation_id, only=number))
            if not mine:
                up_to = read_up_to(user, conversation_id)
        return rendered, header_counts(user.pk), up_to

    async def messaging_read(self, event):
        """Someone else in a conversation read it: the sender's open page shows "Read" on their messages."""
        conversation_id = event.get("conversation")
        if conversation_id in self.following and await self.still_signed_in():
            await self.send_read_state(conversation_id)

    async def send_read_state(self, conversation_id):
        up_to = await database_sync_to_async(read_up_to)(self.user, conversation_id)
        await self.send_read_label(conversation_id, up_to)

    async def send_read_label(self, conversation_id, up_to):
        if up_to:
            label = self.translated(lambda: gettext("Read"))
            await self.send_json({"kind": "read", "conversation": conversation_id, "up_to": up_to, "label": label})
