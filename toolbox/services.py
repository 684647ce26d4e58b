"""Every write of the toolbox goes through these keyword-only functions.

Bad input raises ToolboxError with a message for the person (already translated), before anything is stored.
Every share granted or revoked, and every provider view of shared content, writes an audit row that the owner
sees on "Who has seen my data".
"""

import re

from django.conf import settings
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reconnect.models import AuditAction, Role
from reconnect.services import notify, record_audit_event
from reconnect.userinput import UserFacingError
from toolbox import access
from toolbox.models import (
    ACTIVITY_NOTE_MAX, ACTIVITY_TITLE_MAX, BUILT_MODULES, CONTACT_NAME_MAX, CONTACT_PHONE_MAX, CONTACTS_PER_STEP,
    GOAL_STEP_MAX, GOAL_STEPS_MAX, GOAL_TITLE_MAX, GOAL_WHY_MAX, PLAN_TEXT_MAX, REVIEW_AFTER, Activity,
    ActivityReminderSent, CrisisContact, CrisisPlan, Goal, GoalBook, LifeDomain, Module, Share,
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
    if module == Module.GOALS:
        book, _created = GoalBook.objects.get_or_create(owner=owner)
        return book
    raise ValueError(f"module {module!r} has no pages yet")


def goal_book_of(owner):
    """The object the audit rows of `owner`'s goals and activities point at."""
    return _module_object(owner=owner, module=Module.GOALS)


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


# --- Goals and activities -----------------------------------------------------------------------------
def _too_long(text, limit, what):
    if len(text) > limit:
        raise ToolboxError(
            _("%(what)s is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"what": what, "length": len(text), "max": limit}
        )
    return text


def clean_goal_title(value) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise ToolboxError(_("Please write your goal in a few words."))
    return _too_long(title, GOAL_TITLE_MAX, _("Your goal"))


def clean_goal_why(value) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    return _too_long(text, GOAL_WHY_MAX, _("“Why it matters to me”"))


def clean_goal_steps(value) -> str:
    """The small steps, one a line, empty lines left out; each and their number within the limits."""
    steps = [" ".join(line.split()) for line in (value or "").replace("\r\n", "\n").split("\n")]
    steps = [step for step in steps if step]
    if len(steps) > GOAL_STEPS_MAX:
        raise ToolboxError(_("Please keep to %(max)s small steps or fewer (one a line); you wrote %(count)s.")
                           % {"max": GOAL_STEPS_MAX, "count": len(steps)})
    for step in steps:
        _too_long(step, GOAL_STEP_MAX, _("A step"))
    return "\n".join(steps)


def clean_activity_title(value) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise ToolboxError(_("Please write what you will do, in a few words."))
    return _too_long(title, ACTIVITY_TITLE_MAX, _("What you will do"))


def clean_activity_note(value) -> str:
    return _too_long((value or "").replace("\r\n", "\n").strip(), ACTIVITY_NOTE_MAX, _("Your note"))


def save_goal(*, owner, domain, title, why="", steps="", status=Goal.Status.NOT_STARTED, target_date=None,
              goal_id=None) -> Goal:
    """Write a new goal for `owner`, or change their goal `goal_id` (someone else's or no such goal: 404)."""
    access.check_has_own_toolbox(owner)
    if domain not in LifeDomain.values:
        raise ToolboxError(_("Please choose the area of life this goal belongs to."))
    if status not in Goal.Status.values:
        raise ToolboxError(_("Please choose how far you have come with this goal."))
    fields = {
        "domain": domain, "title": clean_goal_title(title), "why": clean_goal_why(why),
        "steps": clean_goal_steps(steps), "status": status, "target_date": target_date,
    }
    with transaction.atomic():
        if goal_id is None:
            return Goal.objects.create(owner=owner, **fields)
        goal = access.own_goal(owner, goal_id, for_update=True)
        for name, value in fields.items():
            setattr(goal, name, value)
        goal.updated_at = timezone.now()
        goal.save()
        return goal


def save_activity(*, owner, title, starts_at, ends_at=None, goal_id=None, remind_at=None, remind_by_email=False,
                  activity_id=None, now=None) -> Activity:
    """Plan an activity for `owner` (or change their activity `activity_id`). Refused, with nothing stored: an end
    that is not after the start, a reminder at a moment that has passed or after the start, a goal that is not the
    owner's own."""
    access.check_has_own_toolbox(owner)
    now = now or timezone.now()
    title = clean_activity_title(title)
    if starts_at is None:
        raise ToolboxError(_("Please choose the day and time."))
    if ends_at is not None and ends_at <= starts_at:
        raise ToolboxError(_("The end comes before the start. Please choose an end time after the start."))
    if remind_at is not None:
        if remind_at <= now:
            raise ToolboxError(_("That reminder time has already passed. Please choose a later reminder, or none."))
        if remind_at > starts_at:
            raise ToolboxError(_("The reminder would come after the activity has started. Please choose an "
                                 "earlier reminder, or none."))
    goal = None
    if goal_id not in (None, ""):
        goal = Goal.objects.filter(owner=owner, pk=goal_id).first() if _is_id(goal_id) else None
        if goal is None:
            raise ToolboxError(_("Please choose one of your own goals, or none."))
    fields = {"title": title, "starts_at": starts_at, "ends_at": ends_at, "goal": goal, "remind_at": remind_at,
              "remind_by_email": bool(remind_by_email and remind_at)}
    with transaction.atomic():
        if activity_id is None:
            return Activity.objects.create(owner=owner, **fields)
        activity = access.own_activity(owner, activity_id, for_update=True)
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.save()
        return activity


def mark_activity_done(*, owner, activity_id, done=True, note="") -> Activity:
    """Mark `owner`'s activity done, with an optional note on how it went (or not done after all)."""
    note = clean_activity_note(note)
    with transaction.atomic():
        activity = access.own_activity(owner, activity_id, for_update=True)
        activity.done_at = (activity.done_at or timezone.now()) if done else None
        activity.note = note if done else ""
        activity.save(update_fields=["done_at", "note"])
        return activity


def delete_activity(*, owner, activity_id) -> None:
    with transaction.atomic():
        access.own_activity(owner, activity_id, for_update=True).delete()


# Content-free: it names neither the activity nor the goal (the bell and the e-mail may be seen by others).
ACTIVITY_REMINDER_TEXT = gettext_lazy("A reminder of something you planned in your toolbox. Open your week to see it.")
ACTIVITY_REMINDER_BATCH = 200


def _claim_activity_reminders(pairs, now) -> set:
    """Write the sent-once rows for [(activity id, remind_at)]; returns the activity ids this transaction claimed."""
    if not pairs:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ActivityReminderSent._meta.db_table} (activity_id, remind_at, sent_at) "
            "SELECT unnest(%s::bigint[]), unnest(%s::timestamptz[]), %s "
            "ON CONFLICT (activity_id, remind_at) DO NOTHING RETURNING activity_id",
            [[pk for pk, _at in pairs], [at for _pk, at in pairs], now],
        )
        return {row[0] for row in cursor.fetchall()}


def send_due_activity_reminders(*, now=None, batch_size=ACTIVITY_REMINDER_BATCH) -> int:
    """Beat's sweep: every activity reminder whose moment has come (and whose activity is not done), exactly once.

    Per batch, one transaction: find the due ones (skipping rows another sweep holds), claim their sent-once rows,
    write the notifications; the e-mails go after the commit. A sweep that runs twice finds the rows and sends
    nothing more; a reminder moved to a new time is sent at the new time. Returns how many were sent."""
    from reconnect.tasks import send_notification_email

    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Activity.objects.filter(remind_at__lte=now, remind_at__gt=now - timedelta(days=1), done_at__isnull=True,
                                        owner__is_active=True, owner__role=Role.SERVICE_USER)
                .exclude(Exists(ActivityReminderSent.objects.filter(activity=OuterRef("pk"),
                                                                    remind_at=OuterRef("remind_at"))))
                .select_related("owner").select_for_update(of=("self",), skip_locked=True).order_by("pk")[:batch_size]
            )
            claimed = _claim_activity_reminders([(a.pk, a.remind_at) for a in batch], now)
            for activity in batch:
                if activity.pk not in claimed:
                    continue
                owner = activity.owner
                with translation.override(owner.preferred_language):
                    note = notify(recipient=owner, kind=TOOLBOX_NOTIFICATION_KIND, text=str(ACTIVITY_REMINDER_TEXT),
                                  link=reverse("toolbox:week") + f"?week={timezone.localdate(activity.starts_at).isoformat()}")
                # The person asked for an e-mail for this one; notify() already sends one if they want every
                # toolbox reminder by e-mail, so not twice.
                if activity.remind_by_email and TOOLBOX_NOTIFICATION_KIND not in owner.email_notification_kinds:
                    transaction.on_commit(lambda pk=note.pk: send_notification_email.delay(pk), robust=True)
        sent += len(claimed)
        if len(batch) < batch_size:
            break
    return sent


# --- Local links (kept by the consultant) ---------------------------------------------------------------------
def clean_link_url(value) -> str:
    """A web address starting with http:// or https:// (the scheme written in lower case), or ToolboxError.
    Anything else (javascript:, data:, mailto:, a bare name) is refused: a link must open a web page."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    from toolbox.models import LINK_URL_MAX

    url = (value or "").strip()
    if not url:
        raise ToolboxError(_("Please write the web address."))
    if len(url) > LINK_URL_MAX:
        raise ToolboxError(
            _("The web address is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(url), "max": LINK_URL_MAX}
        )
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise ToolboxError(_("Please write a web address that starts with https:// or http://."))
    url = f"{scheme.lower()}://{rest}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ToolboxError(_("This does not look like a web address. Please check it, for example https://example.no."))
    return url


def save_local_link(*, by, community_id, category, title, url, description="", link_id=None):
    """Add a local link to a community, or change one (`link_id`). Only the consultant keeps links here."""
    from reconnect.models import Community
    from toolbox.models import LINK_DESCRIPTION_MAX, LINK_TITLE_MAX, LocalLink
    from reconnect.userinput import clean_text

    access.check_keeps_local_links(by)
    link = access.get_local_link_to_keep(by, link_id) if link_id is not None else LocalLink()
    try:
        community = Community.objects.get(pk=int(community_id))
    except (TypeError, ValueError, Community.DoesNotExist):
        raise ToolboxError(_("Please choose the community the link is for."))
    if category not in LocalLink.Category.values:
        raise ToolboxError(_("Please choose what kind of link this is."))
    link.title = clean_text(
        title, max_length=LINK_TITLE_MAX, single_line=True, error=ToolboxError,
        empty_message=_("Please write the name of the link."),
        too_long_message=_("The name is %(length)s characters long. Please shorten it to %(max)s characters or fewer."),
    )
    link.url = clean_link_url(url)
    description = " ".join((description or "").split())
    if len(description) > LINK_DESCRIPTION_MAX:
        raise ToolboxError(
            _("The description is %(length)s characters long. Please shorten it to %(max)s characters or fewer.")
            % {"length": len(description), "max": LINK_DESCRIPTION_MAX}
        )
    link.description = description
    link.community = community
    link.category = category
    link.save()
    return link


def delete_local_link(*, by, link_id):
    access.get_local_link_to_keep(by, link_id).delete()
