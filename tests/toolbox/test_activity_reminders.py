"""Activity reminders: an in-app notification at the chosen time and, if asked for, a content-free e-mail; each
sent once even if the sweep runs twice. The sweep takes `now`, so these tests move the clock instead of waiting."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from reconnect.models import Notification
from tests.messaging.test_alerts import celery_worker_queue, wait_for  # noqa: F401 - a real worker, reused
from toolbox import services, tasks
from toolbox.models import Activity, ActivityReminderSent


def _plan(owner, *, hours=3, remind_before=60, by_email=False, goal=None, title="Therapy at the clinic"):
    starts = timezone.now() + timedelta(hours=hours)
    return services.save_activity(owner=owner, title=title, starts_at=starts, goal_id=goal and goal.pk,
                                  remind_at=starts - timedelta(minutes=remind_before), remind_by_email=by_email)


def test_a_reminder_comes_once_at_its_time_and_names_nothing(alice, django_capture_on_commit_callbacks):
    activity = _plan(alice)
    assert services.send_due_activity_reminders(now=activity.remind_at - timedelta(minutes=1)) == 0, "not yet"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_activity_reminders(now=activity.remind_at) == 1
        assert services.send_due_activity_reminders(now=activity.remind_at + timedelta(minutes=2)) == 0
    note = Notification.objects.get(recipient=alice)
    assert note.kind == "toolbox" and "A reminder of something you planned" in note.text
    assert "Therapy" not in note.text and "clinic" not in note.link
    assert note.link.startswith("/toolbox/week/?week=")
    assert mail.outbox == [], "no e-mail unless asked for"


def test_an_e_mail_comes_only_when_asked_for_and_says_nothing_of_the_activity(
    alice, django_capture_on_commit_callbacks
):
    activity = _plan(alice, by_email=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.send_due_activity_reminders(now=activity.remind_at) == 1
    emails = [c for c in callbacks if not getattr(c, "live_update", False)]  # the bell's live update aside
    assert len(emails) == 1, "one e-mail queued after the commit"
    from reconnect.services import send_notification_email

    send_notification_email(notification_id=Notification.objects.get().pk)
    [message] = mail.outbox
    assert "Therapy" not in message.subject + message.body and "clinic" not in message.body


def test_no_reminder_for_an_activity_already_done_and_a_moved_reminder_comes_at_its_new_time(alice):
    done = _plan(alice, title="Done early")
    services.mark_activity_done(owner=alice, activity_id=done.pk)
    moved = _plan(alice, hours=5, title="Moved")
    assert services.send_due_activity_reminders(now=moved.remind_at) == 1  # "Moved" only
    later = moved.starts_at + timedelta(hours=2)
    services.save_activity(owner=alice, activity_id=moved.pk, title="Moved", starts_at=later,
                           remind_at=later - timedelta(minutes=30))
    assert services.send_due_activity_reminders(now=later - timedelta(minutes=30)) == 1
    assert ActivityReminderSent.objects.filter(activity=moved).count() == 2
    assert not ActivityReminderSent.objects.filter(activity=done).exists()


def test_the_beat_schedule_runs_the_activity_reminder_sweep_every_few_minutes(settings):
    from reconnect.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["toolbox-activity-reminders"]
    assert entry["task"] == tasks.send_due_activity_reminders.name and entry["task"] in app.tasks
    assert entry["schedule"] <= 5 * 60


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_running_the_sweep_twice_sends_one_reminder_and_one_e_mail(alice, celery_worker_queue):  # noqa: F811
    from reconnect.tasks import send_notification_email

    activity = _plan(alice, hours=1, remind_before=30, by_email=True)
    Activity.objects.filter(pk=activity.pk).update(remind_at=timezone.now() - timedelta(seconds=5))
    tasks.send_due_activity_reminders.apply_async(queue=celery_worker_queue)
    tasks.send_due_activity_reminders.apply_async(queue=celery_worker_queue)
    assert wait_for(lambda: Notification.objects.filter(kind="toolbox").exists())
    note = Notification.objects.get(kind="toolbox")
    # The worker takes one task at a time, in order: when this one is done, both sweeps have run.
    send_notification_email.apply_async(args=[note.pk], queue=celery_worker_queue)
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert Notification.objects.filter(kind="toolbox").count() == 1 and len(mail.outbox) == 1
    assert ActivityReminderSent.objects.count() == 1
    assert "Therapy" not in mail.outbox[0].body
