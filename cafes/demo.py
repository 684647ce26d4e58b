"""Next month's café in each demo community, with a few answers. Called by `manage.py demo_data`.

Idempotent: a community that already has a café on that day is left as it is. Written through cafes.services,
so the counters (and the waitlist, had the places run out) are as in real use.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cafes import services
from cafes.models import Cafe
from reconnect.models import Community

CONSULTANT = "Maren-consultant"
# (community slug, title, venue, address, how to get there, accessibility, entrance, places, open to visitors,
#  topic, answers as (pseudonym, answer, show me))
CAFES = [
    ("nordvik", "ReConnect-kafé i Nordvik", "Biblioteket, møterommet", "Havnegata 4, Nordvik",
     "Buss 1 til Torget, så to minutter å gå. Gratis parkering bak biblioteket.",
     "Trinnfri inngang og heis. Toalett for rullestol i første etasje.",
     "Den blå døra ved siden av hovedinngangen. Møterommet er rett til venstre.",
     12, False, "Små ting som ga energi denne måneden",
     [("Cloudberry", "going", True), ("Snowfinch", "maybe", False), ("Lantern", "going", False)]),
    ("elvebyen", "ReConnect café in Elvebyen", "Frivillighetssentralen", "Elvegata 21, Elvebyen",
     "Tram 3 to Elvegata. Parking in the street is paid until 18:00.",
     "Step-free entrance through the courtyard. Quiet room available.",
     "Through the gate into the courtyard; the café is the door with the green sign.",
     20, True, "What helps on a grey day",
     [("Willow", "going", True), ("Teacup", "going", True), ("Riverstone", "maybe", False)]),
]


def first_tuesday_of_next_month(today=None) -> datetime.date:
    today = today or timezone.localdate()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7)


def load_demo(*, users_by_pseudonym) -> None:
    consultant = users_by_pseudonym.get(CONSULTANT)
    if consultant is None:
        return
    day = first_tuesday_of_next_month()
    zone = timezone.get_default_timezone()
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 0)), zone)
    ends = timezone.make_aware(datetime.datetime.combine(day, datetime.time(20, 0)), zone)
    with transaction.atomic():
        for (slug, title, venue, address, getting_there, accessibility, entrance, places, open_to_visitors, topic,
             answers) in CAFES:
            community = Community.objects.filter(slug=slug).first()
            if community is None or Cafe.objects.filter(community=community, starts_at__date=day).exists():
                continue
            cafe = services.create_cafe(
                by=consultant, community=community, title=title, starts_at=starts, ends_at=ends, venue_name=venue,
                address=address, getting_there=getting_there, accessibility=accessibility, entrance=entrance,
                capacity=places, host=consultant, topic=topic, open_to_visitors=open_to_visitors,
            )
            for pseudonym, answer, show_me in answers:
                member = users_by_pseudonym.get(pseudonym)
                if member is not None and member.community_id == community.pk:
                    services.rsvp(user=member, cafe=cafe, answer=answer, show_me=show_me)
