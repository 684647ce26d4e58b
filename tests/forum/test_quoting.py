"""Quoting a post into a reply: the reply form starts with the post as a Markdown blockquote."""

import html

from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.markdown import render_markdown
from forum.models import Post
from forum.quoting import QUOTE_MAX, quote_as_markdown
from tests.factories import UserFactory
from tests.forum.factories import make_reply, make_thread


def _reply_url(thread, quote):
    return reverse("forum:reply", args=[thread.pk]) + f"?quote={quote}"


def _reply_body(client, thread, quote):
    """What the reply form's text box holds when the reply page opens with ?quote=…"""
    response = client.get(_reply_url(thread, quote))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("<textarea")
    start = page.index(">", start) + 1
    return html.unescape(page[start:page.index("</textarea>", start)]).lstrip("\n")


def test_quoting_fills_the_reply_with_the_post_as_a_blockquote_and_a_blank_line(alice, bob, alice_client, board):
    thread = make_thread(author=bob, board=board, body="Line one.\n\nLine *two*.")
    post = thread.posts.get()
    body = _reply_body(alice_client, thread, post.pk)
    assert body == "**Driftwood wrote:**\n> Line one.\n>\n> Line *two*.\n\n"


def test_the_quote_renders_as_a_blockquote_with_the_writers_pseudonym():
    rendered = render_markdown("**Driftwood wrote:**\n> Line one.\n>\n> Line *two*.\n\nI feel the same.")
    assert rendered.startswith("<p><strong>Driftwood wrote:</strong></p>\n<blockquote>")
    assert "<p>Line <em>two</em>.</p>\n</blockquote>" in rendered
    assert rendered.endswith("<p>I feel the same.</p>")


def test_a_pseudonym_with_underscores_is_quoted_as_written(north, board, alice):
    writer = UserFactory(pseudonym="sea_bird_", community=north)
    post = make_thread(author=writer, board=board, body="Hello").posts.get()
    rendered = render_markdown(quote_as_markdown(post))
    assert "<strong>sea_bird_ wrote:</strong>" in rendered


def test_a_very_long_post_is_shortened_to_about_a_thousand_characters(alice, bob, alice_client, board):
    words = " ".join(f"word{n}" for n in range(600))
    thread = make_thread(author=bob, board=board, body=words)
    body = _reply_body(alice_client, thread, thread.posts.get().pk)
    quoted = body.split("\n")[1]
    assert quoted.startswith("> word0 word1")
    assert quoted.endswith("…")
    assert QUOTE_MAX * 0.8 < len(quoted) <= QUOTE_MAX + 3
    assert not quoted[:-1].endswith("wor"), "cut at a word"


def test_a_post_from_another_thread_is_not_quoted(alice, bob, alice_client, board):
    here = make_thread(author=bob, board=board, title="Here")
    elsewhere = make_thread(author=bob, board=board, title="Elsewhere", body="Text from elsewhere")
    body = _reply_body(alice_client, here, elsewhere.posts.get().pk)
    assert body == ""


def test_a_post_in_a_thread_you_cannot_see_leaks_nothing(alice, bob, bob_client, board):
    secret = make_thread(author=alice, board=board, community=alice.community, body="Only for Nordby people")
    open_thread = make_thread(author=bob, board=board)
    response = bob_client.get(_reply_url(open_thread, secret.posts.get().pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Only for Nordby people" not in page and "Lighthouse" not in page
    assert _reply_body(bob_client, open_thread, secret.posts.get().pk) == ""


def test_a_quote_parameter_that_is_not_a_post_is_ignored(alice, bob, alice_client, board):
    thread = make_thread(author=bob, board=board)
    for value in ("abc", "", "-1", "99999999999999999999999", "1.5", "987654"):
        assert _reply_body(alice_client, thread, value) == "", value


def test_deleted_and_hidden_posts_cannot_be_quoted(alice, bob, alice_client, bob_client, board):
    thread = make_thread(author=bob, board=board)
    deleted = make_reply(thread=thread, author=bob, body="Soon deleted")
    hidden = make_reply(thread=thread, author=bob, body="Soon hidden")
    services.delete_own_post(post=deleted, author=bob)
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    assert _reply_body(alice_client, thread, deleted.pk) == ""
    assert _reply_body(alice_client, thread, hidden.pk) == ""
    # Not even by the author of the hidden post, who can still see it.
    assert _reply_body(bob_client, thread, hidden.pk) == ""


def test_a_post_by_a_former_member_is_quoted_without_a_name(alice, alice_client, north, board):
    leaver = UserFactory(community=north, pseudonym="Leaver")
    thread = make_thread(author=leaver, board=board, body="Goodbye")
    leaver.delete()
    body = _reply_body(alice_client, thread, thread.posts.get().pk)
    assert body == "**A former member wrote:**\n> Goodbye\n\n"


def test_posts_offer_a_quote_link_to_those_who_can_reply(alice, bob, alice_client, admin_client, board):
    thread = make_thread(author=bob, board=board)
    post = thread.posts.get()
    link = f'href="{_reply_url(thread, post.pk)}"'
    assert link in alice_client.get(thread.get_absolute_url()).content.decode()
    assert link not in admin_client.get(thread.get_absolute_url()).content.decode(), "admins read only"
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    assert link not in alice_client.get(thread.get_absolute_url()).content.decode(), "not for a hidden post"


def test_a_locked_thread_offers_no_quote_link(alice, bob, alice_client, board):
    thread = make_thread(author=bob, board=board)
    thread.is_locked = True
    thread.save(update_fields=["is_locked"])
    page = alice_client.get(thread.get_absolute_url()).content.decode()
    assert "?quote=" not in page


def test_quoting_and_sending_posts_the_reply_with_the_quote(alice, bob, alice_client, board):
    thread = make_thread(author=bob, board=board, body="Small steps.")
    body = _reply_body(alice_client, thread, thread.posts.get().pk) + "Yes, small steps helped me too."
    alice_client.post(reverse("forum:reply", args=[thread.pk]), {"body": body})
    reply = thread.posts.get(number=2)
    assert reply.author == alice
    assert "<blockquote>\n<p>Small steps.</p>\n</blockquote>" in reply.body_html
    assert "<strong>Driftwood wrote:</strong>" in reply.body_html
