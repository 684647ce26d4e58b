"""Signals the core sends, so feature apps can react without the core importing them (dependencies point one
way: DESIGN.md, Architecture)."""

from django.dispatch import Signal

# Sent after the commit that ended a care link, once per link. Arguments: link (the CareLink, with ended_at
# set) and by (who ended it). Messaging, for one, takes the provider's unread messages there off their badge.
care_link_ended = Signal()
