"""The cafés' part of `manage.py seed`: cafés in every community over the past nine months and the next three,
with RSVPs from the community's members. Beyond a café's places, "going" waits on the list in order. The
counters cafes.services keeps on write (going, maybe, waitlisted) are computed in SQL afterwards.
"""

from datetime import timedelta

from cafes.models import Cafe, Rsvp
from reconnect.seeding import copy_rows, reserve_ids, run_sql

TOPICS = ["Sleep and rest", "Small steps", "Hope", "Being with others", "Søvn", "Å komme seg ut", "Vennskap", ""]
VENUES = [("The library café", "Storgata 1"), ("Frivilligsentralen", "Torget 3"), ("Kulturhuset", "Parkveien 12")]


def seed(ctx):
    rng, scale, now = ctx.rng, ctx.scale, ctx.now
    if not scale.cafes or not ctx.community_ids:
        return
    members = {}
    for user_id, community_id in ctx.service_users:
        members.setdefault(community_id, []).append(user_id)
    hosts = ctx.consultant_ids or [None]
    first = reserve_ids(Cafe, scale.cafes)
    cafes, rsvps = [], []
    for c in range(scale.cafes):
        cafe_id = first + c
        community = ctx.community_ids[c % len(ctx.community_ids)]
        starts = (now + timedelta(days=rng.uniform(-270, 90))).replace(minute=0, second=0, microsecond=0)
        capacity = rng.choice([None, 12, 20, 30])
        venue, address = rng.choice(VENUES)
        host = rng.choice(hosts)
        cafes.append((cafe_id, f"ReConnect-kafé {c // len(ctx.community_ids) + 1}", venue, address, "", "", "",
                      capacity, rng.choice(TOPICS), "", False, community, starts, starts + timedelta(hours=2), host,
                      "planned", None, 0, 0, 0, 0, None, host, now, now, None, None, None))
        people = members.get(community, [])
        going = 0
        for user_id in rng.sample(people, min(len(people), rng.randint(scale.rsvps_per_cafe // 2,
                                                                           scale.rsvps_per_cafe * 3 // 2))):
            answer = rng.choice(["going", "going", "going", "maybe", "cant"])
            answered = starts - timedelta(days=rng.uniform(1, 20))
            waitlisted = None
            if answer == "going":
                if capacity is not None and going >= capacity:
                    waitlisted = answered
                else:
                    going += 1
            rsvps.append((cafe_id, user_id, answer, waitlisted, rng.random() < 0.4, answered, answered))

    bar = ctx.progress("cafés", len(cafes))
    copy_rows(Cafe, ["id", "title", "venue_name", "address", "getting_there", "accessibility", "entrance", "capacity",
                     "topic", "what_to_expect", "open_to_visitors", "community_id", "starts_at", "ends_at", "host_id",
                     "status", "cancelled_at", "sequence", "going_count", "maybe_count", "waitlist_count",
                     "attended_count", "created_by_id", "created_at", "updated_at", "series_id", "series_date",
                     "forum_thread_id"], cafes, progress=bar)
    bar.close()
    bar = ctx.progress("café answers", len(rsvps))
    copy_rows(Rsvp, ["cafe_id", "user_id", "answer", "waitlisted_at", "show_me", "created_at", "updated_at"], rsvps,
              progress=bar)
    bar.close()
    run_sql("""
        UPDATE cafes_cafe c SET going_count = s.going, maybe_count = s.maybe, waitlist_count = s.waiting
          FROM (SELECT cafe_id,
                       count(*) FILTER (WHERE answer = 'going' AND waitlisted_at IS NULL) AS going,
                       count(*) FILTER (WHERE answer = 'maybe') AS maybe,
                       count(*) FILTER (WHERE waitlisted_at IS NOT NULL) AS waiting
                  FROM cafes_rsvp WHERE cafe_id BETWEEN %s AND %s GROUP BY cafe_id) s
         WHERE c.id = s.cafe_id
    """, [first, first + scale.cafes - 1])
    run_sql("ANALYZE cafes_cafe; ANALYZE cafes_rsvp")
