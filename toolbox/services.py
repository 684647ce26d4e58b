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
    if add_suggestion and add_suggestion.startswith("network:"):  # step 4: someone from my network map
        people = add_network_person_to_crisis_contacts(owner=owner, people=people, key=add_suggestion)
    elif add_suggestion:
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
    if module == Module.REFLECTIONS:
        from toolbox.models import ReflectionBook

        book, _created = ReflectionBook.objects.get_or_create(owner=owner)
        return book
    if module in (Module.NETWORK, Module.MEDICATION):  # network map and medication overview: see below
        return _network_or_medication_object(owner=owner, module=module)
    raise ValueError(f"module {module!r} has no pages yet")


def goal_book_of(owner):
    """The object the audit rows of `owner`'s goals and activities point at."""
    return _module_object(owner=owner, module=Module.GOALS)


def reflection_book_of(owner):
    """The object the audit rows of `owner`'s exercise reflections point at."""
    return _module_object(owner=owner, module=Module.REFLECTIONS)


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
    """A provider opened shared content: one audit row the owner sees (which provider, which module, when), and,
    if the owner asked for it, a notification in the same transaction ("Your provider Kari opened your crisis
    plan"). The owner's own preview is no provider view and calls nothing here."""
    with transaction.atomic():
        record_audit_event(
            actor=provider, subject_user=owner, action=AuditAction.SHARED_VIEWED, obj=obj, detail=str(module),
        )
        if access.notifies_on_provider_view(owner):
            with translation.override(owner.preferred_language):
                notify(recipient=owner, kind=TOOLBOX_NOTIFICATION_KIND, link=reverse("access_log"),
                       text=str(PROVIDER_VIEW_TEXT) % {"name": provider.real_name or provider.pseudonym,
                                                       "what": obj.audit_label})


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


# --- Exercises (kept by the consultant) and reflections (the owner's own) -------------------------------------
FEATURE_DAYS_MAX = 92  # a featuring lasts three months at most: "this month, before the café"


def _clean_single(value, limit, what, *, required_message=None) -> str:
    text = " ".join((value or "").split())
    if not text and required_message:
        raise ToolboxError(required_message)
    return _too_long(text, limit, what)


def _clean_multi(value, limit, what) -> str:
    return _too_long((value or "").replace("\r\n", "\n").strip("\n").rstrip(), limit, what)


def clean_exercise_questions(rows) -> list:
    """[(Norwegian, English), ...] tidied, empty rows left out; at most EXERCISE_QUESTIONS_MAX."""
    from toolbox.models import EXERCISE_QUESTION_MAX, EXERCISE_QUESTIONS_MAX

    cleaned = []
    for text_nb, text_en in rows:
        text_nb = _clean_single(text_nb, EXERCISE_QUESTION_MAX, _("A question"))
        text_en = _clean_single(text_en, EXERCISE_QUESTION_MAX, _("A question"))
        if text_nb or text_en:
            cleaned.append((text_nb, text_en))
    if len(cleaned) > EXERCISE_QUESTIONS_MAX:
        raise ToolboxError(_("An exercise holds up to %(max)s questions.") % {"max": EXERCISE_QUESTIONS_MAX})
    return cleaned


def save_exercise(*, by, category, title_nb="", title_en="", intro_nb="", intro_en="", body_nb="", body_en="",
                  questions=(), exercise_id=None):
    """Write a new exercise (a draft until published), or change `exercise_id`. A title and a text in at least one
    language; readers see the other language when theirs is empty. Only the consultant writes here."""
    from toolbox.models import (
        EXERCISE_BODY_MAX, EXERCISE_INTRO_MAX, EXERCISE_TITLE_MAX, Exercise, ExerciseCategory, ExerciseQuestion,
    )

    access.check_keeps_exercises(by)
    if category not in ExerciseCategory.values:
        raise ToolboxError(_("Please choose the kind of exercise."))
    fields = {
        "category": category,
        "title_nb": _clean_single(title_nb, EXERCISE_TITLE_MAX, _("The Norwegian title")),
        "title_en": _clean_single(title_en, EXERCISE_TITLE_MAX, _("The English title")),
        "intro_nb": _clean_multi(intro_nb, EXERCISE_INTRO_MAX, _("The Norwegian introduction")),
        "intro_en": _clean_multi(intro_en, EXERCISE_INTRO_MAX, _("The English introduction")),
        "body_nb": _clean_multi(body_nb, EXERCISE_BODY_MAX, _("The Norwegian text")),
        "body_en": _clean_multi(body_en, EXERCISE_BODY_MAX, _("The English text")),
    }
    if not (fields["title_nb"] or fields["title_en"]):
        raise ToolboxError(_("Please give the exercise a title, in Norwegian, English or both."))
    if not (fields["body_nb"] or fields["body_en"]):
        raise ToolboxError(_("Please write the exercise itself, in Norwegian, English or both."))
    questions = clean_exercise_questions(questions)
    with transaction.atomic():
        if exercise_id is None:
            exercise = Exercise.objects.create(written_by=by, **fields)
        else:
            exercise = access.get_exercise_to_keep(by, exercise_id, for_update=True)
            for name, value in fields.items():
                setattr(exercise, name, value)
            exercise.updated_at = timezone.now()
            exercise.save()
        # Questions keep their rows by position, so answers already written still point at "their" question;
        # each answer also keeps the question's words as they were (ReflectionAnswer.question_text).
        existing = list(ExerciseQuestion.objects.filter(exercise=exercise).order_by("position", "pk"))
        for position, (text_nb, text_en) in enumerate(questions):
            if position < len(existing):
                question = existing[position]
                if (question.text_nb, question.text_en, question.position) != (text_nb, text_en, position):
                    question.text_nb, question.text_en, question.position = text_nb, text_en, position
                    question.save(update_fields=["text_nb", "text_en", "position"])
            else:
                ExerciseQuestion.objects.create(exercise=exercise, position=position, text_nb=text_nb,
                                                text_en=text_en)
        ExerciseQuestion.objects.filter(pk__in=[q.pk for q in existing[len(questions):]]).delete()
    return exercise


def set_exercise_published(*, by, exercise_id, published: bool):
    """Publish an exercise (every signed-in reader sees it) or take it back to a draft. A draft is featured
    nowhere: its featurings stay, but show only while it is published."""
    with transaction.atomic():
        exercise = access.get_exercise_to_keep(by, exercise_id, for_update=True)
        if exercise.published != published:
            exercise.published = published
            exercise.updated_at = timezone.now()
            exercise.save(update_fields=["published", "updated_at"])
    return exercise


# "Until the next café": the cafés app may import the toolbox but not the other way round
# (tests/test_architecture.py), so cafés hands the toolbox a way to find a community's next café
# (cafes.apps.CafesConfig.ready). lookup(community_id=..., after=date) -> the date of that café, or None.
_next_cafe_lookup = None


def set_next_cafe_lookup(lookup) -> None:
    global _next_cafe_lookup
    _next_cafe_lookup = lookup


def next_cafe_day(*, community_id, after):
    """The day of the next café in `community_id` on or after `after`, or None (none planned, or no cafés app)."""
    return _next_cafe_lookup(community_id=community_id, after=after) if _next_cafe_lookup else None


def feature_exercise(*, by, exercise_id, community_id, featured_from, featured_until=None, until_next_cafe=False,
                     today=None):
    """Feature a published exercise in one community from `featured_from` until `featured_until` (whole days), or
    until the day of the community's next café. A featuring already planned for those days in that community
    gives way: it ends the day before, or goes if it had not started."""
    from reconnect.models import Community
    from toolbox.models import FeaturedExercise

    access.check_keeps_exercises(by)
    today = today or timezone.localdate()
    community = Community.objects.filter(pk=community_id).first() if _is_id(community_id) else None
    if community is None:
        raise ToolboxError(_("Please choose the community to feature the exercise in."))
    if featured_from is None:
        raise ToolboxError(_("Please choose the first day."))
    if featured_from < today:
        raise ToolboxError(_("The first day has already passed. Please choose today or a later day."))
    if until_next_cafe:
        featured_until = next_cafe_day(community_id=community.pk, after=featured_from)
        if featured_until is None:
            raise ToolboxError(_("There is no café planned in %(community)s after that day. Please choose a last "
                                 "day instead.") % {"community": community.name})
    if featured_until is None:
        raise ToolboxError(_("Please choose the last day, or “until the next café”."))
    if featured_until < featured_from:
        raise ToolboxError(_("The last day comes before the first day. Please choose a later last day."))
    if (featured_until - featured_from).days >= FEATURE_DAYS_MAX:
        raise ToolboxError(_("Please feature an exercise for at most %(days)s days at a time.")
                           % {"days": FEATURE_DAYS_MAX})
    with transaction.atomic():
        exercise = access.get_exercise_to_keep(by, exercise_id, for_update=True)
        if not exercise.published:
            raise ToolboxError(_("Please publish the exercise before you feature it."))
        # One featuring per community per day: the community's row is the lock two consultants' tabs queue on.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        overlapping = FeaturedExercise.objects.filter(community=community, featured_until__gte=featured_from,
                                                      featured_from__lte=featured_until)
        for other in overlapping:
            if other.featured_from < featured_from:
                other.featured_until = featured_from - timedelta(days=1)
                other.save(update_fields=["featured_until"])
            else:
                other.delete()
        return FeaturedExercise.objects.create(exercise=exercise, community=community, featured_from=featured_from,
                                               featured_until=featured_until, featured_by=by)


def end_featuring(*, by, featuring_id, today=None) -> None:
    """Stop featuring: from today on the exercise is featured no more (a featuring still to come goes)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        featuring = access.get_featuring_to_keep(by, featuring_id)
        if featuring.featured_from < today:
            featuring.featured_until = min(featuring.featured_until, today - timedelta(days=1))
            featuring.save(update_fields=["featured_until"])
        else:
            featuring.delete()


def save_reflection(*, owner, text="", answers=None, exercise_id=None, reflection_id=None, kept_answers=None):
    """Save a new reflection on the published exercise `exercise_id`, or change `owner`'s reflection
    `reflection_id`. `answers` maps question ids of the exercise to answers (others are ignored); `kept_answers`
    maps ids of the reflection's own answers to new words ("" takes the answer away). Something must be written."""
    from toolbox.models import REFLECTION_ANSWER_MAX, REFLECTION_TEXT_MAX, Reflection, ReflectionAnswer

    access.check_has_own_toolbox(owner)
    text = _clean_multi(text, REFLECTION_TEXT_MAX, _("Your own thoughts"))
    answers = {str(k): _clean_multi(v, REFLECTION_ANSWER_MAX, _("An answer")) for k, v in (answers or {}).items()}
    kept = {str(k): _clean_multi(v, REFLECTION_ANSWER_MAX, _("An answer")) for k, v in (kept_answers or {}).items()}
    language = translation.get_language()
    with transaction.atomic():
        if reflection_id is None:
            exercise = access.get_exercise_for(owner, exercise_id)
            reflection = Reflection(owner=owner, exercise=exercise)
            stored = []
        else:
            reflection = access.own_reflection(owner, reflection_id, for_update=True)
            exercise = reflection.exercise
            stored = list(ReflectionAnswer.objects.filter(reflection=reflection).order_by("position", "pk"))
        answered = {a.question_id for a in stored if str(a.pk) not in kept or kept[str(a.pk)]}
        new_answers = [
            (question, answers[str(question.pk)]) for question in exercise.questions.order_by("position", "pk")
            if answers.get(str(question.pk)) and question.pk not in answered
        ]
        if not text and not new_answers and not any(kept.get(str(a.pk), "x") for a in stored):
            raise ToolboxError(_("Please write something before you save: an answer, or your own thoughts."))
        reflection.text = text
        reflection.updated_at = timezone.now()
        reflection.save()
        for answer in stored:
            if str(answer.pk) in kept:
                if not kept[str(answer.pk)]:
                    answer.delete()
                elif kept[str(answer.pk)] != answer.answer:
                    answer.answer = kept[str(answer.pk)]
                    answer.save(update_fields=["answer"])
        ReflectionAnswer.objects.bulk_create([
            ReflectionAnswer(reflection=reflection, question=question, position=question.position,
                             question_text=question.text_in(language), answer=words)
            for question, words in new_answers
        ])
    return reflection


def delete_reflection(*, owner, reflection_id) -> None:
    with transaction.atomic():
        access.own_reflection(owner, reflection_id, for_update=True).delete()


def set_provider_view_notices(*, owner, on: bool) -> bool:
    """Turn on (or off) a notification each time a provider opens something `owner` shares. Returns the choice."""
    from toolbox.models import SharingPreferences

    access.check_has_own_toolbox(owner)
    SharingPreferences.objects.update_or_create(owner=owner, defaults={"notify_on_provider_view": bool(on)})
    return bool(on)


# Says who looked and at what (the owner's own provider, whom they know by name), never any of the content. The
# notification's e-mail, if the owner wants one, says only that there is something new (reconnect.services).
PROVIDER_VIEW_TEXT = gettext_lazy("Your provider %(name)s opened %(what)s.")


# --- Network map and medication overview (engineer "toolbox-network") -------------------------------------------
def _network_or_medication_object(*, owner, module):
    from toolbox.models import MedicationList, NetworkMap

    model = NetworkMap if module == Module.NETWORK else MedicationList
    obj, _created = model.objects.get_or_create(owner=owner)
    return obj


def network_map_of(owner):
    """The object the audit rows of `owner`'s network map point at."""
    return _module_object(owner=owner, module=Module.NETWORK)


def medication_list_of(owner):
    """The object the audit rows of `owner`'s medication overview point at."""
    return _module_object(owner=owner, module=Module.MEDICATION)


def _locked(model, owner):
    """`owner`'s one row of `model` (NetworkMap, MedicationList), locked until the end of the transaction: adding
    to the map or the list waits here, so the limit and the double-submit check see every earlier addition."""
    model.objects.get_or_create(owner=owner)
    return model.objects.select_for_update().get(owner=owner)


def _single_line(value, limit, what, *, required_message=None):
    text = " ".join((value or "").split())
    if not text and required_message:
        raise ToolboxError(required_message)
    return _too_long(text, limit, what)


def _multi_line(value, limit, what):
    return _too_long((value or "").replace("\r\n", "\n").strip(), limit, what)


def clean_network_name(value) -> str:
    from toolbox.models import NETWORK_NAME_MAX

    return _single_line(value, NETWORK_NAME_MAX, _("The name"),
                        required_message=_("Please write a first name or a nickname."))


def clean_relation(value) -> str:
    from toolbox.models import NetworkPerson

    if value not in NetworkPerson.Relation.values:
        raise ToolboxError(_("Please choose who this person is to you."))
    return value


def clean_network_notes(value) -> str:
    from toolbox.models import NETWORK_NOTES_MAX

    return _multi_line(value, NETWORK_NOTES_MAX, _("The notes"))


def clean_network_person(*, name, relation, circle, notes="") -> dict:
    """The fields of a person in the network map, tidied and checked; ToolboxError with a kind message otherwise."""
    return {"name": clean_network_name(name), "relation": clean_relation(relation), "circle": clean_circle(circle),
            "notes": clean_network_notes(notes)}


def clean_circle(value) -> int:
    try:
        circle = int(value)
    except (TypeError, ValueError):
        circle = 0
    if circle not in (1, 2, 3):
        raise ToolboxError(_("Please choose one of the three circles: 1 (closest to you), 2 or 3."))
    return circle


def save_network_person(*, owner, name, relation, circle, notes="", person_id=None):
    """Add someone to `owner`'s network map, or change their person `person_id` (someone else's, or none: 404).
    Refused: more than NETWORK_PEOPLE_MAX people; the same name with the same relation twice (a double submit, or
    two people who need telling apart)."""
    from toolbox.models import NETWORK_PEOPLE_MAX, NetworkMap, NetworkPerson

    access.check_has_own_toolbox(owner)
    fields = clean_network_person(name=name, relation=relation, circle=circle, notes=notes)
    with transaction.atomic():
        _locked(NetworkMap, owner)
        person = access.own_network_person(owner, person_id, for_update=True) if person_id is not None else None
        others = [p for p in NetworkPerson.objects.filter(owner=owner) if person is None or p.pk != person.pk]
        if person is None and len(others) >= NETWORK_PEOPLE_MAX:
            raise ToolboxError(_("Your network map holds up to %(max)s people. Please remove someone before you add "
                                 "another.") % {"max": NETWORK_PEOPLE_MAX})
        for other in others:
            if other.name.casefold() == fields["name"].casefold() and other.relation == fields["relation"]:
                raise ToolboxError(
                    _("%(name)s is already in your map as %(relation)s. If this is someone else, add something to "
                      "tell them apart, like an initial.")
                    % {"name": other.name, "relation": other.get_relation_display().lower()}
                )
        if person is None:
            return NetworkPerson.objects.create(owner=owner, **fields)
        for key, value in fields.items():
            setattr(person, key, value)
        person.save()
        return person


def move_network_person(*, owner, person_id, circle):
    """Put `owner`'s person `person_id` in `circle` (1-3). The form sends the circle to move to, not a direction,
    so pressing "move closer" twice by accident moves them one circle, not two."""
    circle = clean_circle(circle)
    with transaction.atomic():
        person = access.own_network_person(owner, person_id, for_update=True)
        if person.circle != circle:
            person.circle = circle
            person.save(update_fields=["circle"])
        return person


def delete_network_person(*, owner, person_id) -> None:
    with transaction.atomic():
        access.own_network_person(owner, person_id, for_update=True).delete()


def network_crisis_suggestions(*, owner) -> list:
    """The people in the two inner circles of `owner`'s network map, offered in step 4 of the crisis plan
    ("people I can ask for help"), closest first."""
    return [
        {"key": f"network:{person.pk}", "name": person.name, "relation": person.get_relation_display(),
         "circle": person.circle}
        for person in access.own_network_people(owner).filter(circle__in=(1, 2))
    ]


def add_network_person_to_crisis_contacts(*, owner, people, key) -> list:
    """`people` (step 4's [(name, phone), ...]) with the network person `key` ("network:<id>", one of
    network_crisis_suggestions) added at the end, without a phone number (the map keeps none); unchanged when the
    name is there already."""
    from toolbox.models import NetworkPerson

    person_id = key.partition(":")[2]
    person = NetworkPerson.objects.filter(owner=owner, circle__in=(1, 2), pk=person_id).first() \
        if _is_id(person_id) else None
    if person is None:
        raise ToolboxError(_("That suggestion is no longer available. Please choose one from the list."))
    name = person.name[:CONTACT_NAME_MAX]
    if any(existing.casefold() == name.casefold() for existing, _phone in people):
        return people
    if len(people) >= CONTACTS_PER_STEP:
        raise ToolboxError(_("Step 4 already holds %(max)s names. Please remove one before you add another.")
                           % {"max": CONTACTS_PER_STEP})
    return [*people, (name, "")]


def _medication_cleaners():
    from toolbox.models import (
        MEDICATION_NAME_MAX, MEDICATION_PRESCRIBER_MAX, MEDICATION_PURPOSE_MAX, MEDICATION_SCHEDULE_MAX,
        MEDICATION_SHORT_MAX, MEDICATION_TEXT_MAX,
    )

    def single(limit, what):
        return lambda value: _single_line(value, limit, what)

    def multi(limit, what):
        return lambda value: _multi_line(value, limit, what)

    return {
        "trade_name": single(MEDICATION_NAME_MAX, _("The name on the pack")),
        "active_ingredient": single(MEDICATION_NAME_MAX, _("The active ingredient")),
        "strength": single(MEDICATION_SHORT_MAX, _("The strength")),
        "form": single(MEDICATION_SHORT_MAX, _("The form")),
        "schedule": single(MEDICATION_SCHEDULE_MAX, _("When you take it")),
        "purpose": single(MEDICATION_PURPOSE_MAX, _("What it is for")),
        "prescriber": single(MEDICATION_PRESCRIBER_MAX, _("Who prescribed it")),
        "side_effects": multi(MEDICATION_TEXT_MAX, _("The side effects")),
        "notes": multi(MEDICATION_TEXT_MAX, _("The notes")),
    }


def clean_medication_field(name, value) -> str:
    """One text field of a medication, tidied; ToolboxError when it is too long."""
    return _medication_cleaners()[name](value)


MEDICATION_NAME_MISSING = gettext_lazy("Please write the name of the medicine: the name on the pack, the active "
                                       "ingredient, or both.")
MEDICATION_DATES_WRONG = gettext_lazy("The date you stopped is before the date you started. Please check the dates.")


def clean_medication(*, started_on=None, ended_on=None, **texts) -> dict:
    """The fields of a medication, tidied and checked; ToolboxError with a kind message otherwise."""
    cleaners = _medication_cleaners()
    unknown = set(texts) - set(cleaners)
    if unknown:
        raise ValueError(f"unknown medication fields: {sorted(unknown)}")
    fields = {name: clean(texts.get(name, "")) for name, clean in cleaners.items()}
    if not (fields["trade_name"] or fields["active_ingredient"]):
        raise ToolboxError(str(MEDICATION_NAME_MISSING))
    if started_on and ended_on and ended_on < started_on:
        raise ToolboxError(str(MEDICATION_DATES_WRONG))
    return {**fields, "started_on": started_on, "ended_on": ended_on}


def save_medication(*, owner, medication_id=None, **fields):
    """Add a medication to `owner`'s overview, or change their medication `medication_id` (someone else's, or
    none: 404). Refused: more than MEDICATIONS_MAX; the same medicine and strength twice among the current ones (a
    double submit)."""
    from toolbox.models import MEDICATIONS_MAX, Medication, MedicationList

    access.check_has_own_toolbox(owner)
    fields = clean_medication(**fields)
    today = timezone.localdate()
    with transaction.atomic():
        _locked(MedicationList, owner)
        medication = access.own_medication(owner, medication_id, for_update=True) if medication_id is not None \
            else None
        others = [m for m in Medication.objects.filter(owner=owner) if medication is None or m.pk != medication.pk]
        if medication is None and len(others) >= MEDICATIONS_MAX:
            raise ToolboxError(_("Your overview holds up to %(max)s medicines. Please remove an earlier one before "
                                 "you add another.") % {"max": MEDICATIONS_MAX})
        same = ("trade_name", "active_ingredient", "strength")
        new_is_current = fields["ended_on"] is None or fields["ended_on"] > today
        for other in others:
            if new_is_current and other.is_current(today) and all(
                    getattr(other, key).casefold() == fields[key].casefold() for key in same):
                raise ToolboxError(_("%(name)s is already in your list of current medicines.")
                                   % {"name": other.display_name})
        if medication is None:
            return Medication.objects.create(owner=owner, **fields)
        for key, value in fields.items():
            setattr(medication, key, value)
        medication.updated_at = timezone.now()
        medication.save()
        return medication


def stop_medication(*, owner, medication_id, on=None):
    """`owner` stopped taking their medication `medication_id` on `on` (today by default): it moves to the earlier
    list. Stopping one already stopped changes nothing (a double submit)."""
    on = on or timezone.localdate()
    with transaction.atomic():
        medication = access.own_medication(owner, medication_id, for_update=True)
        if medication.ended_on is not None and medication.ended_on <= on:
            return medication
        if medication.started_on and on < medication.started_on:
            raise ToolboxError(_("This medicine starts on %(date)s, so it cannot be stopped before that. You can "
                                 "change the dates, or remove it.")
                               % {"date": medication.started_on.isoformat()})
        medication.ended_on = on
        medication.updated_at = timezone.now()
        medication.save(update_fields=["ended_on", "updated_at"])
        return medication


def delete_medication(*, owner, medication_id) -> None:
    with transaction.atomic():
        access.own_medication(owner, medication_id, for_update=True).delete()
