from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(value):
    """"just now" for the last minute, else "3 hours ago": "0 minutes ago" reads oddly."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}


@register.simple_tag
def forum_author(author, url=None):
    """An author's pseudonym as the forum shows it: a link to their profile (members and the consultant, while
    active), the consultant's badge, or "a former member" for an account that is gone.

    `url` is the profile link when the view has it already (forum.views.rows), "" for none; without it, it is
    worked out here.
    """
    if not author:
        return format_html('<span class="forum-author muted">{}</span>', mark_safe(_("a former member")))
    if url is None:
        from forum.views.rows import member_url_maker

        url = member_url_maker()(author)
    if url:
        html = format_html('<a class="forum-author" href="{}">{}</a>', url, author.pseudonym)
    else:
        html = format_html('<span class="forum-author">{}</span>', author.pseudonym)
    if author.is_consultant:
        html += format_html(' <span class="badge-label">{}</span>', mark_safe(_("service user consultant")))
    return html
