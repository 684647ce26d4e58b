"""Tor's (Snowfinch, English) crisis plan, shared with his provider Kari. Called by `manage.py demo_data`.

Idempotent: once Tor has a crisis plan, nothing more is added. Written through toolbox.services, so the share's
audit row is there too ("Who has seen my data" shows Tor starting to share it with Kari).
"""

from django.db import transaction
from django.utils import translation

from toolbox import services
from toolbox.models import CrisisPlan, Module

SERVICE_USER, PROVIDER = "Snowfinch", "nordvik-care"
TEXTS = {
    "warning_signs": "I stop answering the phone. I sleep in the daytime and lie awake at night.\n"
                     "I start thinking that everyone would be better off without me.",
    "coping_on_my_own": "A walk along the harbour, even a short one. A hot shower. Music with headphones.\n"
                        "Writing down three things I managed today.",
    "distractions": "The library café. My sister's kitchen. The ReConnect café on the first Thursday.",
    "safer_surroundings": "Ask my sister to keep my extra medicine at her place.",
    "reasons_for_living": "My sister and her two boys. The dog. Seeing the northern lights again this winter.",
}
PEOPLE = [("My sister Anne", "+47 912 34 567"), ("Ola from the café", "934 56 789")]


GOALS = [
    {"domain": "physical_health", "title": "Walk along the harbour three times a week",
     "why": "I sleep better on the days I have been outside, and the dog loves it.",
     "steps": "Put my shoes by the door\nWalk to the kiosk and back\nWalk the whole harbour", "status": "under_way"},
    {"domain": "social_networks", "title": "Go to the ReConnect café",
     "why": "I would like to meet people who know how it is.",
     "steps": "Read about the café\nAsk Ola if he is going", "status": "not_started"},
]
# (goal index or None, days from this week's Monday, hour, title, done note or None)
ACTIVITIES = [
    (0, 0, 11, "Walk to the kiosk and back", "Windy, but I did it. Coffee at the kiosk."),
    (0, 2, 11, "Walk along the harbour", None),
    (1, 3, 18, "Ask Ola about the café", None),
    (0, 4, 11, "Walk along the harbour", None),
    (None, 5, 13, "Dinner at my sister's", None),
]


def load_demo(*, users_by_pseudonym) -> None:
    tor, kari = users_by_pseudonym.get(SERVICE_USER), users_by_pseudonym.get(PROVIDER)
    if tor is None or kari is None:
        return
    _load_goals(tor, kari)
    _load_network_and_medication(tor)
    # The suggestions' names (out-of-hours doctor, helpline) are written in Tor's language, as if he added them.
    with transaction.atomic(), translation.override(tor.preferred_language):
        if CrisisPlan.objects.filter(owner=tor).exists():
            return
        services.save_crisis_plan(owner=tor, texts=TEXTS, people=PEOPLE, professionals=[],
                                  add_suggestion=f"provider:{kari.pk}")
        for key in ("service:out_of_hours", "service:helpline"):
            plan = CrisisPlan.objects.get(owner=tor)
            current = [(c.name, c.phone) for c in plan.contacts.filter(step=5)]
            services.save_crisis_plan(owner=tor, texts=TEXTS, people=PEOPLE, professionals=current,
                                      add_suggestion=key)
        services.set_share(owner=tor, provider_id=kari.pk, module=Module.CRISIS_PLAN, shared=True)


def _load_goals(tor, kari) -> None:
    """Tor's two goals and a week of activities (the current week, whenever the demo is loaded), shared with Kari.
    Once Tor has goals, nothing more is added."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from toolbox.models import Goal

    with transaction.atomic():
        if Goal.objects.filter(owner=tor).exists():
            return
        goals = [services.save_goal(owner=tor, **goal) for goal in GOALS]
        monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
        for goal_index, day, hour, title, note in ACTIVITIES:
            starts = timezone.make_aware(datetime.combine(monday + timedelta(days=day), time(hour)))
            activity = services.save_activity(
                owner=tor, title=title, starts_at=starts, goal_id=goals[goal_index].pk if goal_index is not None else None,
            )
            if note:
                services.mark_activity_done(owner=tor, activity_id=activity.pk, note=note)
        services.set_share(owner=tor, provider_id=kari.pk, module=Module.GOALS, shared=True)


# --- Network map and medication overview (engineer "toolbox-network") -------------------------------------------
# Tor's people (first names and roles only) and his medicines; not shared with Kari, so the demo shows a module that
# is private until Tor chooses otherwise.
NETWORK = [
    ("Anne", "family", 1, "My sister. She keeps my extra medicine and always picks up the phone."),
    ("Lena", "friend", 1, "Friend since school. We text most days."),
    ("Ola", "peer", 2, "From the ReConnect café. We walk there together."),
    ("Mum", "family", 2, ""),
    ("Kari", "professional", 2, "My contact at the mental health team."),
    ("Jonas", "neighbour", 3, "Says hello on the stairs. Has a car."),
    ("The old crew", "work_school", 3, "From the warehouse. I miss them sometimes."),
]
MEDICATIONS = [
    {"trade_name": "Sertralin Accord", "active_ingredient": "sertraline", "strength": "50 mg", "form": "tablet",
     "schedule": "1-0-0-0", "purpose": "Low mood and worry", "prescriber": "My GP", "started_on": (2024, 9, 2),
     "side_effects": "Slept badly the first two weeks, then it settled.", "notes": "Take with breakfast."},
    {"trade_name": "Quetiapin", "active_ingredient": "quetiapine", "strength": "25 mg", "form": "tablet",
     "schedule": "At night when I cannot sleep, at most one", "purpose": "Sleep",
     "prescriber": "The mental health team", "started_on": (2025, 2, 10), "side_effects": "Groggy in the morning.",
     "notes": "Ask Kari whether I still need it."},
    {"trade_name": "Melatonin", "active_ingredient": "melatonin", "strength": "3 mg", "form": "tablet",
     "schedule": "0-0-0-1", "purpose": "Sleep", "prescriber": "My GP", "started_on": (2023, 1, 9),
     "ended_on": (2023, 6, 1), "notes": "Did not help much."},
]


def _load_network_and_medication(tor) -> None:
    """Tor's network map and medication overview. Once he has either, nothing more is added to it."""
    from datetime import date

    from toolbox.models import Medication, NetworkPerson

    with transaction.atomic():
        if not NetworkPerson.objects.filter(owner=tor).exists():
            for name, relation, circle, notes in NETWORK:
                services.save_network_person(owner=tor, name=name, relation=relation, circle=circle, notes=notes)
        if not Medication.objects.filter(owner=tor).exists():
            for medication in MEDICATIONS:
                fields = dict(medication)
                for key in ("started_on", "ended_on"):
                    if key in fields:
                        fields[key] = date(*fields[key])
                services.save_medication(owner=tor, **fields)
