"""Secure messaging: conversations between a service user and their care team (or the consultant).

Counters (a conversation's message count, a participant's unread count, a person's unread badge) are kept on
write by messaging.services with F() expressions, so pages never count rows. Message bodies and subjects are
encrypted at rest (reconnect.fields.EncryptedTextField); attachments are encrypted files outside the web root.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reconnect.fields import EncryptedTextField

SUBJECT_MAX = 120
BODY_MAX = 20_000
ORIGINAL_NAME_MAX = 200
# A sent message may be edited or withdrawn for this long; after that it stays as it is.
CHANGE_WINDOW = timedelta(minutes=5)
# The conversation page shows the newest this many messages, with a link to earlier ones.
MESSAGES_PER_PAGE = 50


class Conversation(models.Model):
    """A subject and messages in order, about one service user's care. Participants are fixed at the start."""

    class Kind(models.TextChoices):
        CARE_TEAM = "care_team", _("With the care team")
        CONSULTANT = "consultant", _("With the service user consultant")

    # Encrypted like the messages: a subject such as "my new medicine" is health information too.
    subject = EncryptedTextField(_("subject"))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CARE_TEAM)
    # The person whose care this is. Providers reach the conversation only while linked to this person.
    service_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations_about",
        limit_choices_to={"role": "service_user"},
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [models.Index(fields=["service_user", "-last_message_at"])]

    def __str__(self):
        # Never the subject: str() ends up in logs and the admin.
        return f"Conversation #{self.pk}"

    def get_absolute_url(self):
        return reverse("messaging:conversation", args=[self.pk])


class Participant(models.Model):
    """A person in a conversation, with their read state and unread count (kept on write)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    # The number of the newest message this person has seen.
    last_read_number = models.PositiveIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    unread_count = models.PositiveIntegerField(default=0)
    # Set when the "you have a new message" e-mail went out; cleared when the person reads the conversation,
    # so there is at most one e-mail per conversation until they have read it.
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="messaging_one_participant_per_person"),
        ]
        indexes = [models.Index(fields=["user", "conversation"])]

    def __str__(self):
        return f"Participant #{self.pk}"


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    number = models.PositiveIntegerField()
    body = EncryptedTextField(_("message"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # One-time token from the form: the same form sent twice makes one message.
    submit_token = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"], name="messaging_message_number_unique"),
            models.UniqueConstraint(
                fields=["sender", "submit_token"], condition=Q(submit_token__isnull=False),
                name="messaging_message_submit_once",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="messaging_message_number_positive"),
        ]

    def __str__(self):
        return f"Message #{self.pk}"

    def can_change(self, *, now=None) -> bool:
        """True while the sender may still edit or withdraw this message."""
        now = now or timezone.now()
        return self.withdrawn_at is None and now - self.created_at < CHANGE_WINDOW

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None


class Attachment(models.Model):
    """One file on a message. Stored encrypted under MEDIA_ROOT/messaging with a random name, never the sent one."""

    class Type(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="attachment")
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(max_length=ORIGINAL_NAME_MAX)
    content_type = models.CharField(max_length=40, choices=Type.choices)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"Attachment #{self.pk}"

    def get_absolute_url(self):
        return reverse("messaging:attachment", args=[self.pk])
