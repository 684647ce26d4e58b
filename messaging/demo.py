"""A short, kind demo conversation between Snowfinch (Tor, English) and his provider Kari. Called by
`manage.py demo_data`.

Idempotent: once Tor has started a conversation, nothing more is added. Written through messaging.services,
so counters and unread badges are as in real use (Tor has Kari's reply waiting, unread).
"""

from django.db import transaction

from messaging import services
from messaging.models import Conversation

SERVICE_USER, PROVIDER = "Snowfinch", "nordvik-care"
SUBJECT = "Sleeping better"
MESSAGES = [
    (SERVICE_USER, "Hi Kari. Just wanted to say that the evening walks seem to help. I slept six hours "
                   "three nights this week. Should we talk about the medicine dose on Thursday?"),
    (PROVIDER, "Hi Tor, that is really good to hear. Six hours is a big step. Yes, let us talk about the dose "
               "on Thursday, and bring your sleep notes if you like. Have a good walk tonight!"),
]


def load_demo(*, users_by_pseudonym) -> None:
    tor, kari = users_by_pseudonym.get(SERVICE_USER), users_by_pseudonym.get(PROVIDER)
    if tor is None or kari is None:
        return
    with transaction.atomic():
        if Conversation.objects.filter(service_user=tor, started_by=tor).exists():
            return
        if not kari.message_reply_time:
            services.set_reply_time(user=kari, text="innen 2 arbeidsdager (within 2 working days)")
        (first_author, first_body), *replies = MESSAGES
        conversation = services.start_conversation(
            author=users_by_pseudonym[first_author], to=kari, subject=SUBJECT, body=first_body,
        )
        for author, body in replies:
            services.send_message(conversation=conversation, sender=users_by_pseudonym[author], body=body)
