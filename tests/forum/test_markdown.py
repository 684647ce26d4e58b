"""Markdown is rendered once on save and sanitised: no script, no event handler, no javascript: URL, ever."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from forum.markdown import render_markdown
from tests.forum.factories import make_thread

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![pic](https://tracker.example/pixel.png)",
    '<iframe src="https://evil.example"></iframe>',
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "[x](https://ok.example \"title\" onmouseover=alert(1))",
    "<!-- <script>alert(1)</script> -->",
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[a](<javascript:alert(1)>)",
    "<https://ok.example/\"onmouseover=\"alert(1)>",
    "<javascript:alert(1)>",
]

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a", "code", "pre"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def _problems(html):
    parser = _Collector()
    parser.feed(html)
    problems = [f"tag <{tag}>" for tag in parser.tags if tag not in ALLOWED_TAGS]
    for tag, name, value in parser.attributes:
        if name.startswith("on"):
            problems.append(f"{name} on <{tag}>")
        if name == "href" and not re.match(r"^(https?:|mailto:)", value.strip(), re.I):
            problems.append(f"href {value!r}")
        if name not in {"href", "rel", "start"}:
            problems.append(f"attribute {name}")
    return problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_leaves_a_script_a_handler_or_a_dangerous_url(payload):
    html = render_markdown(payload)
    assert _problems(html) == [], html
    assert "<script" not in html.lower()


def test_the_checker_itself_catches_dangerous_html():
    assert _problems('<a href="javascript:x" onclick="y">z</a><img src=x>')


def test_allowed_formatting_survives():
    html = render_markdown("*soft* **strong**\n\n- one\n- two\n\n> a quote\n\n[a link](https://example.org)\n\n`code`")
    for fragment in ("<em>soft</em>", "<strong>strong</strong>", "<li>one</li>", "<blockquote>",
                     '<a href="https://example.org" rel="nofollow noopener">a link</a>', "<code>code</code>"):
        assert fragment in html


def test_a_link_to_a_mail_address_keeps_its_href_and_relative_links_lose_theirs():
    assert 'href="mailto:someone@example.org"' in render_markdown("[mail](mailto:someone@example.org)")
    assert "href" not in render_markdown("[in](/admin/)")


def test_images_are_never_shown():
    assert "<img" not in render_markdown("![a picture](https://example.org/p.png)")


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:8])
def test_payloads_posted_through_the_form_are_harmless_on_the_thread_page(alice_client, bob_client, board, payload):
    alice_client.post(reverse("forum:thread_create", args=[board.slug]), {"title": "Test", "body": payload})
    from forum.models import Post

    post = Post.objects.get()
    assert _problems(post.body_html) == []
    page = bob_client.get(post.thread.get_absolute_url()).content.decode()
    body = page.split('class="forum-post-body">', 1)[1].split("</div>", 1)[0]
    assert _problems(body) == []


def test_body_html_is_rendered_once_on_save_not_on_read(alice, board):
    from forum.models import Post

    post = make_thread(author=alice, board=board, body="**bold**").posts.get()
    Post.objects.filter(pk=post.pk).update(body="*changed behind the service's back*")
    post.refresh_from_db()
    assert post.body_html == "<p><strong>bold</strong></p>"
