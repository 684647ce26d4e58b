"""The content-free e-mail alert: one "You have a new message in ReConnect" per conversation until read,
nothing about the message in it, sent once however often the task runs, and retried when the mail server fails."""

import time
import uuid

import pytest
from django.core import mail

from messaging import services
from messaging.models import Participant
from messaging.tasks import send_message_alerts as send_message_alerts_task
from reconnect.celery import app as celery_app
from reconnect.services import end_care_link
from tests.reconnect.flaky_mail import FailOnceBackend


def first_message(conversation):
    return conversation.messages.get(number=1)


def test_an_unread_message_brings_one_e_mail_that_says_nothing_about_it(linked_provider, conversation, settings):
    settings.SITE_URL = "https://reconnect.example"
    assert services.send_message_alerts(message_id=first_message(conversation).pk) == 1
    [message] = mail.outbox
    assert message.to == [linked_provider.email]
    assert message.subject == "You have a new message in ReConnect"
    everything = message.subject + message.body
    for secret in ["My new medicine", "I sleep badly", "Alice Aasen", "Lighthouse", "alice@example.test"]:
        assert secret not in everything
    assert f"https://reconnect.example/messages/{conversation.pk}/" in message.body


def test_running_the_alert_twice_sends_one_e_mail(conversation):
    message_id = first_message(conversation).pk
    assert services.send_message_alerts(message_id=message_id) == 1
    assert services.send_message_alerts(message_id=message_id) == 0
    assert len(mail.outbox) == 1


def test_a_second_unread_message_in_the_same_conversation_sends_no_second_e_mail(alice, conversation):
    services.send_message_alerts(message_id=first_message(conversation).pk)
    second = services.send_message(conversation=conversation, sender=alice, body="Hello?")
    assert services.send_message_alerts(message_id=second.pk) == 0
    assert len(mail.outbox) == 1


def test_no_e_mail_when_the_message_was_read_in_time(linked_provider, conversation):
    services.mark_conversation_read(conversation=conversation, user=linked_provider, up_to_number=1)
    assert services.send_message_alerts(message_id=first_message(conversation).pk) == 0
    assert mail.outbox == []


def test_after_reading_a_new_message_can_alert_again(alice, linked_provider, conversation):
    services.send_message_alerts(message_id=first_message(conversation).pk)
    services.mark_conversation_read(conversation=conversation, user=linked_provider, up_to_number=1)
    assert Participant.objects.get(conversation=conversation, user=linked_provider).alerted_at is None
    second = services.send_message(conversation=conversation, sender=alice, body="One more")
    assert services.send_message_alerts(message_id=second.pk) == 1
    assert len(mail.outbox) == 2


def test_the_sender_and_a_provider_whose_link_ended_get_no_e_mail(alice, linked_provider, conversation):
    end_care_link(link=linked_provider.care_links_as_provider.get(), by=alice)
    mail.outbox.clear()
    assert services.send_message_alerts(message_id=first_message(conversation).pk) == 0
    assert mail.outbox == []


def test_a_withdrawn_message_sends_no_e_mail(alice, conversation):
    services.withdraw_message(message=first_message(conversation), by=alice)
    assert services.send_message_alerts(message_id=first_message(conversation).pk) == 0


def test_a_failed_send_leaves_the_alert_unclaimed_for_a_retry(linked_provider, conversation, settings):
    settings.EMAIL_BACKEND = "tests.reconnect.flaky_mail.FailOnceBackend"
    FailOnceBackend.reset(failures=1)
    with pytest.raises(OSError):
        services.send_message_alerts(message_id=first_message(conversation).pk)
    assert Participant.objects.get(conversation=conversation, user=linked_provider).alerted_at is None
    assert services.send_message_alerts(message_id=first_message(conversation).pk) == 1


def test_sending_a_message_schedules_the_alert_after_commit(alice, conversation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.send_message(conversation=conversation, sender=alice, body="Later")
    assert len(callbacks) == 1


def test_the_alert_delay_defaults_to_15_minutes(settings):
    assert settings.MESSAGE_EMAIL_DELAY_MINUTES == 15


# --- A real Celery worker on the embedded Redis -------------------------------------------------------
@pytest.fixture
def celery_worker_queue():
    """A real worker thread consuming a queue of its own (others run tests on the same Redis)."""
    from celery.contrib.testing.worker import start_worker

    queue = f"test-{uuid.uuid4().hex}"
    try:
        with start_worker(celery_app, perform_ping_check=False, queues=[queue], shutdown_timeout=20):
            yield queue
    finally:
        celery_app.amqp.queues._consume_from = None
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def alerted(conversation, user):
    return Participant.objects.filter(conversation=conversation, user=user, alerted_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_one_e_mail_when_the_task_runs_twice(linked_provider, conversation, celery_worker_queue):
    message_id = first_message(conversation).pk
    send_message_alerts_task.apply_async(args=[message_id], queue=celery_worker_queue)
    send_message_alerts_task.apply_async(args=[message_id], queue=celery_worker_queue)
    assert wait_for(lambda: alerted(conversation, linked_provider))
    time.sleep(1)  # give the second task its chance to (wrongly) send again
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You have a new message in ReConnect"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_after_an_smtp_error_and_sends_once(
    linked_provider, conversation, settings, celery_worker_queue
):
    settings.EMAIL_BACKEND = "tests.reconnect.flaky_mail.FailOnceBackend"
    FailOnceBackend.reset(failures=1)
    send_message_alerts_task.apply_async(args=[first_message(conversation).pk], queue=celery_worker_queue)
    assert wait_for(lambda: alerted(conversation, linked_provider))
    assert FailOnceBackend.attempts == 2
    time.sleep(0.5)
    assert len(mail.outbox) == 1


# --- Turning the e-mail off -------------------------------------------------------------------------
def test_new_accounts_get_the_new_message_e_mail_unless_they_turn_it_off(alice, linked_provider):
    assert alice.email_notification_kinds == ["message"]
    assert linked_provider.email_notification_kinds == ["message"]


def test_the_notification_settings_page_offers_new_messages_ticked(alice_client):
    from django.urls import reverse

    import re

    html = alice_client.get(reverse("notification_preferences")).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="email_kinds" value="(\w+)"[^>]* checked', html)
    assert ticked == ["message"] and "New messages" in html


def test_the_alert_e_mail_says_where_to_turn_it_off(linked_provider, conversation, settings):
    settings.SITE_URL = "https://reconnect.example"
    services.send_message_alerts(message_id=first_message(conversation).pk)
    assert "https://reconnect.example/notifications/settings/" in mail.outbox[0].body
    assert "turn these e-mails off" in mail.outbox[0].body


def test_someone_who_turned_it_off_is_not_alerted_and_is_alerted_again_after_turning_it_on(
    alice, linked_provider, conversation
):
    from reconnect.services import set_notification_email_kinds

    set_notification_email_kinds(user=linked_provider, kinds=[])
    assert services.send_message_alerts(message_id=first_message(conversation).pk) == 0
    assert mail.outbox == []
    assert not alerted(conversation, linked_provider)
    set_notification_email_kinds(user=linked_provider, kinds=["message"])
    second = services.send_message(conversation=conversation, sender=alice, body="Still waiting")
    assert services.send_message_alerts(message_id=second.pk) == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_respects_the_choice_made_on_the_settings_page(
    alice, linked_provider, second_provider, linked_provider_client, celery_worker_queue
):
    from django.urls import reverse

    response = linked_provider_client.post(reverse("notification_preferences"), {"email_kinds": ["care_link"]})
    assert response.status_code == 302
    conversation = services.start_conversation(author=alice, to=services.TEAM, subject="Team", body="Hello both")
    send_message_alerts_task.apply_async(args=[first_message(conversation).pk], queue=celery_worker_queue)
    assert wait_for(lambda: alerted(conversation, second_provider))
    time.sleep(0.5)  # give the worker its chance to (wrongly) e-mail Carol too
    assert [m.to for m in mail.outbox] == [[second_provider.email]]
    assert not alerted(conversation, linked_provider)
