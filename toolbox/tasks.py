"""The toolbox's Celery tasks: thin, they call a service."""

from celery import shared_task


@shared_task(name="toolbox.send_crisis_plan_review_reminders")
def send_crisis_plan_review_reminders() -> int:
    """Run daily by Celery beat (settings.CELERY_BEAT_SCHEDULE): the gentle "read your crisis plan through"
    reminder, at most once per six months per plan (idempotent: running it twice sends nothing more)."""
    from toolbox.services import send_crisis_plan_review_reminders as send

    return send()
