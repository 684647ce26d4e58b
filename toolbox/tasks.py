"""The toolbox's Celery tasks: thin, they call a service."""

from celery import shared_task


@shared_task(name="toolbox.send_crisis_plan_review_reminders")
def send_crisis_plan_review_reminders() -> int:
    """Run daily by Celery beat (settings.CELERY_BEAT_SCHEDULE): the gentle "read your crisis plan through"
    reminder, at most once per six months per plan (idempotent: running it twice sends nothing more)."""
    from toolbox.services import send_crisis_plan_review_reminders as send

    return send()


@shared_task(name="toolbox.send_due_activity_reminders")
def send_due_activity_reminders() -> int:
    """Run every few minutes by Celery beat: activity reminders whose time has come, each sent once however often
    (or however many at once) this runs."""
    from toolbox.services import send_due_activity_reminders as send

    return send()
