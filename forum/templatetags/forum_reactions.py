from django import template

from forum.reactions import summarise

register = template.Library()


@register.simple_tag
def reaction_summary(post, user):
    """The post's reactions as `user` sees them: one entry per kind with its count, "mine" and pseudonyms."""
    return summarise(post, user)
