"""The cafés' figures for the consultant's statistics (moderation.statistics finds this module by its name).

Counts only, from aggregate queries: each café that took place counts for its own community and the month it
started, with its answers, attendance and getting-there requests. Cancelled cafés and cafés still to come are
not counted. See forum/stats.py for the shape of monthly_counts.
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cafes.models import Cafe, CompanionMatch, CompanionRequest

TITLE = _("Cafés")
ORDER = 20  # where this section comes on the statistics page

FIGURES = [
    {"key": "cafes_held", "label": _("Cafés held"), "help": _("Cafés that took place (not cancelled).")},
    {"key": "cafes_going", "label": _("Answered “I'm going”"),
     "help": _("Places taken at the cafés held (answers of “I'm going”, not the waiting list).")},
    {"key": "cafes_attended", "label": _("Came to a café"),
     "help": _("People the consultant marked as having come, added up over the cafés held.")},
    {"key": "cafes_companion_requests", "label": _("Asked for company or a ride"),
     "help": _("Requests to meet someone before a café or for a ride there.")},
    {"key": "cafes_companion_matched", "label": _("Company or rides agreed"),
     "help": _("Requests matched with an offer that both people agreed to.")},
]


def _month(value):
    return timezone.localtime(value).date()


def monthly_counts(*, start, end):
    now = timezone.now()
    result = {}
    held = Q(status=Cafe.Status.PLANNED, starts_at__lt=now)
    cafes = (Cafe.objects.filter(held, starts_at__gte=start, starts_at__lt=end)
             .annotate(month=TruncMonth("starts_at"))
             .values("community_id", "month")
             .annotate(held=Count("id"), going=Sum("going_count"), attended=Sum("attended_count"))
             .order_by())
    for row in cafes:
        for figure, name in (("cafes_held", "held"), ("cafes_going", "going"), ("cafes_attended", "attended")):
            if row[name]:
                result[(row["community_id"], _month(row["month"]), figure)] = row[name]

    # The same cafés as above: held, in the months asked for.
    in_range = {"cafe__starts_at__gte": start, "cafe__starts_at__lt": min(now, end),
                "cafe__status": Cafe.Status.PLANNED}
    requests = (CompanionRequest.objects.filter(kind__endswith="_wanted", **in_range)
                .annotate(month=TruncMonth("cafe__starts_at"))
                .values("cafe__community_id", "month")
                .annotate(n=Count("id"))
                .order_by())
    for row in requests:
        result[(row["cafe__community_id"], _month(row["month"]), "cafes_companion_requests")] = row["n"]

    matched = (CompanionMatch.objects
               .filter(status=CompanionMatch.Status.ACCEPTED,
                       **{f"wanted__{key}": value for key, value in in_range.items()})
               .annotate(month=TruncMonth("wanted__cafe__starts_at"))
               .values("wanted__cafe__community_id", "month")
               .annotate(n=Count("id"))
               .order_by())
    for row in matched:
        result[(row["wanted__cafe__community_id"], _month(row["month"]), "cafes_companion_matched")] = row["n"]
    return result
