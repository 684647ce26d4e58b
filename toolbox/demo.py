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


def load_demo(*, users_by_pseudonym) -> None:
    tor, kari = users_by_pseudonym.get(SERVICE_USER), users_by_pseudonym.get(PROVIDER)
    if tor is None or kari is None:
        return
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
