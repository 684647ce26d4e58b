"""The recovery toolbox: the service user's own modules, private by default, shared on purpose.

Sharing is one model for every module (`Share`: owner, provider, module). A share counts only while the
provider has an active care link to the owner; toolbox.access checks both on every request, so revoking a
share or ending the care link takes effect on the very next page a provider opens.

The crisis plan (the Stanley-Brown safety plan) is the first module. Its free text, its contacts' names and
their phone numbers are encrypted at rest (reconnect.fields.EncryptedTextField).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reconnect.fields import EncryptedTextField

# Limits per field, checked in toolbox.services with a friendly message before anything is stored.
PLAN_TEXT_MAX = 2000
CONTACT_NAME_MAX = 100
CONTACT_PHONE_MAX = 20
# How many people (step 4) and how many professionals or services (step 5) a plan holds.
CONTACTS_PER_STEP = 5
# A plan not changed for this long brings a gentle reminder to read it through, once per period.
REVIEW_AFTER = timedelta(days=182)


class Module(models.TextChoices):
    """The parts of the toolbox a service user may share, each per provider. Only the crisis plan is built so
    far; the others are named here so a share (and its audit row) means the same thing in every module."""

    GOALS = "goals", _("goals and activities")
    NETWORK = "network", _("network map")
    CRISIS_PLAN = "crisis_plan", _("crisis plan")
    MEDICATION = "medication", _("medication overview")
    REFLECTIONS = "reflections", _("exercise reflections")


# The modules that have pages today; sharing is offered (and accepted by the service) only for these.
BUILT_MODULES = (Module.CRISIS_PLAN,)


class Share(models.Model):
    """The owner lets one provider see one module. No row means not shared (the default).

    Revoking deletes the row; the audit trail keeps the history (granted and revoked, by whom, when).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="toolbox_shares",
        limit_choices_to={"role": "service_user"},
    )
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="toolbox_shares_received",
        limit_choices_to={"role": "provider"},
    )
    module = models.CharField(max_length=20, choices=Module.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(fields=["owner", "provider", "module"], name="toolbox_share_once"),
            models.CheckConstraint(
                condition=models.Q(module__in=[value for value, _label in Module.choices]),
                name="toolbox_share_known_module",
            ),
        ]
        indexes = [models.Index(fields=["provider", "owner"])]

    def __str__(self):
        return f"Share #{self.pk} ({self.module})"


class CrisisPlan(models.Model):
    """One service user's safety plan: six steps and what matters most to them."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crisis_plan",
        limit_choices_to={"role": "service_user"},
    )
    warning_signs = EncryptedTextField(_("My warning signs"), blank=True)
    coping_on_my_own = EncryptedTextField(_("What I can do on my own to cope"), blank=True)
    distractions = EncryptedTextField(_("People and places that take my mind off things"), blank=True)
    safer_surroundings = EncryptedTextField(_("Making my surroundings safer"), blank=True)
    reasons_for_living = EncryptedTextField(_("What matters most to me, my reasons for living"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the owner saves the plan (not by reminders), so "last updated" means the owner's last change.
    updated_at = models.DateTimeField(default=timezone.now)
    # When the last "time to read it through" reminder went out: at most one per REVIEW_AFTER period.
    review_reminded_at = models.DateTimeField(null=True, blank=True)

    # How "Who has seen my data" names this object (a whole phrase: see reconnect.views.audit).
    audit_label = _("your crisis plan")

    # The free-text steps in the order of the plan, with their step numbers (None: not a numbered step).
    TEXT_STEPS = (
        (1, "warning_signs"),
        (2, "coping_on_my_own"),
        (3, "distractions"),
        (6, "safer_surroundings"),
        (None, "reasons_for_living"),
    )

    class Meta:
        verbose_name = _("crisis plan")
        verbose_name_plural = _("crisis plans")

    def __str__(self):
        # Never any of the plan's text: str() ends up in logs and the admin.
        return f"CrisisPlan #{self.pk}"

    @property
    def is_empty(self):
        return not any(getattr(self, name) for _step, name in self.TEXT_STEPS)


class CrisisContact(models.Model):
    """A person (step 4) or a professional or service (step 5) in a crisis plan, with an optional phone number."""

    class Step(models.IntegerChoices):
        PERSON = 4, _("People I can ask for help")
        PROFESSIONAL = 5, _("Professionals and services to contact")

    plan = models.ForeignKey(CrisisPlan, on_delete=models.CASCADE, related_name="contacts")
    step = models.PositiveSmallIntegerField(choices=Step.choices)
    position = models.PositiveSmallIntegerField(default=0)
    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone number"), blank=True)

    class Meta:
        ordering = ["step", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(step__in=[4, 5]), name="toolbox_contact_step_4_or_5"),
        ]

    def __str__(self):
        return f"CrisisContact #{self.pk}"
