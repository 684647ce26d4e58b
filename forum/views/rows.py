"""What the thread and board pages show for each post or thread, worked out in one pass in the view.

A page of 20 posts (or 25 threads) made each row reverse its own links, format its own dates and ask again
what the view already knew (may this reader post, moderate, react). Here each address is reversed once with a
placeholder and filled in per row, the date format is read once, and the answers are plain attributes on the
rows, so the templates only print them.
"""

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import gettext

from forum.reactions import summarise

# Fits <int:...> and <str:...> alike, and is in no fixed part of the forum's addresses.
_PLACEHOLDER = "9081726354"
# What reverse() leaves unquoted in an argument (django.urls.resolvers: RFC3986_SUBDELIMS + "/~:@").
_SAFE = "!$&'()*+,;=" + "/~:@"


@lru_cache(maxsize=128)
def _url_parts(viewname, script_prefix, urlconf):
    url = reverse(viewname, args=[_PLACEHOLDER], urlconf=urlconf)
    head, found, tail = url.partition(_PLACEHOLDER)
    assert found and _PLACEHOLDER not in tail, url
    return head, tail


def url_maker(viewname):
    """A function value → the address of `viewname` with that one argument, as reverse() gives it.

    An empty argument or one with "/" (which reverse() refuses for <str:...>) goes through reverse() itself.
    """
    head, tail = _url_parts(viewname, get_script_prefix(), get_urlconf())

    def url(value):
        text = str(value)
        if not text or "/" in text:
            return reverse(viewname, args=[value])
        return f"{head}{quote(text, safe=_SAFE)}{tail}"

    return url


def member_url_maker():
    """The member profile link for an author, or "" when the author has no profile page to link to."""
    member_url = url_maker("forum:member")

    def url(author):
        if author is not None and author.is_active and (author.is_service_user or author.is_consultant):
            return member_url(author.pseudonym)
        return ""

    return url


class _Dates:
    """Dates as the `date` filter writes them ('c' and "DATETIME_FORMAT"), the format read once a page."""

    def __init__(self):
        self.datetime_format = get_format("DATETIME_FORMAT")

    @staticmethod
    def iso(value):
        return timezone.localtime(value).isoformat()

    def text(self, value):
        return dateformat.format(timezone.localtime(value), self.datetime_format)


def show_reactions(post, *, user, can_post, react_url=None):
    """What the post's reaction block (forum/_post_reactions.html) needs, set on the post."""
    post.shows_reactions = not post.is_deleted and not post.is_hidden
    post.reaction_summaries = summarise(post, user) if post.shows_reactions else []
    post.has_reactions = bool(post.thanks_count or post.hug_count or post.me_too_count)
    post.may_react = can_post and post.author_id != user.pk
    post.react_url = react_url(post.pk) if react_url else reverse("forum:react", args=[post.pk])


def show_posts(posts, *, user, thread, last_read, can_post, can_moderate):
    """Set on each post of the thread page what its article shows: links, dates, labels and what may be done."""
    dates = _Dates()
    member_url = member_url_maker()
    reply_url = reverse("forum:reply", args=[thread.pk])
    urls = {name: url_maker(f"forum:{name}") for name in (
        "post_edit", "post_delete", "post_report", "react", "post_hide", "post_restore", "post_revisions")}
    may_quote = can_post and not thread.is_locked
    is_service_user = user.is_service_user
    user_pk = user.pk
    for post in posts:
        pk = post.pk
        post.is_new = post.number > last_read
        post.is_own = post.author_id == user_pk
        post.author_url = member_url(post.author)
        post.created_iso = dates.iso(post.created_at)
        post.created_text = dates.text(post.created_at)
        post.edited_text = dates.text(post.edited_at) if post.edited_at else ""
        # "post 3", read by screen readers after each action's name ("Edit post 3").
        post.label = gettext("post %(number)s") % {"number": post.number}
        post.shows_body = not post.is_deleted and (not post.is_hidden or post.is_own or can_moderate)
        post.quote_url = f"{reply_url}?quote={pk}" if may_quote and not post.is_hidden else ""
        post.may_edit = can_post and post.is_own
        post.report_url = urls["post_report"](pk) if is_service_user and not post.is_hidden else ""
        if post.may_edit:
            post.edit_url = urls["post_edit"](pk)
            post.delete_url = urls["post_delete"](pk)
        if can_moderate:
            post.hide_url = urls["post_hide"](pk)
            post.restore_url = urls["post_restore"](pk)
            post.revisions_url = urls["post_revisions"](pk)
        show_reactions(post, user=user, can_post=can_post, react_url=urls["react"])
    return posts


def show_threads(threads):
    """Set on each thread of a board (or circle) page its links, so a row does not reverse them itself."""
    thread_url = url_maker("forum:thread")
    unread_url = url_maker("forum:thread_unread")
    member_url = member_url_maker()
    for thread in threads:
        thread.url = thread_url(thread.pk)
        thread.unread_url = unread_url(thread.pk)
        thread.author_url = member_url(thread.author)
        # The row names the last post's author only under replies (as the template does: not a query more).
        last_post = thread.last_post if thread.reply_count else None
        thread.last_author_url = member_url(last_post.author) if last_post is not None else ""
    return threads
