"""Messaging's Celery tasks: thin, they take ids and call a service."""

from celery import shared_task


@shared_task(name="messaging.send_message_alerts", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_message_alerts(message_id: int) -> int:
    """The content-free "you have a new message" e-mail for those who have not read message `message_id`."""
    from messaging.services import send_message_alerts as send

    return send(message_id=message_id)
