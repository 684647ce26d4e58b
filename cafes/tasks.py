"""Café tasks for beat: thin, they call a service. Both are sweeps (they take no ids) and idempotent: each
reminder is sent once (cafes.models.ReminderSent) and each series day planned once (Cafe.series_date)."""

from celery import shared_task


@shared_task(name="cafes.send_due_reminders", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_due_reminders() -> int:
    from cafes.services import send_due_reminders as send

    return send()


@shared_task(name="cafes.plan_series_cafes", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def plan_series_cafes() -> int:
    from cafes.services import plan_all_series_cafes

    return plan_all_series_cafes()
