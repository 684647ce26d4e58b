"""The cafés' reminder sweep for 10,000 answers, timed once, in process.

Run by bench/runner.py as `python -m bench.sweep OUT.json [RSVPS]` with the server's environment (the seeded
benchmark database; no server needs to run). Steps:

1. The sweep runs once untimed, so reminders that the seed's own cafés happen to have due now are sent and
   only the answers made here count.
2. Cafés starting in two hours in every community, each with up to 40 of the community's members answering
   "going" a day ago, until there are RSVPS answers (default 10,000): each is due its reminder on the day
   (the default three hours before), and nothing else.
3. The task beat runs, `cafes.send_due_reminders` (cafes/tasks.py), is called once in this process and timed:
   it finds the due answers, claims the sent-once rows, writes a notification per person in batches of 500,
   queues the e-mails of those who want them (to the benchmark's own Redis; no worker runs) and sends the live
   badge updates per batch.
4. Everything made here is removed again (the cafés with their answers and reminder rows, the notifications,
   and the unread counters put back), so the next run finds the same database.
"""

import json
import sys
import time
from datetime import timedelta

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count, OuterRef, Subquery  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.utils import timezone  # noqa: E402

from cafes.models import Cafe, ReminderSent, Rsvp  # noqa: E402
from cafes.services import REMINDER_NOTIFICATION_KIND  # noqa: E402
from cafes.tasks import send_due_reminders  # noqa: E402
from reconnect.models import Notification, Role, User  # noqa: E402
from reconnect.seeding import SEED_EMAIL_DOMAIN  # noqa: E402

PER_CAFE = 40
TITLE = "Benchmark: reminder sweep"


def make_due_answers(total, now):
    """Cafés two hours ahead with `total` "going" answers given a day ago; returns the cafés' ids."""
    members = {}
    for user_id, community_id in (User.objects.filter(email__endswith="@" + SEED_EMAIL_DOMAIN,
                                                      role=Role.SERVICE_USER, is_active=True,
                                                      community__isnull=False)
                                  .order_by("pk").values_list("pk", "community_id")):
        members.setdefault(community_id, []).append(user_id)
    if not members:
        raise SystemExit("No seeded service users: seed the benchmark's database first.")
    host = User.objects.filter(role=Role.CONSULTANT).order_by("pk").first()
    starts = now + timedelta(hours=2)
    answered = now - timedelta(days=1)
    communities = sorted(members)
    cafes, answers, offset, remaining = [], [], {c: 0 for c in communities}, total
    while remaining > 0:
        community = communities[len(cafes) % len(communities)]
        people = members[community]
        cafe = Cafe(title=TITLE, venue_name="Biblioteket", address="Storgata 1", community_id=community,
                    starts_at=starts, ends_at=starts + timedelta(hours=2), host=host, created_by=host)
        take = min(PER_CAFE, len(people), remaining)
        # Each person at most once per café; across cafés the same people come again (a busy week).
        answers.append((cafe, [people[(offset[community] + i) % len(people)] for i in range(take)]))
        cafes.append(cafe)
        offset[community] += take
        remaining -= take
    with transaction.atomic():
        Cafe.objects.bulk_create(cafes)
        Rsvp.objects.bulk_create(
            [Rsvp(cafe=cafe, user_id=user_id, answer=Rsvp.Answer.GOING, created_at=answered, updated_at=answered)
             for cafe, people in answers for user_id in people], batch_size=5_000)
        Cafe.objects.filter(pk__in=[c.pk for c in cafes]).update(
            going_count=Coalesce(Subquery(Rsvp.objects.filter(cafe=OuterRef("pk")).values("cafe")
                                          .annotate(n=Count("pk")).values("n")), 0))
    return [c.pk for c in cafes]


def clean_up(cafe_ids, since):
    links = [cafe.get_absolute_url() for cafe in Cafe.objects.filter(pk__in=cafe_ids)]
    reminded = Notification.objects.filter(kind=REMINDER_NOTIFICATION_KIND, created_at__gte=since, link__in=links)
    people = list(reminded.values_list("recipient_id", flat=True).distinct())
    with transaction.atomic():
        reminded.delete()
        ReminderSent.objects.filter(rsvp__cafe_id__in=cafe_ids).delete()
        Rsvp.objects.filter(cafe_id__in=cafe_ids).delete()
        Cafe.objects.filter(pk__in=cafe_ids).delete()
        unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).values(
            "recipient").annotate(n=Count("pk")).values("n")
        User.objects.filter(pk__in=people).update(unread_notifications=Coalesce(Subquery(unread), 0))


def main(out_path, total=10_000):
    send_due_reminders()  # anything the seed's own cafés have due now: not part of the measure
    now = timezone.now()
    cafe_ids = make_due_answers(total, now)
    due = Rsvp.objects.filter(cafe_id__in=cafe_ids).count()
    try:
        started = time.perf_counter()
        sent = send_due_reminders()
        seconds = time.perf_counter() - started
        ours = ReminderSent.objects.filter(rsvp__cafe_id__in=cafe_ids).count()
    finally:
        clean_up(cafe_ids, now)
    result = {"rsvps": due, "cafes": len(cafe_ids), "sent": sent, "sent_for_these": ours, "seconds": seconds}
    with open(out_path, "w") as out:
        json.dump(result, out)
    print(json.dumps(result), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
