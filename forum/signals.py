"""Signals the forum sends, so the moderation app can keep its log without the forum importing it
(dependencies point one way: DESIGN.md, Architecture)."""

from django.dispatch import Signal

# Sent inside the transaction of every moderation action that changed something (pin, lock, move, hide,
# restore, slow mode, pausing a member's posting). Arguments: moderator, action (a short name such as "hide"),
# target (the Thread, Post or member), subject_user (whom it concerns, may be None), reason (text, may be "")
# and detail (a short description for the audit trail). The moderation log is written in the same transaction.
moderated = Signal()
