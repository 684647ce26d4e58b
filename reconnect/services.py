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
def notify(*, recipient, kind, text, link="", live=True) -> Notification:
    """Tell a person something is new. `text` must hold nothing sensitive: no post text, no names.

    If the person wants this kind by e-mail, a content-free e-mail is sent after the commit. live=False: the
    caller sends the live badge update itself (a batch sends one for everyone with reconnect.live.send_to_users;
    one trip to the channel layer per person costs milliseconds each).
    """
    with transaction.atomic():
        notification = Notification.objects.create(recipient=recipient, kind=kind, text=text[:200], link=link)
        User.objects.filter(pk=recipient.pk).update(unread_notifications=F("unread_notifications") + 1)
    if live:
        # The bell on the person's open pages counts it at once (reconnect/live.py).
        from reconnect.live import send_to_user_on_commit

        send_to_user_on_commit(recipient.pk, {"type": "live.badges", "notification": True})
    if kind in recipient.email_notification_kinds:
        from reconnect.tasks import send_notification_email

        # robust: a broker that is down must not turn the writer's page into an error; the notification
        # itself is saved and shows in the portal either way.
        transaction.on_commit(lambda: send_notification_email.delay(notification.pk), robust=True)
    return notification


def mark_notification_read(*, notification) -> None:
    """Mark one notification read and keep the recipient's unread counter in step; twice is harmless."""
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if updated:
            User.objects.filter(pk=notification.recipient_id, unread_notifications__gt=0).update(
                unread_notifications=F("unread_notifications") - 1
            )


def set_notification_email_kinds(*, user, kinds) -> list:
    """Save which notification kinds `user` also wants by e-mail; unknown kinds are dropped."""
    from reconnect.models import NOTIFICATION_KINDS

    known = [kind for kind, _label in NOTIFICATION_KINDS if kind in set(kinds)]
    User.objects.filter(pk=user.pk).update(email_notification_kinds=known)
    user.email_notification_kinds = known
    return known


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
    """True when `user` has accepted the newest terms (or none are published). One query: it runs on every
    request through ConsentRequiredMiddleware."""
    from django.db.models import Exists, OuterRef

    accepted = (
        ConsentVersion.objects.order_by("-version")
        .annotate(accepted=Exists(ConsentAcceptance.objects.filter(user=user, version=OuterRef("pk"))))
        .values_list("accepted", flat=True)
        .first()
    )
    return accepted is None or accepted


def last_accepted_consent(*, user):
    """The newest acceptance of `user`, with its version, or None."""
    return (
        ConsentAcceptance.objects.filter(user=user)
        .select_related("version")
        .order_by("-version__version")
        .first()
    )


def accept_consent(*, user, version) -> ConsentAcceptance:
    """Record that `user` accepted `version` of the terms, with an audit row; twice changes nothing."""
    from reconnect.models import AuditAction

    with transaction.atomic():
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
    from django.urls import reverse
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
            # The link opens the notification inside the portal, never its target: a target path can carry a
            # thread title or a name in its slug, and the e-mail must say nothing but "something new".
            context = {"link": settings.SITE_URL + reverse("notification_open", args=[notification.pk])}
            subject = render_to_string("reconnect/email/notification_subject.txt", context).strip()
            body = render_to_string("reconnect/email/notification_body.txt", context)
        send_mail(subject, body, None, [recipient.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


# --- Second factor (django-otp) ------------------------------------------------------------------------
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


def start_totp_enrolment(*, user):
    """The person's unconfirmed authenticator, made once and reused, so the QR code stays the same on reload."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="pending", confirmed=False)


def confirm_totp_device(*, user, device) -> None:
    """Make `device` the person's only authenticator; any earlier one stops working at once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from reconnect.models import AuditAction

    with transaction.atomic():
        replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True, name="authenticator app")
        device.confirmed, device.name = True, "authenticator app"
        record_audit_event(
            actor=user, subject_user=user, action=AuditAction.MFA_RESET if replacing else AuditAction.MFA_ENROLLED
        )


def create_recovery_codes(*, user) -> list[str]:
    """Replace the person's recovery codes with ten new ones and return them; each works once."""
    import secrets

    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from reconnect.models import AuditAction

    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        # The device is kept (only its codes change) so a session signed in with a recovery code stays valid.
        device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery codes", defaults={"confirmed": True})
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        record_audit_event(actor=user, subject_user=user, action=AuditAction.RECOVERY_CODES_CREATED)
    return codes


# --- Invitations ---------------------------------------------------------------------------------------
# Written for the invitations and care-links part. Imports are local so this block can be read alone.
def _pseudonym_taken_message():
    from django.utils.translation import gettext_lazy

    return gettext_lazy("Someone already uses this pseudonym. Please choose another one.")


# The friendly message for a pseudonym someone else has: used by the form, and by accept_invitation when
# the database constraint catches a race the form could not see.
PSEUDONYM_TAKEN_MESSAGE = _pseudonym_taken_message()


class InvitationUnusable(Exception):
    """The invitation is unknown, expired, used or withdrawn. One error for all, so nobody learns which."""


class InvitationEmailTaken(InvitationUnusable):
    """An account with the invitation's e-mail address already exists."""


def roles_invitable_by(user) -> list:
    """The roles `user` may invite: admins anyone; consultants and providers service users; others nobody."""
    from reconnect.models import Role

    if not user.is_authenticated or not user.is_active:
        return []
    if user.role == Role.ADMIN:
        return [Role.SERVICE_USER, Role.PROVIDER, Role.CONSULTANT, Role.ADMIN]
    if user.role in (Role.CONSULTANT, Role.PROVIDER):
        return [Role.SERVICE_USER]
    return []


def can_invite(user) -> bool:
    return bool(roles_invitable_by(user))


def check_can_invite(*, invited_by, role, community) -> None:
    """Raise ValidationError (keyed by form field) unless `invited_by` may invite a `role` to `community`."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from reconnect.models import Role

    allowed = roles_invitable_by(invited_by)
    if not allowed:
        raise ValidationError(_("Your account cannot send invitations."))
    if role not in allowed:
        raise ValidationError(
            {"role": _("You can invite service users only. Ask an administrator to invite other roles.")}
        )
    if role == Role.SERVICE_USER and community is None:
        raise ValidationError({"community": _("Choose the community this person belongs to.")})


def invite_person(*, invited_by, email, role, community=None):
    """Invite someone by e-mail to join with `role` (and `community`); returns (invitation, token).

    Only the token's SHA-256 is stored. A provider's invitation links the new person to that provider.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from reconnect.models import AuditAction, Invitation, Role
    from reconnect.tasks import send_invitation_email as send_invitation_email_task

    email = User.objects.normalize_email((email or "").strip()).lower()
    check_can_invite(invited_by=invited_by, role=role, community=community)
    if invited_by.role == Role.ADMIN and User.objects.filter(email__iexact=email).exists():
        # Only an admin is told: for a provider or the consultant this would reveal that a person uses a
        # mental health portal. Their invitation is made as usual and the person, on opening it, is told
        # to sign in instead.
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    token = Invitation.new_token()
    with transaction.atomic():
        invitation = Invitation(
            email=email,
            role=role,
            community=community,
            invited_by=invited_by,
            care_provider=invited_by if invited_by.role == Role.PROVIDER else None,
            expires_at=Invitation.default_expiry(),
        )
        invitation.set_token(token)
        invitation.save()
        record_audit_event(actor=invited_by, action=AuditAction.INVITATION_SENT, obj=invitation, detail=role)
        # The token is not stored, so it travels in the task's arguments. Through Celery (not synchronously)
        # because SMTP can be slow or down: the task retries with backoff and survives a worker restart,
        # and email_sent_at makes a repeated run send nothing. The token sits in Redis only until the task
        # runs, which is no more exposure than the e-mail itself. robust: a broker that is down must not
        # break the inviter's page; the list then shows the e-mail as not sent, and they can invite again.
        transaction.on_commit(
            lambda: send_invitation_email_task.delay(invitation.pk, token), robust=True
        )
    return invitation, token


def send_invitation_email(*, invitation_id, token) -> bool:
    """Send the invitation e-mail once, in Norwegian and English. Never names the person who invited."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from reconnect.models import Invitation, hash_token

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("community")
            .filter(pk=invitation_id, token_hash=hash_token(token), email_sent_at__isnull=True).first()
        )
        if invitation is None or not invitation.is_usable:
            return False
        context = {
            "invitation": invitation,
            "link": settings.SITE_URL + reverse("invitation_accept", args=[token]),
            "from_provider": invitation.care_provider_id is not None,
        }
        subjects, bodies = [], []
        languages = [settings.LANGUAGE_CODE] + [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        for language in languages:
            with translation.override(language):
                subject = render_to_string("reconnect/invitations/email_subject.txt", context).strip()
                if subject not in subjects:
                    subjects.append(subject)
                bodies.append(render_to_string("reconnect/invitations/email_body.txt", context).strip())
        send_mail(" / ".join(subjects), "\n\n-----\n\n".join(bodies) + "\n", None, [invitation.email])
        Invitation.objects.filter(pk=invitation.pk).update(email_sent_at=timezone.now())
    return True


def revoke_invitation(*, invitation, by) -> bool:
    """Withdraw a pending invitation so its link no longer works. False if it was already used or withdrawn."""
    from reconnect.models import Invitation

    now = timezone.now()
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    if updated:
        invitation.revoked_at = now
    return bool(updated)


def _notify_in_their_language(*, recipient, kind, message, link=""):
    """`message` is a gettext_lazy string; it is stored in the recipient's own language."""
    from django.utils import translation

    with translation.override(recipient.preferred_language):
        return notify(recipient=recipient, kind=kind, text=str(message), link=link)


def pseudonym_is_taken(pseudonym, *, exclude_pk=None) -> bool:
    from django.db.models.functions import Lower

    qs = User.objects.annotate(pseudonym_lower=Lower("pseudonym")).filter(pseudonym_lower=pseudonym.lower())
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def accept_invitation(*, token, pseudonym, real_name, password, preferred_language):
    """Create the account an invitation offers, mark the invitation used, and link a provider's invitee.

    All in one transaction with the invitation row locked, so a double submit makes one account. Raises
    InvitationUnusable (nothing created) or ValidationError({"pseudonym": ...}) when the name was taken
    in a race.
    """
    from allauth.account.models import EmailAddress
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from reconnect.models import AuditAction, Invitation, Role, hash_token

    if not token or len(token) > 200:
        raise InvitationUnusable
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
        if invitation is None or not invitation.is_usable:
            raise InvitationUnusable
        if email_has_account(invitation.email):
            raise InvitationEmailTaken
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    pseudonym=pseudonym,
                    real_name=real_name,
                    role=invitation.role,
                    community=invitation.community,
                    preferred_language=preferred_language,
                    is_staff=invitation.role == Role.ADMIN,
                    is_superuser=invitation.role == Role.ADMIN,
                )
        except IntegrityError:
            # The form checked, but someone may have taken the name a moment ago: the constraint decides.
            if pseudonym_is_taken(pseudonym):
                raise ValidationError({"pseudonym": PSEUDONYM_TAKEN_MESSAGE}) from None
            raise
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_by=user)
        record_audit_event(actor=user, subject_user=user, action=AuditAction.INVITATION_ACCEPTED, obj=invitation)

        provider = invitation.care_provider
        if provider is not None and provider.is_active and provider.role == Role.PROVIDER and user.is_service_user:
            create_care_link(provider=provider, service_user=user, by=user)
        elif invitation.invited_by.is_active:
            _notify_in_their_language(
                recipient=invitation.invited_by, kind="system",
                message=gettext_lazy("Someone you invited has joined ReConnect."), link=reverse("invitations"),
            )
    return user


# --- Care links ----------------------------------------------------------------------------------------
def create_care_link(*, provider, service_user, by):
    """Link a provider to a service user in their care, with an audit row; tells the side that did not act."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_lazy

    from reconnect.models import AuditAction, CareLink, Role

    if provider.role != Role.PROVIDER or service_user.role != Role.SERVICE_USER:
        raise ValidationError(_("A care link joins a health provider and a service user."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                link = CareLink.objects.create(provider=provider, service_user=service_user)
        except IntegrityError:
            raise ValidationError(_("These two are already linked.")) from None
        record_audit_event(actor=by, subject_user=service_user, action=AuditAction.CARE_LINK_CREATED, obj=link)
        if by is None or by.pk != provider.pk:
            _notify_in_their_language(
                recipient=provider, kind="care_link",
                message=gettext_lazy("A new person in your care is linked to you in ReConnect."),
                link=reverse("care_team"),
            )
        if by is None or by.pk != service_user.pk:
            _notify_in_their_language(
                recipient=service_user, kind="care_link",
                message=gettext_lazy("A provider has been added to your care team."), link=reverse("care_team"),
            )
    return link


def end_care_link(*, link, by) -> bool:
    """End an active care link (history is kept), write an audit row and tell the other side, without names.

    Either side or an admin may end it; False if it had already ended.
    """
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from reconnect.models import AuditAction, CareLink, Role
    from reconnect.signals import care_link_ended

    if by.pk not in (link.provider_id, link.service_user_id) and by.role != Role.ADMIN:
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        updated = CareLink.objects.filter(pk=link.pk, ended_at__isnull=True).update(ended_at=now, ended_by=by)
        if not updated:
            return False
        link.ended_at, link.ended_by = now, by
        record_audit_event(actor=by, subject_user=link.service_user, action=AuditAction.CARE_LINK_ENDED, obj=link)
        messages_for = {
            link.service_user_id: gettext_lazy("One of your care links has ended. Your care team page shows who is in it now."),
            link.provider_id: gettext_lazy("A care link with a person in your care has ended."),
        }
        for person in (link.service_user, link.provider):
            if person.pk != by.pk and person.is_active:
                _notify_in_their_language(
                    recipient=person, kind="care_link", message=messages_for[person.pk], link=reverse("care_team"),
                )
        # After the commit: receivers see the link ended, and a failing receiver cannot undo the ending.
        transaction.on_commit(lambda: care_link_ended.send(sender=CareLink, link=link, by=by), robust=True)
    return True


def email_has_account(email) -> bool:
    """True when an account (or a verified address of one) already uses `email`."""
    from allauth.account.models import EmailAddress

    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )
