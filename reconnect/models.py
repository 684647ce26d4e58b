import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Lets constraints say pseudonym__length__gte (and every app's text fields __length__lte): registered once, here
# in the core, whose models load first.
models.CharField.register_lookup(Length)
models.TextField.register_lookup(Length)


class Role(models.TextChoices):
    SERVICE_USER = "service_user", _("Service user")
    PROVIDER = "provider", _("Health provider")
    CONSULTANT = "consultant", _("Service user consultant")
    ADMIN = "admin", _("Administrator")


class Community(models.Model):
    """A municipality whose service users share cafés and community-local threads."""

    name = models.CharField(_("name"), max_length=100)
    municipality = models.CharField(_("municipality"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        fields.setdefault("pseudonym", "admin-" + secrets.token_hex(3))
        return self._create_user(email, password, **fields)


def default_email_notification_kinds():
    """What a new account gets by e-mail: only "you have a new message" (messaging's content-free alert, which
    people expect from a patient portal); every other kind is chosen on the notification settings page."""
    return ["message"]


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Peers and the consultant only ever see the pseudonym."""

    PSEUDONYM_MIN = 3
    PSEUDONYM_MAX = 30

    email = models.EmailField(_("e-mail address"), unique=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=PSEUDONYM_MAX)
    real_name = models.CharField(
        _("real name"), max_length=150, blank=True, help_text=_("Seen only by your own care team.")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SERVICE_USER)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    # Notification kinds the user also wants by e-mail (content-free e-mail; see reconnect.services).
    email_notification_kinds = ArrayField(
        models.CharField(max_length=40), default=default_email_notification_kinds, blank=True,
        verbose_name=_("e-mail me about"),
    )
    # Kept on write by reconnect.services so the header never counts rows.
    unread_notifications = models.PositiveIntegerField(default=0)
    # Kept on write by messaging.services: unread messages across all conversations, for the menu badge.
    unread_messages = models.PositiveIntegerField(default=0)
    # Written by a provider (or the consultant) and shown above the message composer; blank = a default sentence.
    message_reply_time = models.CharField(
        _("usual reply time"), max_length=100, blank=True,
        help_text=_('For example "within 2 working days". Shown to the people who write to you.'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("pseudonym"), name="user_pseudonym_unique_ci"),
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(pseudonym__length__gte=3) & Q(pseudonym__length__lte=30),
                name="user_pseudonym_length",
            ),
            models.CheckConstraint(
                condition=~Q(role="service_user") | Q(community__isnull=False),
                name="user_service_user_has_community",
            ),
        ]

    def __str__(self):
        # The pseudonym, never the real name: str(user) ends up in templates and logs.
        return self.pseudonym

    def get_full_name(self):
        return self.pseudonym

    def get_short_name(self):
        return self.pseudonym

    @property
    def is_service_user(self):
        return self.role == Role.SERVICE_USER

    @property
    def is_provider(self):
        return self.role == Role.PROVIDER

    @property
    def is_consultant(self):
        return self.role == Role.CONSULTANT

    @property
    def is_portal_admin(self):
        return self.role == Role.ADMIN


class CareLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class CareLink(models.Model):
    """A provider's link to a service user in their care. History is kept: ending sets ended_at."""

    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_links_as_provider",
        limit_choices_to={"role": Role.PROVIDER},
    )
    service_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_links_as_user",
        limit_choices_to={"role": Role.SERVICE_USER},
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CareLinkQuerySet.as_manager()
    # How "Who has seen my data" names this object (a whole phrase: see reconnect.views.audit).
    audit_label = _("your care link")

    class Meta:
        verbose_name = _("care link")
        verbose_name_plural = _("care links")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_user"], condition=Q(ended_at__isnull=True),
                name="carelink_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="carelink_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["service_user", "ended_at"])]

    def __str__(self):
        return f"CareLink #{self.pk}"

    @property
    def is_active(self):
        return self.ended_at is None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring invitation to create an account with a given role and community.

    Only the SHA-256 of the token is stored; the token itself travels in the invitation link.
    """

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.PROTECT
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    # When a provider invites a service user, accepting creates a care link to that provider.
    care_provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set once the invitation e-mail has gone out: makes the send idempotent and shows a failed send.
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="service_user") | Q(community__isnull=False),
                name="invitation_service_user_has_community",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_after_creation"
            ),
        ]

    def __str__(self):
        return f"Invitation #{self.pk} ({self.get_role_display()})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def set_token(self, token: str) -> None:
        self.token_hash = hash_token(token)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_usable(self):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        """One of "accepted", "revoked", "expired" or "pending"."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ConsentVersion(models.Model):
    """A version of the terms every user accepts before using the portal. A new version asks again."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    summary_nb = models.CharField(_("summary (Norwegian)"), max_length=200)
    summary_en = models.CharField(_("summary (English)"), max_length=200)
    text_nb = models.TextField(_("terms (Norwegian Bokmål)"))
    text_en = models.TextField(_("terms (English)"))

    class Meta:
        verbose_name = _("consent version")
        verbose_name_plural = _("consent versions")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class ConsentAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="consent_once_per_version"),
        ]


class AuditAction(models.TextChoices):
    SHARE_GRANTED = "share_granted", _("shared with a provider")
    SHARE_REVOKED = "share_revoked", _("stopped sharing with a provider")
    SHARED_VIEWED = "shared_viewed", _("viewed shared content")
    CARE_LINK_CREATED = "care_link_created", _("care link started")
    CARE_LINK_ENDED = "care_link_ended", _("care link ended")
    INVITATION_SENT = "invitation_sent", _("invitation sent")
    INVITATION_ACCEPTED = "invitation_accepted", _("invitation accepted")
    CONSENT_ACCEPTED = "consent_accepted", _("terms accepted")
    MFA_ENROLLED = "mfa_enrolled", _("second factor set up")
    MFA_RESET = "mfa_reset", _("second factor changed")
    RECOVERY_CODES_CREATED = "recovery_codes_created", _("new recovery codes made")
    MODERATION = "moderation", _("moderation action")
    DATA_EXPORTED = "data_exported", _("data downloaded")


class AuditEvent(models.Model):
    """One row of the append-only audit trail; a database trigger refuses UPDATE and DELETE.

    The foreign keys carry no database constraint so that rows outlive the people they name.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_user", "-created_at"])]

    def __str__(self):
        return f"{self.action} #{self.pk}"


# The kinds of notification, in one place: the preferences page offers each as "also by e-mail".
# A feature app that starts sending a new kind adds it here (the core imports no feature app, only names).
NOTIFICATION_KINDS = [
    ("forum_reply", _("Replies in the forum")),
    # Messaging's "you have a new message" e-mail (on by default): messaging.services.send_message_alerts.
    ("message", _("New messages")),
    ("cafe_reminder", _("Café reminders")),
    ("cafe", _("Changes to cafés you have answered, and a free place for you")),
    ("care_link", _("Changes to your care team")),
    ("forum_circle", _("Invitations to circles in the forum")),
    # The toolbox's gentle reminders (reading the crisis plan through every six months): toolbox.services.
    ("toolbox", _("Reminders from your toolbox")),
    ("moderation", _("Moderation of your posts")),
    ("system", _("News about ReConnect and your account")),
]


class Notification(models.Model):
    """Something new for a person: a kind, a short text without sensitive content, and a link."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=200)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id}"

    @property
    def safe_link(self) -> str:
        """The link if it is a path on this site, else "": a stored link is never trusted to leave the site."""
        return self.link if is_safe_local_path(self.link) else ""

    def get_absolute_url(self):
        return self.safe_link or reverse("notifications")


def is_safe_local_path(url: str) -> bool:
    """True for a path on this site ("/forum/"), false for "//host", "/\\host", "https://..." and the like."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 32 or char.isspace() for char in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)
