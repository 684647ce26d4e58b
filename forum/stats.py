"""The forum's figures for the consultant's statistics (moderation.statistics finds this module by its name).

Counts only, from aggregate queries grouped by community and calendar month (in the portal's time zone): never
who, never what was written. A figure belongs to the community of the member it is about (the writer, the
reader, the writer of a reported post), so a shared thread's posts count for each writer's own community and
distinct members add up across communities (everyone belongs to one). Posts by the consultant and by deleted
accounts (no community) are not counted.

monthly_counts(start=, end=) returns {(community_id, month, figure): count}, month being the first day of the
month as a date; `start` and `end` are aware datetimes on month boundaries.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.models import Post, PostFlag, PostReport, ThreadView

TITLE = _("Forum")
ORDER = 10  # where this section comes on the statistics page

FIGURES = [
    {"key": "forum_active_members", "label": _("Active members"),
     "help": _("Members who read or wrote at least one thread in the forum that month.")},
    {"key": "forum_members_posted", "label": _("Members who wrote"),
     "help": _("Members who wrote at least one post or new thread that month.")},
    {"key": "forum_posts", "label": _("Posts written"),
     "help": _("Posts and new threads written by members (not by the service user consultant).")},
    {"key": "forum_thread_views", "label": _("Thread views"),
     "help": _("Threads opened by members, each person counted once per thread per day.")},
    {"key": "forum_reports", "label": _("Reports"),
     "help": _("Posts reported by members, counted for the community of the post's writer.")},
    {"key": "forum_crisis_flags", "label": _("Crisis flags"),
     "help": _("Posts sent despite the crisis check, for the consultant to reach out.")},
    {"key": "forum_privacy_flags", "label": _("Privacy flags"),
     "help": _("Posts sent despite the privacy check, for the consultant to suggest an edit.")},
    {"key": "forum_handled", "label": _("Reports and flags handled"),
     "help": _("Reports and flags raised that month which have been handled since.")},
    # Stored as the total minutes; shown as the average of forum_handled (moderation.statistics).
    {"key": "forum_handling_minutes", "label": _("Average time to handle (hours)"),
     "average_of": "forum_handled",
     "help": _("From the report or flag to its handling, on average, for those raised that month.")},
]


def _month(value):
    """TruncMonth gives an aware datetime in the current time zone; the summary keeps the date."""
    return timezone.localtime(value).date() if hasattr(value, "hour") else value


def _add(result, rows, community, figure_counts):
    for row in rows:
        if row[community] is None:
            continue
        for figure, name in figure_counts.items():
            value = row[name]
            if hasattr(value, "total_seconds"):
                value = int(value.total_seconds() // 60)
            if value:
                result[(row[community], _month(row["month"]), figure)] = value


def monthly_counts(*, start, end):
    result = {}
    members = Q(author__role="service_user", author__community__isnull=False)
    posts = (Post.objects.filter(members, created_at__gte=start, created_at__lt=end)
             .annotate(month=TruncMonth("created_at"))
             .values("author__community_id", "month")
             .annotate(posts=Count("id"), writers=Count("author_id", distinct=True))
             .order_by())
    _add(result, posts, "author__community_id", {"forum_posts": "posts", "forum_members_posted": "writers"})

    views = (ThreadView.objects.filter(user__role="service_user", day__gte=timezone.localtime(start).date(),
                                       day__lt=timezone.localtime(end).date())
             .annotate(month=TruncMonth("day"))
             .values("user__community_id", "month")
             .annotate(views=Count("id"))
             .order_by())
    _add(result, views, "user__community_id", {"forum_thread_views": "views"})

    handled = Q(handled_at__isnull=False)
    duration = ExpressionWrapper(F("handled_at") - F("created_at"), output_field=DurationField())
    kinds = {
        PostReport: {"forum_reports": Count("id")},
        PostFlag: {"forum_crisis_flags": Count("id", filter=Q(kind="crisis")),
                   "forum_privacy_flags": Count("id", filter=Q(kind="privacy"))},
    }
    for model, raised in kinds.items():
        rows = (model.objects
                .filter(created_at__gte=start, created_at__lt=end, post__author__role="service_user")
                .annotate(month=TruncMonth("created_at"))
                .values("post__author__community_id", "month")
                .annotate(handled=Count("id", filter=handled), minutes=Sum(duration, filter=handled),
                          **raised)
                .order_by())
        _add(result, rows, "post__author__community_id", {name: name for name in raised})
        # Reports and flags are handled alike: their counts and minutes add up into one pair of figures.
        for row in rows:
            if row["post__author__community_id"] is None or not row["handled"]:
                continue
            key = (row["post__author__community_id"], _month(row["month"]))
            minutes = int(row["minutes"].total_seconds() // 60)
            for figure, value in (("forum_handled", row["handled"]), ("forum_handling_minutes", minutes)):
                result[(*key, figure)] = result.get((*key, figure), 0) + value

    result.update(_active_members(start=start, end=end))
    return result


def _active_members(*, start, end):
    """Members who wrote or read in the month: one count of distinct people over both, which the ORM cannot
    group as one set, so plain SQL (still one aggregate query)."""
    tz = timezone.get_current_timezone_name()
    sql = f"""
        SELECT u.community_id, a.month, COUNT(DISTINCT a.user_id)
        FROM (
            SELECT author_id AS user_id, date_trunc('month', created_at AT TIME ZONE %s)::date AS month
            FROM {Post._meta.db_table}
            WHERE created_at >= %s AND created_at < %s AND author_id IS NOT NULL
            UNION ALL
            SELECT user_id, date_trunc('month', day)::date
            FROM {ThreadView._meta.db_table}
            WHERE day >= %s AND day < %s
        ) a
        JOIN {get_user_model()._meta.db_table} u ON u.id = a.user_id
        WHERE u.role = 'service_user' AND u.community_id IS NOT NULL
        GROUP BY u.community_id, a.month
    """
    params = [tz, start, end, timezone.localtime(start).date(), timezone.localtime(end).date()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(community, month, "forum_active_members"): count for community, month, count in rows}
