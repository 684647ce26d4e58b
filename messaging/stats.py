"""Messaging's figures for the consultant's statistics (moderation.statistics finds this module by its name).

Counts of messages only, never a subject, a body or who wrote to whom. A message counts for the community of
the member whose conversation it is, in the month it was sent; withdrawn messages are not counted. See
forum/stats.py for the shape of monthly_counts.
"""

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.models import Message

TITLE = _("Messages")
ORDER = 30  # where this section comes on the statistics page

FIGURES = [
    {"key": "messages_from_members", "label": _("Messages from members"),
     "help": _("Messages members sent to their care team or to the service user consultant.")},
    {"key": "messages_to_members", "label": _("Messages to members"),
     "help": _("Messages care teams and the service user consultant sent to members.")},
    {"key": "messages_members_writing", "label": _("Members who wrote a message"),
     "help": _("Members who sent at least one message that month.")},
]


def monthly_counts(*, start, end):
    from_member = Q(sender_id=F("conversation__service_user_id"))
    rows = (Message.objects
            .filter(created_at__gte=start, created_at__lt=end, withdrawn_at__isnull=True,
                    conversation__service_user__community__isnull=False)
            .annotate(month=TruncMonth("created_at"))
            .values("conversation__service_user__community_id", "month")
            .annotate(sent=Count("id", filter=from_member), received=Count("id", filter=~from_member),
                      writers=Count("sender_id", distinct=True, filter=from_member))
            .order_by())
    result = {}
    for row in rows:
        month = timezone.localtime(row["month"]).date()
        for figure, name in (("messages_from_members", "sent"), ("messages_to_members", "received"),
                             ("messages_members_writing", "writers")):
            if row[name]:
                result[(row["conversation__service_user__community_id"], month, figure)] = row[name]
    return result
