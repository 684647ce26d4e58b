"""Markdown to safe HTML, once, when a post is saved.

Two layers: markdown-it-py with html=False never passes raw HTML through (it is shown as text), and nh3 then
keeps only an allow-list of tags and attributes, and links only to http, https and mailto. No images at all:
an image from outside would tell another server who is reading the forum.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "a", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_md = (
    MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    # Headings, images, rules and reference-less HTML have no place in a post: written as text they stay text.
    .disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
)


def render_markdown(text: str) -> str:
    """Sanitised HTML for `text` (Markdown). Safe to mark safe in a template."""
    html = _md.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        url_relative="deny",
        link_rel="nofollow noopener",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    ).strip()
