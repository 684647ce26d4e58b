"""Quoting a post into a reply: the reply form starts with the post as a Markdown blockquote.

    **Lighthouse wrote:**
    > the quoted text, line by line
    > …

    (the reply goes here)
"""

import re

from django.http import Http404
from django.utils.translation import gettext as _

from forum import access

# Long posts are cut to about this many characters (at a word, when one is near), with "…".
QUOTE_MAX = 1000

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#])")


def _escape(text):
    # Pseudonyms may hold "_" (letters, digits, "_", "-", spaces): keep them from turning into emphasis.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _shorten(text, limit=QUOTE_MAX):
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def quote_as_markdown(post) -> str:
    """`post`'s text as a Markdown blockquote under "**<pseudonym> wrote:**", then a blank line to reply on."""
    name = post.author.pseudonym if post.author else _("A former member")
    text = _shorten(post.body.replace("\r\n", "\n").strip())
    lines = [f"> {line}".rstrip() for line in text.split("\n")]
    heading = _("%(name)s wrote:") % {"name": _escape(name)}
    return f"**{heading}**\n" + "\n".join(lines) + "\n\n"


def quote_for_reply(user, thread, post_id) -> str:
    """The quote to start `user`'s reply in `thread` with, for the `?quote=` parameter `post_id`; "" when
    there is nothing to quote: not a number, a post `user` may not see, a post in another thread, a deleted
    or hidden post. Each of those looks the same, so the parameter tells nobody anything."""
    try:
        post = access.get_post_for(user, int(post_id))
    except (TypeError, ValueError, OverflowError, Http404):
        return ""
    if post.thread_id != thread.pk or post.is_deleted or post.is_hidden:
        return ""
    return quote_as_markdown(post)
