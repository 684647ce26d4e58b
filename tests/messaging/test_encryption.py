"""Message bodies and subjects are encrypted at rest: the database holds no plaintext."""

from django.db import connection

from messaging import services
from reconnect.fields import decrypt_text


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_the_database_holds_no_plaintext_of_bodies_or_subjects(alice, conversation):
    message = conversation.messages.get()
    body = raw("SELECT body FROM messaging_message WHERE id = %s", [message.pk])
    subject = raw("SELECT subject FROM messaging_conversation WHERE id = %s", [conversation.pk])
    assert "sleep" not in body and "medicine" not in subject
    assert decrypt_text(body) == "I sleep badly since Monday."
    assert decrypt_text(subject) == "My new medicine"


def test_an_edited_body_is_encrypted_too(alice, conversation):
    message = conversation.messages.get()
    services.edit_message(message=message, editor=alice, body="Changed words")
    stored = raw("SELECT body FROM messaging_message WHERE id = %s", [message.pk])
    assert "Changed" not in stored and decrypt_text(stored) == "Changed words"


def test_the_admin_shows_no_message_text(admin_client, conversation):
    message = conversation.messages.get()
    for url in [f"/admin/messaging/message/{message.pk}/change/", "/admin/messaging/message/",
                f"/admin/messaging/conversation/{conversation.pk}/change/", "/admin/messaging/conversation/"]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "I sleep badly" not in html and "My new medicine" not in html
