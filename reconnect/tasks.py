from celery import shared_task


@shared_task(name="reconnect.send_notification_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> None:
    from reconnect.services import send_notification_email as send

    send(notification_id=notification_id)


@shared_task(name="reconnect.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, token: str) -> None:
    # The token rides along because only its hash is stored (see reconnect.services.invite_person).
    from reconnect.services import send_invitation_email as send

    send(invitation_id=invitation_id, token=token)
