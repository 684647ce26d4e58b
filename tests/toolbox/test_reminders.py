"""The gentle reminder to read the crisis plan through: after six months unchanged, once per six months."""

from datetime import timedelta

from django.utils import timezone

from reconnect.models import Notification
from toolbox import tasks
from toolbox.models import CrisisPlan

HALF_A_YEAR = timedelta(days=183)


def _age(plan, by):
    CrisisPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - by)


def test_a_plan_unchanged_for_six_months_brings_one_content_free_reminder_even_if_the_task_runs_twice(
    alice, alice_plan, django_capture_on_commit_callbacks
):
    _age(alice_plan, HALF_A_YEAR)
    alice.email_notification_kinds = ["toolbox"]
    alice.save(update_fields=["email_notification_kinds"])
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.send_crisis_plan_review_reminders() == 1
        assert tasks.send_crisis_plan_review_reminders() == 0
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == "toolbox" and notification.link == "/toolbox/crisis-plan/"
    assert "read it through" in notification.text
    for secret in ("pills", "Anne", "Pepper", "harbour"):
        assert secret not in notification.text


def test_a_recently_changed_plan_brings_no_reminder(alice_plan):
    _age(alice_plan, timedelta(days=150))
    assert tasks.send_crisis_plan_review_reminders() == 0
    assert not Notification.objects.exists()


def test_the_next_reminder_comes_six_months_after_the_last_one(alice, alice_plan):
    _age(alice_plan, HALF_A_YEAR * 2)
    CrisisPlan.objects.filter(pk=alice_plan.pk).update(review_reminded_at=timezone.now() - timedelta(days=100))
    assert tasks.send_crisis_plan_review_reminders() == 0
    CrisisPlan.objects.filter(pk=alice_plan.pk).update(review_reminded_at=timezone.now() - HALF_A_YEAR)
    assert tasks.send_crisis_plan_review_reminders() == 1
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_the_beat_schedule_runs_the_reminder_task(settings):
    from reconnect.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["toolbox-crisis-plan-review"]
    assert entry["task"] == tasks.send_crisis_plan_review_reminders.name
    assert entry["task"] in app.tasks
