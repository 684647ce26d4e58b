import re
import time
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from reconnect.celery import app as celery_app
from reconnect.live import is_live_update
from reconnect.models import NOTIFICATION_KINDS, Notification
from reconnect.services import notify, send_notification_email
from reconnect.tasks import send_notification_email as send_notification_email_task
from tests.factories import NotificationFactory
from tests.reconnect.flaky_mail import FailOnceBackend


def unread(user):
    user.refresh_from_db()
    return user.unread_notifications


# --- List, open, mark all read -------------------------------------------------------------------------
def test_the_list_shows_my_notifications_newest_first_with_unread_ones_in_bold(alice, bob, alice_client):
    notify(recipient=alice, kind="system", text="Older news", link="/")
    read = notify(recipient=alice, kind="system", text="Already read", link="/")
    notify(recipient=alice, kind="forum_reply", text="Someone replied in a thread you follow", link="/")
    notify(recipient=bob, kind="message", text="A note meant for Bob", link="/")
    alice_client.get(reverse("notification_open", args=[read.pk]))
    html = alice_client.get(reverse("notifications")).content.decode()
    assert "A note meant for Bob" not in html
    assert html.index("Someone replied") < html.index("Already read") < html.index("Older news")
    assert html.count('<li class="unread">') == 2
    assert html.count('<li class="read">') == 1


def test_opening_someone_elses_notification_answers_404_and_leaves_it_unread(bob, alice_client):
    theirs = notify(recipient=bob, kind="message", text="For Bob", link="/")
    response = alice_client.get(reverse("notification_open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread(bob) == 1


def test_opening_a_notification_that_does_not_exist_answers_404(alice_client):
    assert alice_client.get(reverse("notification_open", args=[999999])).status_code == 404


def test_opening_a_notification_marks_it_read_lowers_the_count_and_follows_its_link(alice, alice_client):
    first = notify(recipient=alice, kind="forum_reply", text="A reply for you", link="/forum/")
    notify(recipient=alice, kind="forum_reply", text="Another reply", link="/forum/")
    assert unread(alice) == 2
    assert '<span class="badge">2' in alice_client.get(reverse("notifications")).content.decode()
    response = alice_client.get(reverse("notification_open", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/forum/"
    assert unread(alice) == 1
    first.refresh_from_db()
    assert first.read_at is not None
    alice_client.get(reverse("notification_open", args=[first.pk]))  # opening again changes nothing
    assert unread(alice) == 1
    assert '<span class="badge">1' in alice_client.get(reverse("notifications")).content.decode()


@pytest.mark.parametrize(
    "link",
    ["//evil.example/", "https://evil.example/", "/\\evil.example/", "javascript:alert(1)", "evil", ""],
)
def test_a_link_that_leaves_the_site_is_not_followed(alice, alice_client, link):
    notification = NotificationFactory(recipient=alice, link=link)
    response = alice_client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


def test_mark_all_read_marks_only_my_notifications_and_clears_the_bell(alice, bob, alice_client):
    for n in range(3):
        notify(recipient=alice, kind="system", text=f"News {n}", link="/")
    notify(recipient=bob, kind="system", text="Bob's news", link="/")
    response = alice_client.post(reverse("notifications_read_all"))
    assert response["Location"] == reverse("notifications")
    assert unread(alice) == 0
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert unread(bob) == 1
    html = alice_client.get(reverse("notifications")).content.decode()
    assert 'class="badge"' not in html
    assert "Mark all as read" not in html


def test_mark_all_read_does_nothing_on_a_get(alice, alice_client):
    notify(recipient=alice, kind="system", text="News", link="/")
    assert alice_client.get(reverse("notifications_read_all")).status_code == 405
    assert unread(alice) == 1


def test_the_bell_partial_shows_the_count_for_htmx(alice, alice_client):
    notify(recipient=alice, kind="system", text="News", link="/")
    response = alice_client.get(reverse("notifications") + "?bell=1", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="notification-bell"' in html and '<span class="badge">1' in html
    assert "<html" not in html


def test_the_notifications_page_is_paginated(alice, alice_client):
    NotificationFactory.create_batch(30, recipient=alice)
    assert alice_client.get(reverse("notifications")).content.decode().count("Something new #") == 25
    second = alice_client.get(reverse("notifications") + "?page=2").content.decode()
    assert second.count("Something new #") == 5


def test_the_notifications_page_uses_the_same_number_of_queries_for_few_and_many(
    alice, alice_client, django_assert_max_num_queries
):
    NotificationFactory.create_batch(2, recipient=alice)
    alice_client.get(reverse("home"))  # the first request of a session records it (allauth usersessions)
    with django_assert_max_num_queries(16) as small:
        alice_client.get(reverse("notifications"))
    NotificationFactory.create_batch(40, recipient=alice)
    with django_assert_max_num_queries(16) as large:
        alice_client.get(reverse("notifications"))
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Preferences -------------------------------------------------------------------------------------
def test_the_settings_page_offers_every_known_kind(alice_client):
    html = alice_client.get(reverse("notification_preferences")).content.decode()
    for kind, label in NOTIFICATION_KINDS:
        assert f'value="{kind}"' in html
        assert str(label) in html


def test_choosing_kinds_for_e_mail_is_saved(alice, alice_client):
    url = reverse("notification_preferences")
    response = alice_client.post(url, {"email_kinds": ["forum_reply", "message"]})
    assert response["Location"] == reverse("notification_preferences")
    alice.refresh_from_db()
    assert alice.email_notification_kinds == ["forum_reply", "message"]
    html = alice_client.get(reverse("notification_preferences")).content.decode()
    assert re.search(r'<input[^>]*value="forum_reply"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="cafe_reminder"[^>]*checked', html)
    alice_client.post(reverse("notification_preferences"), {})
    alice.refresh_from_db()
    assert alice.email_notification_kinds == []


def test_an_unknown_kind_gets_a_message_and_nothing_is_saved(alice, alice_client):
    response = alice_client.post(reverse("notification_preferences"), {"email_kinds": ["message", "spam"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    alice.refresh_from_db()
    assert alice.email_notification_kinds == ["message"], "unchanged: the default of a new account"


# --- E-mail --------------------------------------------------------------------------------------------
def test_the_e_mail_says_only_that_something_is_new(alice, settings):
    settings.SITE_URL = "https://reconnect.example"
    alice.email_notification_kinds = ["forum_reply"]
    notification = notify(
        recipient=alice, kind="forum_reply", text="Driftwood replied: I miss my sister Kari",
        link="/forum/threads/12-missing-kari/",
    )
    assert send_notification_email(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.test"]
    assert message.subject == "You have something new in ReConnect"
    everything = message.subject + message.body
    for secret in ("Driftwood", "Kari", "missing", "sister", "Alice", "Lighthouse", "/forum/"):
        assert secret not in everything
    assert f"https://reconnect.example/notifications/{notification.pk}/" in message.body


def test_the_e_mail_is_sent_only_once_however_often_the_service_runs(alice):
    notification = NotificationFactory(recipient=alice)
    assert send_notification_email(notification_id=notification.pk) is True
    assert send_notification_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_the_notification_unclaimed_for_a_retry(alice, settings):
    settings.EMAIL_BACKEND = "tests.reconnect.flaky_mail.FailOnceBackend"
    FailOnceBackend.reset(failures=1)
    notification = NotificationFactory(recipient=alice)
    with pytest.raises(OSError):
        send_notification_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert send_notification_email(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_a_kind_not_chosen_sends_no_e_mail(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipient=alice, kind="forum_reply", text="A reply", link="/")
    assert [callback for callback in callbacks if not is_live_update(callback)] == []


def test_a_chosen_kind_queues_the_e_mail_after_commit(alice, django_capture_on_commit_callbacks):
    alice.email_notification_kinds = ["forum_reply"]
    alice.save()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipient=alice, kind="forum_reply", text="A reply", link="/")
    assert len([callback for callback in callbacks if not is_live_update(callback)]) == 1


# --- A real Celery worker on the embedded Redis -------------------------------------------------------
@pytest.fixture
def celery_worker_queue():
    """A real worker thread consuming a queue of its own, so tests run by others on the same Redis never
    take our tasks (nor we theirs)."""
    from celery.contrib.testing.worker import start_worker

    queue = f"test-{uuid.uuid4().hex}"
    try:
        with start_worker(celery_app, perform_ping_check=False, queues=[queue], shutdown_timeout=20):
            yield queue
    finally:
        celery_app.amqp.queues._consume_from = None  # undo the worker's queue selection for later workers
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def emailed(notification):
    return Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists()


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_one_e_mail_when_the_task_is_queued_twice(alice, celery_worker_queue):
    notification = NotificationFactory(recipient=alice)
    send_notification_email_task.apply_async(args=[notification.pk], queue=celery_worker_queue)
    send_notification_email_task.apply_async(args=[notification.pk], queue=celery_worker_queue)
    assert wait_for(lambda: emailed(notification))
    time.sleep(1)  # give the second task its chance to (wrongly) send again
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You have something new in ReConnect"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_after_an_smtp_error_and_sends_once(alice, settings, celery_worker_queue):
    settings.EMAIL_BACKEND = "tests.reconnect.flaky_mail.FailOnceBackend"
    FailOnceBackend.reset(failures=1)
    notification = NotificationFactory(recipient=alice)
    send_notification_email_task.apply_async(args=[notification.pk], queue=celery_worker_queue)
    # The claim commits just after the message is handed to the mail server, so wait for the claim.
    assert wait_for(lambda: emailed(notification))
    assert FailOnceBackend.attempts == 2
    time.sleep(0.5)
    assert len(mail.outbox) == 1
