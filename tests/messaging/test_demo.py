from io import StringIO

from django.core.management import call_command

from messaging.models import Conversation, Message
from reconnect.models import User


def test_demo_data_brings_one_kind_conversation_once(db):
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())

    conversation = Conversation.objects.get()
    assert conversation.service_user.pseudonym == "Snowfinch"
    assert conversation.messages.count() == 2 == conversation.message_count
    # Kari's reply waits for Tor, unread: the menu badge shows it.
    assert User.objects.get(pseudonym="Snowfinch").unread_messages == 1
    assert User.objects.get(pseudonym="nordvik-care").unread_messages == 0
    assert "slept six hours" in Message.objects.get(number=1).body
