"""The moderation queue's figures for the statistics (moderation.statistics finds this module like the others).

How quickly posts nobody had answered were seen to: the "waiting for an answer" reasons of the queue, counted
for the community of the item, in the month the post came into the queue (items about shared threads by members of no
community are not counted). Reports and flags are counted by the forum (forum/stats.py), from their own
handled times, which the queue sets. See forum/stats.py for the shape of monthly_counts.
"""

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import QueueKind, QueueReason, QueueState

TITLE = _("Moderation queue")
ORDER = 15  # right after the forum

FIGURES = [
    {"key": "queue_waiting", "label": _("Posts waiting for an answer"),
     "help": _("Threads and posts that had no reply for a while and came into the queue.")},
    {"key": "queue_waiting_done", "label": _("Waiting posts seen to"),
     "help": _("Of those, the ones the service user consultant has answered or marked as handled.")},
    {"key": "queue_waiting_minutes", "label": _("Average time until seen to (hours)"),
     "average_of": "queue_waiting_done",
     "help": _("From coming into the queue to being seen to, on average, for those raised that month.")},
]


def monthly_counts(*, start, end):
    # One "waiting" reason per post that waited (an item may carry a report too, and then shows as a report).
    done = Q(item__state=QueueState.DONE)
    duration = ExpressionWrapper(F("item__done_at") - F("created_at"), output_field=DurationField())
    rows = (QueueReason.objects
            .filter(kind=QueueKind.WAITING, item__community__isnull=False, created_at__gte=start, created_at__lt=end)
            .annotate(month=TruncMonth("created_at"))
            .values("item__community_id", "month")
            .annotate(raised=Count("id"), done=Count("id", filter=done), minutes=Sum(duration, filter=done))
            .order_by())
    result = {}
    for row in rows:
        key = (row["item__community_id"], timezone.localtime(row["month"]).date())
        result[(*key, "queue_waiting")] = row["raised"]
        if row["done"]:
            result[(*key, "queue_waiting_done")] = row["done"]
            result[(*key, "queue_waiting_minutes")] = max(0, int(row["minutes"].total_seconds() // 60))
    return result
