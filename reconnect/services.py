"""Every write of the core goes through these keyword-only functions."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reconnect.models import (
    AuditEvent,
    ConsentAcceptance,
    ConsentVersion,
    Notification,
    User,
)


# --- Audit trail ---------------------------------------------------------------------------------------
def record_audit_event(*, actor, action, subject_user=None, obj=None, detail="") -> AuditEvent:
    """Append one row to the audit trail. The only way rows are written; they are never changed."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject_user=subject_user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail[:200],
    )


# --- Notifications -------------------------------------------------------------------------------------
def notify(*, recipient, kind, text, link="") -> Notification:
    """Tell a person something is new. `text` must hold nothing sensitive: no post text, no names.

    If the person wants this kind by e-mail, a content-free e-mail is sent after the commit.
    """
    notification = Notification.objects.create(recipient=recipient, kind=kind, text=text[:200], link=link)
    User.objects.filter(pk=recipient.pk).update(unread_notifications=F("unread_notifications") + 1)
    if kind in recipient.email_notification_kinds:
        from reconnect.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def mark_notification_read(*, notification) -> None:
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    if updated:
        User.objects.filter(pk=notification.recipient_id, unread_notifications__gt=0).update(
            unread_notifications=F("unread_notifications") - 1
        )


def mark_all_notifications_read(*, user) -> int:
    with transaction.atomic():
        updated = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
        User.objects.filter(pk=user.pk).update(unread_notifications=0)
    user.unread_notifications = 0
    return updated


# --- Consent -------------------------------------------------------------------------------------------
def current_consent_version():
    return ConsentVersion.objects.order_by("-version").first()


def consent_is_current(*, user) -> bool:
    latest = ConsentVersion.objects.order_by("-version").values_list("pk", flat=True).first()
    if latest is None:
        return True
    return ConsentAcceptance.objects.filter(user=user, version_id=latest).exists()


def accept_consent(*, user, version) -> ConsentAcceptance:
    from reconnect.models import AuditAction

    acceptance, created = ConsentAcceptance.objects.get_or_create(user=user, version=version)
    if created:
        record_audit_event(
            actor=user, subject_user=user, action=AuditAction.CONSENT_ACCEPTED, obj=version,
        )
    return acceptance


def send_notification_email(*, notification_id) -> bool:
    """Send the content-free e-mail for one notification, once: the row is claimed before sending.

    If sending fails the claim is rolled back, so a retry sends it; if it succeeded, a second run finds
    the row claimed and sends nothing.
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True).first()
        )
        if notification is None or not notification.recipient.is_active:
            return False
        recipient = notification.recipient
        with translation.override(recipient.preferred_language):
            context = {"link": settings.SITE_URL + notification.get_absolute_url()}
            subject = render_to_string("reconnect/email/notification_subject.txt", context).strip()
            body = render_to_string("reconnect/email/notification_body.txt", context)
        send_mail(subject, body, None, [recipient.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
