"""Messaging's part of `manage.py seed`: conversations between each service user and their provider.

Subjects and bodies are encrypted at rest. Fernet encrypts one value in tens of microseconds, so the texts come
from a pool and each distinct text is encrypted once; the rows then go in with COPY as ciphertext. (Equal texts
share a ciphertext here, which a real message never does: fine for a benchmark, and each stored value still
decrypts with the configured keys like any other.) The counters messaging.services keeps on write (a
conversation's message count and last message, a participant's unread count, a person's unread badge) are
computed in SQL afterwards.
"""

from datetime import timedelta

from messaging.models import Conversation, Message, Participant
from reconnect.fields import encrypt_text
from reconnect.seeding import copy_rows, reserve_ids, run_sql

SUBJECTS = [
    "Next appointment", "My medication", "A question about the café", "How the week went", "Sleep",
    "Neste time", "Medisinene mine", "Et spørsmål", "Uka som gikk", "Søvn", "Work training", "Forms for NAV",
]
BODIES = [
    "Hi, could we move Thursday's appointment to the afternoon?", "Thank you for last time, it helped to talk.",
    "I have slept a bit better this week.", "Can we talk about the dose at our next meeting?",
    "Yes, that works for me. See you then.", "I went to the café and it was fine, better than I feared.",
    "Hei, kan vi flytte timen på torsdag?", "Takk for sist, det hjalp å snakke.", "Jeg har sovet litt bedre.",
    "Det passer fint. Vi ses.", "I have filled in the form, I will bring it with me.",
    "Good to hear. Let me know if anything changes before then.", "The new routine is working, mostly.",
    "I had a hard weekend but used my crisis plan, step two.", "Remember to bring your medication list.",
]


def seed(ctx):
    rng, scale, now = ctx.rng, ctx.scale, ctx.now
    if not scale.messages or not ctx.service_users:
        return
    subjects = [encrypt_text(text) for text in SUBJECTS]
    bodies = [encrypt_text(text) for text in BODIES]
    total = min(int(len(ctx.service_users) * 1.5), max(scale.messages // 2, 1))
    counts = [1] * total
    for _ in range(scale.messages - total):
        counts[rng.randrange(total)] += 1

    first = reserve_ids(Conversation, total)
    conversations, participants, messages = [], [], []
    for c in range(total):
        conversation_id = first + c
        user_id, _community = ctx.service_users[c % len(ctx.service_users)]
        provider_id = rng.choice(ctx.providers_of[user_id])
        started = now - timedelta(days=rng.random() * 365)
        conversations.append((conversation_id, rng.choice(subjects), "care_team", user_id,
                              rng.choice([user_id, provider_id]), started, started, 0))
        at, sender = started, user_id
        for number in range(1, counts[c] + 1):
            messages.append((conversation_id, sender, number, rng.choice(bodies), min(at, now)))
            last_sender = sender
            sender = provider_id if sender == user_id else user_id
            at += timedelta(hours=rng.randint(1, 72))
        for person in (user_id, provider_id):
            # The newest message is unread for some, when it came from the other person.
            read = counts[c] - 1 if person != last_sender and rng.random() < 0.3 else counts[c]
            participants.append((conversation_id, person, started, read, min(at, now)))

    bar = ctx.progress("conversations", total)
    copy_rows(Conversation, ["id", "subject", "kind", "service_user_id", "started_by_id", "created_at",
                             "last_message_at", "message_count"], conversations, progress=bar)
    copy_rows(Participant, ["conversation_id", "user_id", "joined_at", "last_read_number", "last_read_at",
                            "unread_count"], ((*row, 0) for row in participants))
    bar.close()
    bar = ctx.progress("messages", len(messages))
    copy_rows(Message, ["conversation_id", "sender_id", "number", "body", "created_at"], messages, progress=bar)
    bar.close()

    last = first + total - 1
    run_sql("""
        UPDATE messaging_conversation c SET message_count = s.n, last_message_at = s.last_at
          FROM (SELECT conversation_id, max(number) AS n, max(created_at) AS last_at FROM messaging_message
                 WHERE conversation_id BETWEEN %s AND %s GROUP BY conversation_id) s
         WHERE c.id = s.conversation_id
    """, [first, last])
    run_sql("""
        UPDATE messaging_participant p SET unread_count = c.message_count - p.last_read_number
          FROM messaging_conversation c WHERE c.id = p.conversation_id AND c.id BETWEEN %s AND %s
    """, [first, last])
    run_sql("""
        UPDATE reconnect_user u SET unread_messages = s.unread
          FROM (SELECT user_id, sum(unread_count) AS unread FROM messaging_participant GROUP BY user_id) s
         WHERE u.id = s.user_id
    """)
    run_sql("ANALYZE messaging_conversation; ANALYZE messaging_message; ANALYZE messaging_participant")
