"""A recurring café in each demo community ("the first Tuesday of every month, 18:00-20:00"), which plans the
cafés of the coming weeks, with a few answers to the first of them, and one open request to walk in together
(Snowfinch, going for the first time, in Nordvik). Called by `manage.py demo_data`.

Idempotent: a community that already has a series is left as it is. Written through cafes.services, so the
counters (and the waitlist, had the places run out) are as in real use.
"""

import datetime

from django.db import transaction

from cafes import services
from cafes.models import CafeSeries
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

# (community slug, pseudonym, kind, note): an open "getting there together" request for the first café.
COMPANION_REQUESTS = [
    ("nordvik", "Snowfinch", "companion_wanted", "Første gang for meg. Fint å møtes utenfor og gå inn sammen."),
]


def load_demo(*, users_by_pseudonym) -> None:
    consultant = users_by_pseudonym.get(CONSULTANT)
    if consultant is None:
        return
    with transaction.atomic():
        for (slug, title, venue, address, getting_there, accessibility, entrance, places, open_to_visitors, topic,
             answers) in CAFES:
            community = Community.objects.filter(slug=slug).first()
            if community is None or CafeSeries.objects.filter(community=community).exists():
                continue
            series = services.create_series(
                by=consultant, community=community, title=title, weekday=1, week=CafeSeries.Week.FIRST,
                start_time=datetime.time(18, 0), end_time=datetime.time(20, 0), venue_name=venue, address=address,
                getting_there=getting_there, accessibility=accessibility, entrance=entrance, capacity=places,
                host=consultant, topic=topic, open_to_visitors=open_to_visitors,
            )
            cafe = series.cafes.order_by("starts_at").first()
            for pseudonym, answer, show_me in answers:
                member = users_by_pseudonym.get(pseudonym)
                if cafe is not None and member is not None and member.community_id == community.pk:
                    services.rsvp(user=member, cafe=cafe, answer=answer, show_me=show_me)
            for request_slug, pseudonym, kind, note in COMPANION_REQUESTS:
                member = users_by_pseudonym.get(pseudonym)
                if request_slug == slug and cafe is not None and member is not None:
                    services.ask_or_offer(user=member, cafe=cafe, kind=kind, note=note)
