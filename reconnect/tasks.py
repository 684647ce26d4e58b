from celery import shared_task


@shared_task(name="reconnect.send_notification_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> None:
    from reconnect.services import send_notification_email as send

    send(notification_id=notification_id)
