"""Every write of messaging goes through these keyword-only functions.

Counters change in the same transaction as the message, with F() expressions: a conversation's message count
and last activity, each participant's unread count, and each person's unread badge (User.unread_messages).
Bad input raises MessagingError with a message for the person, before anything is stored.
"""

import logging
import os
import secrets
import unicodedata
import uuid
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging import access
from messaging.models import (
    BODY_MAX, CHANGE_WINDOW, ORIGINAL_NAME_MAX, SUBJECT_MAX, Attachment, Conversation, Message, Participant,
)
from reconnect.fields import DecryptionError, fernet, rotate_file
from reconnect.models import Role, User
from reconnect.userinput import UserFacingError, clean_text, within_rate_limit

logger = logging.getLogger(__name__)

TEAM = "team"  # "to" for a service user writing to their whole care team at once
# The notification kind (reconnect.models.NOTIFICATION_KINDS) that turns the "new message" e-mail on or off.
MESSAGE_EMAIL_KIND = "message"


class MessagingError(UserFacingError):
    """A write messaging refuses, with a message for the person (already translated)."""


# --- Checks that give the friendly message ------------------------------------------------------------
def clean_subject(subject) -> str:
    return clean_text(
        subject, max_length=SUBJECT_MAX, single_line=True, error=MessagingError,
        empty_message=_("Please write a short subject, so you both know what the conversation is about."),
        too_long_message=_("The subject is %(length)s characters long. "
                           "Please shorten it to %(max)s characters or fewer."),
    )


def clean_body(body) -> str:
    return clean_text(
        body, max_length=BODY_MAX, error=MessagingError,
        empty_message=_("Your message is empty. Please write something before you send it."),
        too_long_message=_("Your message is %(length)s characters long. "
                           "Please shorten it to %(max)s characters or fewer, or send it as two messages."),
    )


def check_send_rate(*, user) -> None:
    """Raise MessagingError when `user` has already sent MESSAGES_PER_MINUTE messages this minute.

    Counted in the cache only for messages about to be stored (after every other check), and failing open
    when the cache is down (reconnect.userinput.within_rate_limit).
    """
    if not within_rate_limit(scope="messaging:sent", user=user, limit=settings.MESSAGES_PER_MINUTE):
        raise MessagingError(
            _("You have sent many messages in a short time. Please wait a minute and send it again; "
              "your text is still here.")
        )


def _parse_token(submit_token):
    if submit_token in (None, ""):
        return None
    try:
        return uuid.UUID(str(submit_token))
    except ValueError:
        return None


# --- Attachments --------------------------------------------------------------------------------------
# The type is read from the first bytes of the content, never from the name or the browser's claim.
_SIGNATURES = [
    (b"%PDF-", Attachment.Type.PDF, ".pdf"),
    (b"\x89PNG\r\n\x1a\n", Attachment.Type.PNG, ".png"),
    (b"\xff\xd8\xff", Attachment.Type.JPEG, ".jpg"),
]
_EXTENSIONS = {
    Attachment.Type.PDF: (".pdf",),
    Attachment.Type.PNG: (".png",),
    Attachment.Type.JPEG: (".jpg", ".jpeg"),
}


def encrypt_bytes(data: bytes) -> bytes:
    """Attachments are encrypted with the same keys as message bodies (FIELD_ENCRYPTION_KEYS)."""
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except (InvalidToken, ValueError) as exc:
        raise DecryptionError("an attachment could not be decrypted with the configured keys") from exc


def attachment_max_bytes() -> int:
    return settings.MESSAGE_ATTACHMENT_MAX_BYTES


def attachment_dir() -> Path:
    """Where attachments live: under MEDIA_ROOT, which no URL serves (only the access-checked view)."""
    return Path(settings.MEDIA_ROOT) / "messaging"


def _too_big_message():
    megabytes = attachment_max_bytes() / (1024 * 1024)
    return _("The file is too large. Files can be up to %(size)s MB.") % {"size": f"{megabytes:g}"}


def read_attachment(upload) -> tuple[str, bytes, str]:
    """Check an uploaded file and return (content type, content, a safe original name), or raise MessagingError.

    PDF, PNG and JPEG only, told by their first bytes; up to MESSAGE_ATTACHMENT_MAX_BYTES.
    """
    limit = attachment_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise MessagingError(_too_big_message())
    data = b"".join(upload.chunks())
    if len(data) > limit:
        raise MessagingError(_too_big_message())
    if not data:
        raise MessagingError(_("The file is empty. Please choose another file."))
    for signature, content_type, extension in _SIGNATURES:
        if data.startswith(signature):
            return content_type, data, safe_original_name(upload.name, content_type, extension)
    raise MessagingError(
        _("This kind of file cannot be sent. You can attach a PDF document or a PNG or JPEG picture.")
    )


def safe_original_name(name, content_type, extension) -> str:
    """The sent file's name, cleaned for showing and for the download header; never used on disk."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".") or "attachment"
    if not name.lower().endswith(_EXTENSIONS[content_type]):
        # A PDF called "photo.png" downloads as "photo.png.pdf": the name must not lie about the content.
        name += extension
    if len(name) > ORIGINAL_NAME_MAX:
        stem, ext = os.path.splitext(name)
        name = stem[: ORIGINAL_NAME_MAX - len(ext)] + ext
    return name


def _store_attachment(*, message, content_type, data, original_name) -> Attachment:
    """Write the encrypted file under a random name, then its row. The caller removes the file on failure."""
    directory = attachment_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = directory / stored_name
    with open(path, "xb") as handle:
        handle.write(encrypt_bytes(data))
    try:
        return Attachment.objects.create(
            message=message, stored_name=stored_name, original_name=original_name, content_type=content_type,
            size=len(data),
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise


def attachment_content(attachment) -> bytes:
    """The decrypted content of an attachment (raises DecryptionError if no key fits, FileNotFoundError if gone)."""
    with open(attachment_dir() / attachment.stored_name, "rb") as handle:
        return decrypt_bytes(handle.read())


def reencrypt_attachment_files() -> tuple[int, int]:
    """Re-encrypt every attachment file with the newest key (see manage.py rotate_encryption_keys).

    Each file is rewritten atomically (reconnect.fields.rotate_file). Returns (re-encrypted, missing on disk).
    """
    rotated = missing = 0
    for pk, stored_name in Attachment.objects.order_by("pk").values_list("pk", "stored_name").iterator():
        path = attachment_dir() / stored_name
        if not rotate_file(path):
            missing += 1
            continue
        if not Attachment.objects.filter(pk=pk).exists():
            # Withdrawn while we rewrote it: its file was removed and our rename may have brought it back.
            _remove_attachment_file(stored_name)
            missing += 1
            continue
        rotated += 1
    return rotated, missing


def _remove_attachment_file(stored_name) -> None:
    try:
        (attachment_dir() / stored_name).unlink(missing_ok=True)
    except OSError:
        logger.warning("Could not remove a withdrawn attachment file.", exc_info=True)


# --- Who may be written to ----------------------------------------------------------------------------
def _recipients_for(*, author, to):
    """(kind, service user, the other participants) for a new conversation, or MessagingError."""
    not_reachable = MessagingError(
        _("You can write only to your own care team or the service user consultant. Please choose from the list.")
    )
    if author.role == Role.SERVICE_USER:
        providers = list(access.linked_providers_of(author))
        if to == TEAM:
            if not providers:
                raise MessagingError(_("You have no care team in ReConnect yet, so there is nobody to write to."))
            return Conversation.Kind.CARE_TEAM, author, providers
        if isinstance(to, User):
            if any(p.pk == to.pk for p in providers):
                return Conversation.Kind.CARE_TEAM, author, [to]
            if access.reachable_consultants().filter(pk=to.pk).exists():
                return Conversation.Kind.CONSULTANT, author, [to]
        raise not_reachable
    if author.role == Role.PROVIDER:
        if isinstance(to, User) and access.linked_service_users_of(author).filter(pk=to.pk).exists():
            return Conversation.Kind.CARE_TEAM, to, [to]
        raise MessagingError(
            _("You can write only to people with an active care link to you. Please choose from the list.")
        )
    raise MessagingError(_("Your account cannot start conversations."))


# --- Conversations and messages -----------------------------------------------------------------------
def start_conversation(*, author, to, subject, body, attachment=None, submit_token=None) -> Conversation:
    """Start a conversation with its first message.

    `to` is a User (one provider, a consultant, or for a provider the service user) or TEAM (a service user's
    whole care team). The same `submit_token` twice returns the conversation made the first time.
    """
    if not access.can_start_conversation(author):
        raise MessagingError(_("Your account cannot start conversations."))
    token = _parse_token(submit_token)
    existing = _existing_message(author, token)
    if existing is not None:
        return existing.conversation
    subject, body = clean_subject(subject), clean_body(body)
    kind, service_user, others = _recipients_for(author=author, to=to)
    checked = read_attachment(attachment) if attachment is not None else None
    check_send_rate(user=author)
    now = timezone.now()
    stored_files = []
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                subject=subject, kind=kind, service_user=service_user, started_by=author, created_at=now,
                last_message_at=now,
            )
            Participant.objects.bulk_create(
                Participant(conversation=conversation, user=person, joined_at=now)
                for person in [author, *[p for p in others if p.pk != author.pk]]
            )
            _place_message(conversation=conversation, sender=author, body=body, attachment=checked, token=token,
                           now=now, stored_files=stored_files)
    except IntegrityError:
        _remove_files(stored_files)
        # The same form sent twice at the same moment: the other request made the conversation.
        existing = _existing_message(author, token)
        if existing is None:
            raise
        return existing.conversation
    except BaseException:
        _remove_files(stored_files)
        raise
    return conversation


def send_message(*, conversation, sender, body, attachment=None, submit_token=None) -> Message:
    """Add a reply to `conversation` (which `sender` must still be able to open). Idempotent per submit_token."""
    token = _parse_token(submit_token)
    existing = _existing_message(sender, token)
    if existing is not None:
        return existing
    body = clean_body(body)
    if not access.conversations_visible_to(sender).filter(pk=conversation.pk).exists():
        raise MessagingError(_("You can no longer write in this conversation."))
    checked = read_attachment(attachment) if attachment is not None else None
    check_send_rate(user=sender)
    stored_files = []
    try:
        with transaction.atomic():
            return _place_message(
                conversation=conversation, sender=sender, body=body, attachment=checked, token=token,
                now=timezone.now(), stored_files=stored_files,
            )
    except IntegrityError:
        _remove_files(stored_files)
        existing = _existing_message(sender, token)  # the same form sent twice at the same moment
        if existing is None:
            raise
        return existing
    except BaseException:
        _remove_files(stored_files)
        raise


def _remove_files(stored_names) -> None:
    """A message that was not stored leaves no file behind. (A rollback of a transaction around the whole
    service call, after it returned, is not seen here; no caller in the portal does that.)"""
    for name in stored_names:
        _remove_attachment_file(name)


def _existing_message(sender, token):
    if token is None:
        return None
    return Message.objects.filter(sender=sender, submit_token=token).select_related("conversation").first()


def _place_message(*, conversation, sender, body, attachment, token, now, stored_files) -> Message:
    """Add a message at the end of a locked conversation row and keep every counter in step."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = Message.objects.create(
        conversation=locked, sender=sender, number=locked.message_count + 1, body=body, created_at=now,
        submit_token=token,
    )
    if attachment is not None:
        content_type, data, original_name = attachment
        stored = _store_attachment(message=message, content_type=content_type, data=data, original_name=original_name)
        stored_files.append(stored.stored_name)
    Conversation.objects.filter(pk=locked.pk).update(message_count=F("message_count") + 1, last_message_at=now)
    conversation.message_count, conversation.last_message_at = message.number, now
    recipients = [p for p in access.participants_with_access(locked) if p.user_id != sender.pk]
    Participant.objects.filter(pk__in=[p.pk for p in recipients]).update(unread_count=F("unread_count") + 1)
    User.objects.filter(pk__in=[p.user_id for p in recipients]).update(unread_messages=F("unread_messages") + 1)
    # What you wrote yourself is not new to you; writing also means you have read what came before.
    mark_conversation_read(conversation=locked, user=sender, up_to_number=message.number)
    transaction.on_commit(lambda: message_sent(message_id=message.pk), robust=True)
    return message


def message_sent(*, message_id) -> None:
    """Runs after the commit of every new message: tells the open pages of everyone who can open the
    conversation (the live socket, messaging/consumers.py, redraws it for each person through access.py;
    the event carries ids only), then schedules the content-free e-mail alert."""
    from messaging.tasks import send_message_alerts
    from reconnect.live import send_to_users

    message = (
        Message.objects.filter(pk=message_id)
        .values("conversation_id", "conversation__service_user_id", "number", "sender_id").first()
    )
    if message is not None:
        event = {"type": "messaging.message", "conversation": message["conversation_id"],
                 "number": message["number"], "sender": message["sender_id"]}
        conversation = Conversation(pk=message["conversation_id"],
                                    service_user_id=message["conversation__service_user_id"])
        # Never raises: live delivery is a courtesy, the e-mail alert below must still be scheduled.
        send_to_users([p.user_id for p in access.participants_with_access(conversation)], event)
    delay = settings.MESSAGE_EMAIL_DELAY_MINUTES * 60
    send_message_alerts.apply_async(args=[message_id], countdown=delay)


def edit_message(*, message, editor, body, now=None) -> Message:
    """Change the text of `editor`'s own message, within 5 minutes of sending and unless withdrawn."""
    now = now or timezone.now()
    body = clean_body(body)
    if message.sender_id != editor.pk:
        raise MessagingError(_("You can only change your own messages."))
    updated = Message.objects.filter(
        pk=message.pk, withdrawn_at__isnull=True, created_at__gt=now - CHANGE_WINDOW
    ).update(body=body, edited_at=now)
    if not updated:
        raise MessagingError(_("A message can be changed only in the first 5 minutes after it was sent."))
    message.body, message.edited_at = body, now
    return message


def withdraw_message(*, message, by, now=None) -> Message:
    """Withdraw `by`'s own message within 5 minutes: its text and attachment are removed, the message stays
    in the conversation as "withdrawn" (messages are never silently deleted)."""
    now = now or timezone.now()
    if message.sender_id != by.pk:
        raise MessagingError(_("You can only withdraw your own messages."))
    with transaction.atomic():
        updated = Message.objects.filter(
            pk=message.pk, withdrawn_at__isnull=True, created_at__gt=now - CHANGE_WINDOW
        ).update(body="", withdrawn_at=now)
        if not updated:
            raise MessagingError(_("A message can be withdrawn only in the first 5 minutes after it was sent."))
        stored = list(Attachment.objects.filter(message=message).values_list("stored_name", flat=True))
        Attachment.objects.filter(message=message).delete()
        for name in stored:
            transaction.on_commit(lambda name=name: _remove_attachment_file(name))
    message.body, message.withdrawn_at = "", now
    return message


def mark_conversation_read(*, conversation, user, up_to_number) -> int:
    """Remember that `user` has read `conversation` up to message `up_to_number`; their unread count for it
    goes to 0 and their badge down by as much (never below 0). Writes nothing when nothing changed.

    Returns how many unread messages were cleared.
    """
    with transaction.atomic():
        state = (
            Participant.objects.select_for_update()
            .filter(conversation=conversation, user=user)
            .values("pk", "unread_count", "last_read_number", "alerted_at")
            .first()
        )
        if state is None:
            return 0
        if not state["unread_count"] and state["last_read_number"] >= up_to_number and state["alerted_at"] is None:
            return 0
        Participant.objects.filter(pk=state["pk"]).update(
            unread_count=0, last_read_number=Greatest(F("last_read_number"), up_to_number),
            last_read_at=timezone.now(), alerted_at=None,
        )
        cleared = state["unread_count"]
        if cleared:
            User.objects.filter(pk=user.pk).update(unread_messages=Greatest(F("unread_messages") - cleared, 0))
            user.unread_messages = max(0, user.unread_messages - cleared)
    return cleared


def forget_unread_after_care_link_ended(*, provider, service_user) -> int:
    """When a care link ends the provider can no longer open those conversations: take their unread messages
    there off their badge. Called on the core's care_link_ended signal (messaging.signals).
    """
    with transaction.atomic():
        rows = list(
            Participant.objects.select_for_update()
            .filter(user=provider, conversation__service_user=service_user, unread_count__gt=0)
            .values_list("pk", "unread_count")
        )
        if not rows:
            return 0
        total = sum(count for _pk, count in rows)
        Participant.objects.filter(pk__in=[pk for pk, _count in rows]).update(unread_count=0)
        User.objects.filter(pk=provider.pk).update(unread_messages=Greatest(F("unread_messages") - total, 0))
    return total


def set_reply_time(*, user, text) -> str:
    """Save the short sentence about how soon `user` usually replies (providers and the consultant)."""
    if not access.can_set_reply_time(user):
        raise MessagingError(_("Only health providers and the service user consultant set a reply time."))
    text = " ".join((text or "").split())
    max_length = User._meta.get_field("message_reply_time").max_length
    if len(text) > max_length:
        raise MessagingError(
            _("Please keep it to %(max)s characters or fewer.") % {"max": max_length}
        )
    User.objects.filter(pk=user.pk).update(message_reply_time=text)
    user.message_reply_time = text
    return text


# --- E-mail alerts ------------------------------------------------------------------------------------
def send_message_alerts(*, message_id) -> int:
    """E-mail each participant who has not read message `message_id` yet and has not been alerted in this
    conversation since they last read it. The e-mail says only that there is a new message, with a link.

    Only to people who keep "New messages" ticked on their notification settings page (ticked by default).
    Idempotent: each person's alert is claimed with a conditional UPDATE in the same transaction as the send;
    a failed send rolls the claim back (the task retries), a second run finds it claimed. Returns the number sent.
    """
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    message = Message.objects.select_related("conversation").filter(pk=message_id).first()
    if message is None or message.withdrawn_at is not None:
        return 0
    conversation = message.conversation
    sent = 0
    for participant in access.participants_with_access(conversation):
        if participant.user_id == message.sender_id or participant.last_read_number >= message.number:
            continue
        if MESSAGE_EMAIL_KIND not in participant.user.email_notification_kinds:
            continue  # turned off on the notification settings page (nothing claimed: turning it on resumes)
        with transaction.atomic():
            claimed = Participant.objects.filter(
                pk=participant.pk, alerted_at__isnull=True, last_read_number__lt=message.number,
            ).update(alerted_at=timezone.now())
            if not claimed:
                continue
            recipient = participant.user
            with translation.override(recipient.preferred_language):
                context = {
                    "link": settings.SITE_URL + reverse("messaging:conversation", args=[conversation.pk]),
                    "settings_link": settings.SITE_URL + reverse("notification_preferences"),
                }
                subject = render_to_string("messaging/email/alert_subject.txt", context).strip()
                body = render_to_string("messaging/email/alert_body.txt", context)
            send_mail(subject, body, None, [recipient.email])
        sent += 1
    return sent


# --- The consultant reaches out (from the moderation queue) -------------------------------------------------
def start_conversation_as_consultant(*, consultant, member, subject, body, submit_token=None) -> Conversation:
    """The service user consultant writes privately to a member (a conversation of kind "consultant", as when
    the member writes first). Used from the moderation queue, e.g. after crisis language in a post. Idempotent
    per submit_token."""
    if not (access.can_use_messaging(consultant) and consultant.role == Role.CONSULTANT):
        raise MessagingError(_("Only the service user consultant can write to a member from here."))
    if member is None or member.role != Role.SERVICE_USER or not member.is_active:
        raise MessagingError(_("This member cannot receive messages."))
    token = _parse_token(submit_token)
    existing = _existing_message(consultant, token)
    if existing is not None:
        return existing.conversation
    subject, body = clean_subject(subject), clean_body(body)
    check_send_rate(user=consultant)
    now = timezone.now()
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                subject=subject, kind=Conversation.Kind.CONSULTANT, service_user=member, started_by=consultant,
                created_at=now, last_message_at=now,
            )
            Participant.objects.bulk_create([
                Participant(conversation=conversation, user=consultant, joined_at=now),
                Participant(conversation=conversation, user=member, joined_at=now),
            ])
            _place_message(conversation=conversation, sender=consultant, body=body, attachment=None, token=token,
                           now=now, stored_files=[])
    except IntegrityError:
        existing = _existing_message(consultant, token)
        if existing is None:
            raise
        return existing.conversation
    return conversation
