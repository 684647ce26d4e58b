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
BUILT_MODULES = (Module.GOALS, Module.NETWORK, Module.CRISIS_PLAN, Module.MEDICATION, Module.REFLECTIONS)


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


# --- Goals and activities -------------------------------------------------------------------------------
# Every free text of a goal or an activity is encrypted at rest: a goal's title and its steps say as much about a
# person's health as its "why" does ("drink less on weekdays", "get out of bed before noon"), and the note on how
# an activity went is a diary. The domain, the status and the dates stay plain: the pages sort and count by them.
GOAL_TITLE_MAX = 120
GOAL_WHY_MAX = 1000
GOAL_STEP_MAX = 150
GOAL_STEPS_MAX = 8
ACTIVITY_TITLE_MAX = 120
ACTIVITY_NOTE_MAX = 1000


class LifeDomain(models.TextChoices):
    """The Recovery Star's ten areas of life."""

    MENTAL_HEALTH = "mental_health", _("Managing mental health")
    PHYSICAL_HEALTH = "physical_health", _("Physical health and self-care")
    LIVING_SKILLS = "living_skills", _("Living skills")
    SOCIAL_NETWORKS = "social_networks", _("Social networks")
    WORK = "work", _("Work")
    RELATIONSHIPS = "relationships", _("Relationships")
    ADDICTIVE_BEHAVIOUR = "addictive_behaviour", _("Addictive behaviour")
    RESPONSIBILITIES = "responsibilities", _("Responsibilities")
    IDENTITY = "identity", _("Identity and self-esteem")
    TRUST_AND_HOPE = "trust_and_hope", _("Trust and hope")


class GoalBook(models.Model):
    """One per service user: what "goals and activities" as a whole means in the audit trail (a share of the
    module, a provider's view of it), whatever goals come and go."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goal_book")
    audit_label = _("your goals and activities")

    def __str__(self):
        return f"GoalBook #{self.pk}"


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        UNDER_WAY = "under_way", _("Under way")
        REACHED = "reached", _("Reached")
        PUT_ASIDE = "put_aside", _("Put aside")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals",
                              limit_choices_to={"role": "service_user"})
    domain = models.CharField(_("Area of life"), max_length=30, choices=LifeDomain.choices)
    title = EncryptedTextField(_("My goal"))
    why = EncryptedTextField(_("Why it matters to me"), blank=True)
    # The small steps, one a line (at most GOAL_STEPS_MAX).
    steps = EncryptedTextField(_("Small steps"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    target_date = models.DateField(_("Target date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    audit_label = _("your goals and activities")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(domain__in=[v for v, _l in LifeDomain.choices]),
                                   name="toolbox_goal_known_domain"),
            models.CheckConstraint(condition=models.Q(status__in=["not_started", "under_way", "reached", "put_aside"]),
                                   name="toolbox_goal_known_status"),
        ]
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self):
        return f"Goal #{self.pk}"

    @property
    def step_list(self):
        return [line for line in (self.steps or "").split("\n") if line.strip()]


class Activity(models.Model):
    """Something planned on a date and time, maybe for a goal, maybe with a reminder; marked done afterwards."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities",
                              limit_choices_to={"role": "service_user"})
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities")
    title = EncryptedTextField(_("What I will do"))
    starts_at = models.DateTimeField(_("Starts"))
    ends_at = models.DateTimeField(_("Ends"), null=True, blank=True)
    remind_at = models.DateTimeField(_("Remind me"), null=True, blank=True)
    remind_by_email = models.BooleanField(_("Also remind me by e-mail"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(_("How it went"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    audit_label = _("your goals and activities")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                                   name="toolbox_activity_ends_after_start"),
        ]
        indexes = [models.Index(fields=["owner", "starts_at"]), models.Index(fields=["remind_at"])]

    def __str__(self):
        return f"Activity #{self.pk}"


class ActivityReminderSent(models.Model):
    """The sent-once marker of an activity's reminder: claimed (INSERT ... ON CONFLICT DO NOTHING) in the same
    transaction as the notification, so a sweep that runs twice, or two at once, sends it once. Keyed by the
    reminder's moment too: moving the reminder to another time brings a reminder at the new time."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reminders_sent")
    remind_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "remind_at"], name="toolbox_activity_reminder_once")]


# --- Information pages and local links (not private: the same for every reader) ------------------------------
INFO_TITLE_MAX = 120
INFO_BODY_MAX = 20000
LINK_TITLE_MAX = 120
LINK_URL_MAX = 500
LINK_DESCRIPTION_MAX = 300


class InfoPage(models.Model):
    """A page of information written by an admin in both languages (in the Django admin). The body is plain text
    shown with its paragraphs and line breaks (the forum's Markdown renderer lives in the forum app, which the
    toolbox may not import; see tests/test_architecture.py)."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=False)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=INFO_TITLE_MAX, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=INFO_TITLE_MAX, blank=True)
    body_nb = models.TextField(_("text (Norwegian)"), max_length=INFO_BODY_MAX, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=INFO_BODY_MAX, blank=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        constraints = [
            models.CheckConstraint(condition=~models.Q(title_nb="") | ~models.Q(title_en=""),
                                   name="toolbox_infopage_has_a_title"),
        ]

    def __str__(self):
        return self.title_en or self.title_nb

    def _in(self, language, field):
        first, second = ("nb", "en") if (language or "").startswith("nb") else ("en", "nb")
        return getattr(self, f"{field}_{first}") or getattr(self, f"{field}_{second}")

    def title_in(self, language):
        """The title in `language`, or in the other language when that one is empty."""
        return self._in(language, "title")

    def body_in(self, language):
        return self._in(language, "body")


class LocalLink(models.Model):
    """A link to a local activity, user organisation or service in one community, kept by the consultant (or an
    admin). Service users see their own community's links."""

    class Category(models.TextChoices):
        ACTIVITY = "activity", _("Activities")
        ORGANISATION = "organisation", _("User organisations")
        SERVICE = "service", _("Services")

    community = models.ForeignKey("reconnect.Community", verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="local_links")
    category = models.CharField(_("kind"), max_length=20, choices=Category.choices, default=Category.ACTIVITY)
    title = models.CharField(_("name"), max_length=LINK_TITLE_MAX)
    url = models.URLField(_("web address"), max_length=LINK_URL_MAX)
    description = models.CharField(_("short description"), max_length=LINK_DESCRIPTION_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community_id", "category", "title", "pk"]
        verbose_name = _("local link")
        verbose_name_plural = _("local links")
        constraints = [
            models.CheckConstraint(condition=models.Q(url__startswith="https://") | models.Q(url__startswith="http://"),
                                   name="toolbox_locallink_http_only"),
            models.CheckConstraint(condition=models.Q(category__in=["activity", "organisation", "service"]),
                                   name="toolbox_locallink_known_category"),
        ]
        indexes = [models.Index(fields=["community", "category"])]

    def __str__(self):
        return self.title


# --- Exercises and reflections (the library is the same for every reader; reflections are the owner's own) -----
# An exercise is written by the service user consultant (or an admin) in both languages; a service user may save
# private reflections to it: answers to its questions and/or free text, encrypted at rest like a diary.
EXERCISE_TITLE_MAX = 120
EXERCISE_INTRO_MAX = 400
EXERCISE_BODY_MAX = 8000
EXERCISE_QUESTION_MAX = 300
EXERCISE_QUESTIONS_MAX = 5
REFLECTION_TEXT_MAX = 4000
REFLECTION_ANSWER_MAX = 2000


class ExerciseCategory(models.TextChoices):
    MINDFULNESS = "mindfulness", _("Mindfulness")
    COPING = "coping", _("Coping")
    SYMPTOMS = "symptoms", _("Living with symptoms")
    SLEEP = "sleep", _("Sleep")


def _in_language(obj, language, field):
    """`field` in `language` ("nb…" or anything else: English), or in the other language when that one is empty."""
    first, second = ("nb", "en") if (language or "").startswith("nb") else ("en", "nb")
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}")


class Exercise(models.Model):
    """An exercise in the library, in both languages. Drafts (published=False) are the consultant's own."""

    category = models.CharField(_("kind"), max_length=20, choices=ExerciseCategory.choices)
    published = models.BooleanField(_("published"), default=False)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=EXERCISE_TITLE_MAX, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=EXERCISE_TITLE_MAX, blank=True)
    intro_nb = models.TextField(_("short introduction (Norwegian)"), max_length=EXERCISE_INTRO_MAX, blank=True)
    intro_en = models.TextField(_("short introduction (English)"), max_length=EXERCISE_INTRO_MAX, blank=True)
    body_nb = models.TextField(_("text (Norwegian)"), max_length=EXERCISE_BODY_MAX, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=EXERCISE_BODY_MAX, blank=True)
    # Who wrote it (the consultant or an admin); never shown to readers. None: a starter exercise.
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "title_en", "pk"]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        constraints = [
            models.CheckConstraint(condition=~models.Q(title_nb="") | ~models.Q(title_en=""),
                                   name="toolbox_exercise_has_a_title"),
            models.CheckConstraint(condition=models.Q(category__in=["mindfulness", "coping", "symptoms", "sleep"]),
                                   name="toolbox_exercise_known_category"),
        ]
        indexes = [models.Index(fields=["published", "category"])]

    def __str__(self):
        return self.title_en or self.title_nb

    def title_in(self, language):
        return _in_language(self, language, "title")

    def intro_in(self, language):
        return _in_language(self, language, "intro")

    def body_in(self, language):
        return _in_language(self, language, "body")

    @property
    def display_title(self):
        """The title in the current language (for templates, e.g. the café page's "an exercise to try")."""
        from django.utils.translation import get_language

        return self.title_in(get_language())


class ExerciseQuestion(models.Model):
    """A question to reflect on, in both languages; a few per exercise, in order."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text_nb = models.CharField(_("question (Norwegian)"), max_length=EXERCISE_QUESTION_MAX, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=EXERCISE_QUESTION_MAX, blank=True)

    class Meta:
        ordering = ["exercise_id", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=~models.Q(text_nb="") | ~models.Q(text_en=""),
                                   name="toolbox_question_has_text"),
        ]

    def __str__(self):
        return f"ExerciseQuestion #{self.pk}"

    def text_in(self, language):
        return _in_language(self, language, "text")


class FeaturedExercise(models.Model):
    """The consultant features an exercise in one community for a while ("this month, before the café"): its
    members see it on the front page of their toolbox, and on the café page. Dates are whole days; a community
    has at most one featured exercise on any day (toolbox.services.feature_exercise trims overlaps)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="featurings")
    community = models.ForeignKey("reconnect.Community", verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="featured_exercises")
    featured_from = models.DateField(_("from"))
    featured_until = models.DateField(_("until"))
    featured_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["community_id", "featured_from", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(featured_until__gte=models.F("featured_from")),
                                   name="toolbox_featured_until_after_from"),
        ]
        indexes = [models.Index(fields=["community", "featured_until"])]

    def __str__(self):
        return f"FeaturedExercise #{self.pk}"


class ReflectionBook(models.Model):
    """One per service user: what "exercise reflections" as a whole means in the audit trail."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_book")
    audit_label = _("your exercise reflections")

    def __str__(self):
        return f"ReflectionBook #{self.pk}"


class Reflection(models.Model):
    """What a service user wrote after doing an exercise: free text and answers to its questions, encrypted."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections",
                              limit_choices_to={"role": "service_user"})
    # PROTECT: an exercise someone has reflected on is unpublished, never deleted with their writing.
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="reflections")
    text = EncryptedTextField(_("My thoughts"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    audit_label = _("your exercise reflections")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return f"Reflection #{self.pk}"


class ReflectionAnswer(models.Model):
    """An answer to one of the exercise's questions. The question is kept as it read when the answer was written
    (in the writer's language), so a later change to the exercise does not change what the answer answers."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ExerciseQuestion, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    question_text = models.CharField(max_length=EXERCISE_QUESTION_MAX)
    answer = EncryptedTextField()

    class Meta:
        ordering = ["reflection_id", "position", "pk"]

    def __str__(self):
        return f"ReflectionAnswer #{self.pk}"


class SharingPreferences(models.Model):
    """A service user's choices about sharing as a whole. No row: the defaults (no notice when a provider looks)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="toolbox_sharing_preferences")
    notify_on_provider_view = models.BooleanField(
        _("Tell me each time a provider opens something I share"), default=False)

    def __str__(self):
        return f"SharingPreferences #{self.pk}"


# --- Network map and medication overview (engineer "toolbox-network") -------------------------------------------
# A person in the network map is named by a first name or nickname only; the name and the notes are encrypted at
# rest (who is in someone's life, and what they write about them, is as private as the crisis plan's contacts).
# The relation and the circle stay plain: the map is laid out and grouped by them.
NETWORK_NAME_MAX = 40
NETWORK_NOTES_MAX = 500
NETWORK_PEOPLE_MAX = 100


class NetworkMap(models.Model):
    """One per service user: what "network map" as a whole means in the audit trail (a share of it, a provider's
    view of it), whoever comes and goes in it. Its row also serialises adding people (the limit holds)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_map")
    audit_label = _("your network map")

    def __str__(self):
        return f"NetworkMap #{self.pk}"


class NetworkPerson(models.Model):
    """Someone in the owner's life, in one of three circles of closeness (1 = closest)."""

    class Relation(models.TextChoices):
        FAMILY = "family", _("Family")
        FRIEND = "friend", _("Friend")
        PEER = "peer", _("Peer (someone who has been there too)")
        NEIGHBOUR = "neighbour", _("Neighbour")
        WORK_OR_SCHOOL = "work_school", _("Work or school")
        PROFESSIONAL = "professional", _("Professional")
        OTHER = "other", _("Other")

    class Circle(models.IntegerChoices):
        CLOSEST = 1, _("Closest to me")
        MIDDLE = 2, _("Close")
        OUTER = 3, _("Further out")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_people",
                              limit_choices_to={"role": "service_user"})
    name = EncryptedTextField(_("First name or nickname"))
    relation = models.CharField(_("Who they are to me"), max_length=20, choices=Relation.choices,
                                default=Relation.FRIEND)
    circle = models.PositiveSmallIntegerField(_("How close"), choices=Circle.choices, default=Circle.MIDDLE)
    notes = EncryptedTextField(_("Notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    audit_label = _("your network map")

    class Meta:
        ordering = ["circle", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(circle__gte=1, circle__lte=3), name="toolbox_network_circle_1_to_3"),
            models.CheckConstraint(
                condition=models.Q(relation__in=["family", "friend", "peer", "neighbour", "work_school",
                                                 "professional", "other"]),
                name="toolbox_network_known_relation",
            ),
        ]
        indexes = [models.Index(fields=["owner", "circle"])]

    def __str__(self):
        # Never the name: str() ends up in logs and the admin.
        return f"NetworkPerson #{self.pk}"


# Every free text of a medication is encrypted at rest, not only the side effects and notes: a medicine's name,
# what it is for and who prescribed it say as much about a person's health as the notes do. The dates stay plain:
# the current and earlier lists are decided by them.
MEDICATION_NAME_MAX = 100
MEDICATION_SHORT_MAX = 60  # strength, form
MEDICATION_SCHEDULE_MAX = 100
MEDICATION_PURPOSE_MAX = 200
MEDICATION_PRESCRIBER_MAX = 100
MEDICATION_TEXT_MAX = 1000  # side effects, notes
MEDICATIONS_MAX = 60


class MedicationList(models.Model):
    """One per service user: what "medication overview" as a whole means in the audit trail; its row also
    serialises adding medicines (the limit and the double-submit check hold)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medication_list")
    audit_label = _("your medication overview")

    def __str__(self):
        return f"MedicationList #{self.pk}"


class Medication(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medications",
                              limit_choices_to={"role": "service_user"})
    trade_name = EncryptedTextField(_("Name on the pack"), blank=True)
    active_ingredient = EncryptedTextField(_("Active ingredient"), blank=True)
    strength = EncryptedTextField(_("Strength"), blank=True)
    form = EncryptedTextField(_("Form"), blank=True)
    schedule = EncryptedTextField(_("When I take it"), blank=True)
    purpose = EncryptedTextField(_("What it is for"), blank=True)
    prescriber = EncryptedTextField(_("Prescribed by"), blank=True)
    started_on = models.DateField(_("Started"), null=True, blank=True)
    ended_on = models.DateField(_("Stopped"), null=True, blank=True)
    side_effects = EncryptedTextField(_("Side effects I have noticed"), blank=True)
    notes = EncryptedTextField(_("Notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    audit_label = _("your medication overview")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="toolbox_medication_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["owner", "ended_on"])]

    def __str__(self):
        return f"Medication #{self.pk}"

    @property
    def display_name(self):
        """The name on the pack, with the active ingredient in brackets when both are known."""
        if self.trade_name and self.active_ingredient:
            return f"{self.trade_name} ({self.active_ingredient})"
        return self.trade_name or self.active_ingredient

    def is_current(self, today) -> bool:
        """Taken now: not stopped, or stopping only after today."""
        return self.ended_on is None or self.ended_on > today

    # "1-0-1-0": how many in the morning, at midday, in the evening and at night (the Norwegian "doseringsplan").
    SCHEDULE_TIMES = (_("morning"), _("midday"), _("evening"), _("night"))

    @property
    def schedule_parts(self):
        """[(time of day, amount), ...] when the schedule is written as four amounts like "1-0-1-0" (or "½-0-0-1",
        "0,5-0-0-1"); None for a schedule in words."""
        import re

        parts = (self.schedule or "").replace(" ", "").split("-")
        if len(parts) != 4 or not all(re.fullmatch(r"(\d{1,2}([.,]\d{1,2})?|½|¼|¾)", part) for part in parts):
            return None
        return list(zip(self.SCHEDULE_TIMES, parts))
