"""Every write of the toolbox goes through these keyword-only functions.

Bad input raises ToolboxError with a message for the person (already translated), before anything is stored.
Every share granted or revoked, and every provider view of shared content, writes an audit row that the owner
sees on "Who has seen my data".
"""

import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reconnect.models import AuditAction, Role
from reconnect.services import notify, record_audit_event
from reconnect.userinput import UserFacingError
from toolbox import access
from toolbox.models import (
    BUILT_MODULES, CONTACT_NAME_MAX, CONTACT_PHONE_MAX, CONTACTS_PER_STEP, PLAN_TEXT_MAX, REVIEW_AFTER,
    CrisisContact, CrisisPlan, Module, Share,
)

# The notification kind of toolbox reminders (reconnect.models.NOTIFICATION_KINDS).
TOOLBOX_NOTIFICATION_KIND = "toolbox"


class ToolboxError(UserFacingError):
    """A write the toolbox refuses, with a message for the person (already translated)."""


# --- Checks that give the friendly message ------------------------------------------------------------
_PHONE = re.compile(r"^\+?[0-9 ]+$")


def clean_phone(value) -> str:
    """A phone number as typed, tidied ("+47 22 00 00 00"), or "" for none. Digits and spaces, with an optional
    + at the start, up to CONTACT_PHONE_MAX characters; raises ToolboxError otherwise."""
    phone = " ".join((value or "").split())
    if not phone:
        return ""
    if len(phone) > CONTACT_PHONE_MAX:
        raise ToolboxError(
            _("The phone number is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(phone), "max": CONTACT_PHONE_MAX}
        )
    if not _PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 3:
        raise ToolboxError(
            _("Please write the phone number with digits, spaces and + only, for example 22 33 44 55 or +47 22 33 44 55.")
        )
    return phone


def clean_plan_text(value) -> str:
    """A step of the plan, tidied; "" is fine (a step may stay empty). Raises ToolboxError when too long."""
    text = (value or "").replace("\r\n", "\n").strip("\n").rstrip()
    if not text.strip():
        return ""
    if len(text) > PLAN_TEXT_MAX:
        raise ToolboxError(
            _("This is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(text), "max": PLAN_TEXT_MAX}
        )
    return text


def clean_contact_name(value) -> str:
    name = " ".join((value or "").split())
    if len(name) > CONTACT_NAME_MAX:
        raise ToolboxError(
            _("The name is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(name), "max": CONTACT_NAME_MAX}
        )
    return name


def clean_contacts(rows) -> list:
    """[(name, phone), ...] tidied, empty rows left out; a phone number without a name is refused."""
    cleaned = []
    for name, phone in rows:
        name, phone = clean_contact_name(name), clean_phone(phone)
        if phone and not name:
            raise ToolboxError(_("Please add a name for the phone number %(phone)s.") % {"phone": phone})
        if name:
            cleaned.append((name, phone))
    if len(cleaned) > CONTACTS_PER_STEP:
        raise ToolboxError(_("A step holds up to %(max)s names.") % {"max": CONTACTS_PER_STEP})
    return cleaned


# --- Suggestions for step 5 ---------------------------------------------------------------------------
def crisis_plan_suggestions(*, owner) -> list:
    """What step 5 offers to add: the owner's linked providers (by real name, as the owner knows them in their
    care; providers have no phone number in ReConnect) and the national services from the settings."""
    suggestions = [
        {"key": f"provider:{provider.pk}", "name": provider.real_name or provider.pseudonym, "phone": "",
         "kind": "provider"}
        for provider in access.linked_providers_of(owner)
    ]
    suggestions += [
        {"key": "service:emergency", "name": _("Emergency number (ambulance)"), "phone": "113", "kind": "service"},
        {"key": "service:out_of_hours", "name": _("Out-of-hours doctor (legevakt)"), "phone": "116 117",
         "kind": "service"},
        {"key": "service:helpline", "name": settings.CRISIS_HELPLINE_NAME, "phone": settings.CRISIS_HELPLINE_NUMBER,
         "kind": "service"},
    ]
    return suggestions


# --- The crisis plan ----------------------------------------------------------------------------------
def save_crisis_plan(*, owner, texts, people, professionals, add_suggestion=None) -> CrisisPlan:
    """Save `owner`'s whole crisis plan: `texts` maps each text step's field name to its text, `people` (step 4)
    and `professionals` (step 5) are [(name, phone), ...]. `add_suggestion` (a key from crisis_plan_suggestions)
    adds one more professional or service. Everything is checked before anything is stored."""
    access.check_has_own_toolbox(owner)
    fields = [name for _step, name in CrisisPlan.TEXT_STEPS]
    unknown = set(texts) - set(fields)
    if unknown:
        raise ValueError(f"unknown crisis plan fields: {sorted(unknown)}")
    cleaned = {name: clean_plan_text(texts.get(name, "")) for name in fields}
    people = clean_contacts(people)
    professionals = clean_contacts(professionals)
    if add_suggestion:
        suggestion = next((s for s in crisis_plan_suggestions(owner=owner) if s["key"] == add_suggestion), None)
        if suggestion is None:
            raise ToolboxError(_("That suggestion is no longer available. Please choose one from the list."))
        if not any(name == suggestion["name"] for name, _phone in professionals):
            if len(professionals) >= CONTACTS_PER_STEP:
                raise ToolboxError(
                    _("Step 5 already holds %(max)s names. Please remove one before you add another.")
                    % {"max": CONTACTS_PER_STEP}
                )
            professionals.append((suggestion["name"], suggestion["phone"]))
    now = timezone.now()
    with transaction.atomic():
        plan, _created = CrisisPlan.objects.select_for_update().get_or_create(owner=owner)
        for name, value in cleaned.items():
            setattr(plan, name, value)
        plan.updated_at = now
        plan.save()
        plan.contacts.all().delete()
        CrisisContact.objects.bulk_create(
            [CrisisContact(plan=plan, step=CrisisContact.Step.PERSON, position=n, name=name, phone=phone)
             for n, (name, phone) in enumerate(people)]
            + [CrisisContact(plan=plan, step=CrisisContact.Step.PROFESSIONAL, position=n, name=name, phone=phone)
               for n, (name, phone) in enumerate(professionals)]
        )
    return plan


def _module_object(*, owner, module):
    """The object a module's audit rows point at, so "Who has seen my data" can name the module."""
    if module == Module.CRISIS_PLAN:
        plan, _created = CrisisPlan.objects.get_or_create(owner=owner)
        return plan
    raise ValueError(f"module {module!r} has no pages yet")


# --- Sharing ------------------------------------------------------------------------------------------
def set_share(*, owner, provider_id, module, shared: bool) -> bool:
    """Let the provider `provider_id` see `module` of `owner`'s toolbox (shared=True), or stop it.

    Only providers with an active care link to the owner can be given a share. Each change writes an audit row
    (the provider's id in its detail); asking for what is already so changes nothing and writes nothing.
    Returns True when something changed.
    """
    access.check_has_own_toolbox(owner)
    if module not in BUILT_MODULES:
        raise ToolboxError(_("This part of the toolbox cannot be shared yet."))
    provider = access.linked_providers_of(owner).filter(pk=provider_id).first() if _is_id(provider_id) else None
    if provider is None and shared:
        raise ToolboxError(
            _("You can share only with a provider in your care team. Please choose one from the list.")
        )
    with transaction.atomic():
        if shared:
            obj = _module_object(owner=owner, module=module)
            _share, created = Share.objects.get_or_create(owner=owner, provider=provider, module=module)
            if created:
                record_audit_event(
                    actor=owner, subject_user=owner, action=AuditAction.SHARE_GRANTED, obj=obj,
                    detail=f"{module} provider:{provider.pk}",
                )
            return created
        # Revoking also works for a provider whose care link has ended (nothing to see there, but tidy).
        deleted, _rows = Share.objects.filter(owner=owner, provider_id=provider_id, module=module).delete() \
            if _is_id(provider_id) else (0, {})
        if deleted:
            record_audit_event(
                actor=owner, subject_user=owner, action=AuditAction.SHARE_REVOKED,
                obj=_module_object(owner=owner, module=module), detail=f"{module} provider:{provider_id}",
            )
        return bool(deleted)


def _is_id(value) -> bool:
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def end_shares_after_care_link_ended(*, provider, service_user) -> int:
    """A care link ended: the provider's shares from that person end too, so a later new link does not bring them
    back unasked. Access already stopped with the link (toolbox.access checks it); this keeps the data true.
    Written as done by ReConnect (no actor), one audit row per module."""
    with transaction.atomic():
        shares = list(Share.objects.select_for_update().filter(owner=service_user, provider=provider))
        for share in shares:
            obj = _module_object(owner=service_user, module=share.module) if share.module in BUILT_MODULES else None
            record_audit_event(
                actor=None, subject_user=service_user, action=AuditAction.SHARE_REVOKED, obj=obj,
                detail=f"{share.module} provider:{provider.pk} care link ended",
            )
        Share.objects.filter(pk__in=[share.pk for share in shares]).delete()
    return len(shares)


def record_shared_view(*, provider, owner, module, obj) -> None:
    """A provider opened shared content: one audit row the owner sees (which provider, which module, when)."""
    record_audit_event(
        actor=provider, subject_user=owner, action=AuditAction.SHARED_VIEWED, obj=obj, detail=str(module),
    )


# --- Review reminders ---------------------------------------------------------------------------------
def send_crisis_plan_review_reminders(*, now=None) -> int:
    """Remind each owner whose plan was last changed more than REVIEW_AFTER ago to read it through, at most once
    per REVIEW_AFTER period. Each plan is claimed with a conditional update before its notification is written,
    in the same transaction, so a second run (or two at once) sends nothing more. Returns how many were sent."""
    now = now or timezone.now()
    due = Q(updated_at__lte=now - REVIEW_AFTER) & (
        Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lte=now - REVIEW_AFTER)
    )
    base = CrisisPlan.objects.filter(owner__is_active=True, owner__role=Role.SERVICE_USER)
    sent = 0
    for plan_id in base.filter(due).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            if not base.filter(due, pk=plan_id).update(review_reminded_at=now):
                continue
            plan = CrisisPlan.objects.select_related("owner").get(pk=plan_id)
            owner = plan.owner
            with translation.override(owner.preferred_language):
                notify(
                    recipient=owner, kind=TOOLBOX_NOTIFICATION_KIND, text=str(REVIEW_REMINDER_TEXT),
                    link=reverse("toolbox:crisis_plan"),
                )
        sent += 1
    return sent


# Content-free: it says what to look at, never what is in the plan.
REVIEW_REMINDER_TEXT = gettext_lazy(
    "It is six months since you last changed your crisis plan. When you have a calm moment, read it through."
)
