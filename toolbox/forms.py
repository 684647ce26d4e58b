"""Toolbox forms: they validate and clean; toolbox.services does the writing (and checks again)."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from toolbox import services
from toolbox.models import CONTACTS_PER_STEP, CrisisContact, CrisisPlan, Goal, LifeDomain

# Help under each free-text step: a few words of what people often write, never a test to pass.
STEP_HELP = {
    "warning_signs": _("Thoughts, feelings, situations or behaviour that tell you a crisis may be coming."),
    "coping_on_my_own": _("Things you can do by yourself to take your mind off it: a walk, music, a shower."),
    "distractions": _("People to be with and places to go that help you think of something else."),
    "safer_surroundings": _("What you can do to keep yourself safe, and who can help you with it."),
    "reasons_for_living": _("The people, plans, pets or hopes that matter most to you."),
}
STEP_LABELS = {
    "warning_signs": _("1. My warning signs"),
    "coping_on_my_own": _("2. What I can do on my own to cope"),
    "distractions": _("3. People and places that take my mind off things"),
    "safer_surroundings": _("6. Making my surroundings safer"),
    "reasons_for_living": _("What matters most to me, my reasons for living"),
}
CONTACT_PREFIX = {CrisisContact.Step.PERSON: "person", CrisisContact.Step.PROFESSIONAL: "professional"}


def contact_field_names(step):
    prefix = CONTACT_PREFIX[step]
    return [(f"{prefix}_{n}_name", f"{prefix}_{n}_phone") for n in range(1, CONTACTS_PER_STEP + 1)]


class CrisisPlanForm(forms.Form):
    """The whole plan on one page. Contacts are fixed rows (five per step): no JavaScript needed to add one."""

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        for _step, name in CrisisPlan.TEXT_STEPS:
            # No maxlength attribute: the browser would silently cut a long text; the server says how long it is.
            self.fields[name] = forms.CharField(
                label=STEP_LABELS[name], help_text=STEP_HELP[name], required=False, strip=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        contacts = {step: [] for step in CONTACT_PREFIX}
        for contact in (plan.contacts.all() if plan is not None else []):
            contacts[contact.step].append(contact)
        for step in CONTACT_PREFIX:
            for n, (name_field, phone_field) in enumerate(contact_field_names(step), start=1):
                if step == CrisisContact.Step.PERSON:
                    name_label = _("Name of person %(n)s") % {"n": n}
                    phone_label = _("Phone number of person %(n)s") % {"n": n}
                else:
                    name_label = _("Name of professional or service %(n)s") % {"n": n}
                    phone_label = _("Phone number of professional or service %(n)s") % {"n": n}
                self.fields[name_field] = forms.CharField(label=name_label, required=False)
                self.fields[phone_field] = forms.CharField(
                    label=phone_label, required=False,
                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                )
                if not self.is_bound and n <= len(contacts[step]):
                    self.initial[name_field] = contacts[step][n - 1].name
                    self.initial[phone_field] = contacts[step][n - 1].phone
        if plan is not None and not self.is_bound:
            for _step, name in CrisisPlan.TEXT_STEPS:
                self.initial[name] = getattr(plan, name)

    def clean(self):
        data = super().clean()
        for _step, name in CrisisPlan.TEXT_STEPS:
            if name in data:
                try:
                    data[name] = services.clean_plan_text(data[name])
                except services.ToolboxError as exc:
                    self.add_error(name, exc.message)
        for step in CONTACT_PREFIX:
            for name_field, phone_field in contact_field_names(step):
                try:
                    data[name_field] = services.clean_contact_name(data.get(name_field, ""))
                except services.ToolboxError as exc:
                    self.add_error(name_field, exc.message)
                try:
                    data[phone_field] = services.clean_phone(data.get(phone_field, ""))
                except services.ToolboxError as exc:
                    self.add_error(phone_field, exc.message)
                    continue
                if data.get(phone_field) and not data.get(name_field) and name_field not in self.errors:
                    self.add_error(name_field, _("Please add a name for this phone number."))
        return data

    def texts(self):
        return {name: self.cleaned_data.get(name, "") for _step, name in CrisisPlan.TEXT_STEPS}

    def contacts(self, step):
        return [
            (self.cleaned_data.get(name_field, ""), self.cleaned_data.get(phone_field, ""))
            for name_field, phone_field in contact_field_names(step)
        ]

    def contact_rows(self, step):
        """Bound fields in pairs, for the template: [(name field, phone field), ...]. The rows in use and up to two
        empty ones are shown (a short page on a phone); saving brings more empty rows, up to the limit."""
        pairs = contact_field_names(step)
        used = [n for n, (name_field, phone_field) in enumerate(pairs, start=1)
                if any(self[field].value() for field in (name_field, phone_field))]
        shown = min(len(pairs), max(used, default=0) + 2)
        return [(self[name_field], self[phone_field]) for name_field, phone_field in pairs[:shown]]

    def text_field(self, name):
        return self[name]


# --- Goals and activities -----------------------------------------------------------------------------
class GoalForm(forms.Form):
    """A goal. No maxlength attributes: the browser would cut a long text silently; the server says how long."""

    domain = forms.ChoiceField(label=_("Area of life"), choices=[("", _("Choose an area"))] + LifeDomain.choices,
                               error_messages={"required": _("Please choose the area of life this goal belongs to."),
                                               "invalid_choice": _("Please choose one of the areas in the list.")})
    title = forms.CharField(label=_("My goal"), help_text=_("In a few words, for example “Walk to the shop on my own”."),
                            error_messages={"required": _("Please write your goal in a few words.")})
    why = forms.CharField(label=_("Why it matters to me"), required=False, strip=False,
                          widget=forms.Textarea(attrs={"rows": 3}))
    steps = forms.CharField(label=_("Small steps"), required=False, strip=False,
                            help_text=_("One step a line, up to eight. Small is good."),
                            widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(label=_("How far I have come"), choices=Goal.Status.choices,
                               initial=Goal.Status.NOT_STARTED,
                               error_messages={"invalid_choice": _("Please choose one of the statuses in the list.")})
    target_date = forms.DateField(label=_("Target date (if you want one)"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"invalid": _("Please write the date as year-month-day, for "
                                                               "example 2026-05-31.")})

    def clean(self):
        data = super().clean()
        for name, check in (("title", services.clean_goal_title), ("why", services.clean_goal_why),
                            ("steps", services.clean_goal_steps)):
            if name in data:
                try:
                    data[name] = check(data[name])
                except services.ToolboxError as exc:
                    self.add_error(name, exc.message)
        return data


REMIND_CHOICES = [
    ("", _("No reminder")),
    ("0", _("When it starts")),
    ("15", _("15 minutes before")),
    ("60", _("1 hour before")),
    ("180", _("3 hours before")),
    ("1440", _("1 day before")),
]


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("What I will do"),
                            error_messages={"required": _("Please write what you will do, in a few words.")})
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"required": _("Please choose the day."),
                                          "invalid": _("Please write the day as year-month-day, for example 2026-05-31.")})
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                            error_messages={"required": _("Please choose the time it starts."),
                                            "invalid": _("Please write the time as hours:minutes, for example 14:30.")})
    end = forms.TimeField(label=_("Until (if you want)"), required=False,
                          widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                          error_messages={"invalid": _("Please write the time as hours:minutes, for example 15:30.")})
    goal = forms.ChoiceField(label=_("For my goal"), required=False,
                             error_messages={"invalid_choice": _("Please choose one of your own goals, or none.")})
    remind = forms.ChoiceField(label=_("Remind me"), required=False, choices=REMIND_CHOICES,
                               error_messages={"invalid_choice": _("Please choose one of the reminder times.")})
    remind_by_email = forms.BooleanField(
        label=_("Also send me an e-mail when the reminder comes (it says only that there is a reminder, nothing "
                "about what you planned)"), required=False)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", _("No goal"))] + [(str(goal.pk), goal.title) for goal in goals]

    def clean(self):
        data = super().clean()
        if "title" in data:
            try:
                data["title"] = services.clean_activity_title(data["title"])
            except services.ToolboxError as exc:
                self.add_error("title", exc.message)
        if data.get("day") and data.get("start"):
            tz = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(datetime.combine(data["day"], data["start"]), tz)
            data["ends_at"] = (timezone.make_aware(datetime.combine(data["day"], data["end"]), tz)
                               if data.get("end") else None)
            minutes = data.get("remind")
            data["remind_at"] = data["starts_at"] - timedelta(minutes=int(minutes)) if minutes else None
        return data

    def activity_fields(self):
        data = self.cleaned_data
        return {"title": data["title"], "starts_at": data["starts_at"], "ends_at": data["ends_at"],
                "goal_id": data.get("goal") or None, "remind_at": data["remind_at"],
                "remind_by_email": data.get("remind_by_email", False)}


class ActivityDoneForm(forms.Form):
    note = forms.CharField(label=_("How did it go? (if you want to write it down)"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_note(self):
        try:
            return services.clean_activity_note(self.cleaned_data.get("note"))
        except services.ToolboxError as exc:
            raise forms.ValidationError(exc.message) from None


class LocalLinkForm(forms.Form):
    """A local link as the consultant writes it; toolbox.services checks every field and says what is wrong."""

    community = forms.ChoiceField(label=_("Community"))
    category = forms.ChoiceField(label=_("Kind of link"))
    title = forms.CharField(label=_("Name"), required=False)
    url = forms.CharField(label=_("Web address"), required=False,
                          help_text=_("Starts with https:// or http://, for example https://mentalhelse.no."))
    description = forms.CharField(label=_("Short description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, link=None, **kwargs):
        from reconnect.models import Community
        from toolbox.models import LINK_DESCRIPTION_MAX, LINK_TITLE_MAX, LINK_URL_MAX, LocalLink

        initial = kwargs.pop("initial", None) or {}
        if link is not None:
            initial.update(community=link.community_id, category=link.category, title=link.title, url=link.url,
                           description=link.description)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in Community.objects.order_by("name", "pk")]
        self.fields["category"].choices = LocalLink.Category.choices
        self.fields["title"].widget.attrs["maxlength"] = LINK_TITLE_MAX
        self.fields["url"].widget.attrs.update(maxlength=LINK_URL_MAX, inputmode="url")
        self.fields["description"].widget.attrs["maxlength"] = LINK_DESCRIPTION_MAX


# --- Exercises and reflections --------------------------------------------------------------------------------
# No maxlength on the long texts: the browser would cut them silently; toolbox.services says how long they are.
class ExerciseForm(forms.Form):
    """An exercise as the consultant writes it, in both languages, with up to five questions (fixed rows: no
    JavaScript needed to add one)."""

    category = forms.ChoiceField(label=_("Kind of exercise"),
                                 error_messages={"required": _("Please choose the kind of exercise."),
                                                 "invalid_choice": _("Please choose one of the kinds in the list.")})
    title_en = forms.CharField(label=_("Title in English"), required=False)
    title_nb = forms.CharField(label=_("Title in Norwegian"), required=False)
    intro_en = forms.CharField(label=_("Short introduction in English"), required=False, strip=False,
                               help_text=_("One or two sentences, shown in the library."),
                               widget=forms.Textarea(attrs={"rows": 2}))
    intro_nb = forms.CharField(label=_("Short introduction in Norwegian"), required=False, strip=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    body_en = forms.CharField(label=_("The exercise in English"), required=False, strip=False,
                              help_text=_("Plain text; an empty line starts a new paragraph."),
                              widget=forms.Textarea(attrs={"rows": 8}))
    body_nb = forms.CharField(label=_("The exercise in Norwegian"), required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, exercise=None, **kwargs):
        from toolbox.models import EXERCISE_QUESTIONS_MAX, ExerciseCategory

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a kind"))] + ExerciseCategory.choices
        for n in range(1, EXERCISE_QUESTIONS_MAX + 1):
            self.fields[f"question_{n}_en"] = forms.CharField(
                label=_("Question %(n)s in English") % {"n": n}, required=False)
            self.fields[f"question_{n}_nb"] = forms.CharField(
                label=_("Question %(n)s in Norwegian") % {"n": n}, required=False)
        if exercise is not None and not self.is_bound:
            for name in ("category", "title_en", "title_nb", "intro_en", "intro_nb", "body_en", "body_nb"):
                self.initial[name] = getattr(exercise, name)
            for n, question in enumerate(exercise.questions.all(), start=1):
                self.initial[f"question_{n}_en"] = question.text_en
                self.initial[f"question_{n}_nb"] = question.text_nb

    def exercise_fields(self):
        from toolbox.models import EXERCISE_QUESTIONS_MAX

        data = self.cleaned_data
        fields = {name: data.get(name, "") for name in
                  ("category", "title_en", "title_nb", "intro_en", "intro_nb", "body_en", "body_nb")}
        fields["questions"] = [(data.get(f"question_{n}_nb", ""), data.get(f"question_{n}_en", ""))
                               for n in range(1, EXERCISE_QUESTIONS_MAX + 1)]
        return fields

    def question_rows(self):
        from toolbox.models import EXERCISE_QUESTIONS_MAX

        return [(n, self[f"question_{n}_en"], self[f"question_{n}_nb"]) for n in range(1, EXERCISE_QUESTIONS_MAX + 1)]


class FeatureExerciseForm(forms.Form):
    UNTIL_CHOICES = [("cafe", _("Until the day of the next café in this community")),
                     ("date", _("Until a day I choose"))]

    community = forms.ChoiceField(label=_("Community"),
                                  error_messages={"required": _("Please choose the community."),
                                                  "invalid_choice": _("Please choose one of the communities.")})
    featured_from = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                  format="%Y-%m-%d"),
                                    error_messages={"required": _("Please choose the first day."),
                                                    "invalid": _("Please write the day as year-month-day, for "
                                                                 "example 2026-05-31.")})
    until = forms.ChoiceField(label=_("How long"), choices=UNTIL_CHOICES, initial="cafe", widget=forms.RadioSelect,
                              error_messages={"required": _("Please choose how long."),
                                              "invalid_choice": _("Please choose how long.")})
    featured_until = forms.DateField(label=_("Last day (if you chose a day)"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     error_messages={"invalid": _("Please write the day as year-month-day, for "
                                                                  "example 2026-05-31.")})

    def __init__(self, *args, **kwargs):
        from reconnect.models import Community

        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("Choose a community"))] + [
            (str(c.pk), c.name) for c in Community.objects.order_by("name", "pk")]

    def clean(self):
        data = super().clean()
        if data.get("until") == "date" and not data.get("featured_until") and "featured_until" not in self.errors:
            self.add_error("featured_until", _("Please choose the last day, or “until the next café”."))
        return data


class ReflectionForm(forms.Form):
    """A reflection: a field for each of the exercise's questions (or, when changing one, each answer already
    written and each question not yet answered), and free text."""

    text = forms.CharField(label=_("My own thoughts"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, questions=(), answers=(), language="en", **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for answer in answers:
            fields[f"a_{answer.pk}"] = forms.CharField(label=answer.question_text, required=False, strip=False,
                                                       initial=answer.answer, widget=forms.Textarea(attrs={"rows": 3}))
        answered = {answer.question_id for answer in answers}
        for question in questions:
            if question.pk not in answered:
                fields[f"q_{question.pk}"] = forms.CharField(label=question.text_in(language), required=False,
                                                             strip=False, widget=forms.Textarea(attrs={"rows": 3}))
        # The questions first, in order, then the free text.
        self.fields = {**fields, "text": self.fields["text"]}

    def answers(self):
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_")}

    def kept_answers(self):
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("a_")}


# --- Network map and medication overview (engineer "toolbox-network") -------------------------------------------
class NetworkPersonForm(forms.Form):
    """A person in the network map. No maxlength attributes: the server says how long a text is (see GoalForm)."""

    name = forms.CharField(label=_("First name or nickname"), required=False,
                           help_text=_("A first name or a nickname is enough, for example “Anne” or “Uncle T”."))
    relation = forms.ChoiceField(label=_("Who they are to me"), required=False)
    circle = forms.ChoiceField(label=_("How close they are"), required=False, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes (if you want)"), required=False, strip=False,
                            help_text=_("For example what you do together, or how they can help. Only you see "
                                        "this, unless you share your map."),
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from toolbox.models import NetworkPerson

        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [("", _("Choose"))] + NetworkPerson.Relation.choices
        self.fields["circle"].choices = [
            ("1", _("1 · Closest to me")), ("2", _("2 · Close")), ("3", _("3 · Further out")),
        ]

    def clean(self):
        data = super().clean()
        for name, check in (("name", services.clean_network_name), ("relation", services.clean_relation),
                            ("circle", services.clean_circle), ("notes", services.clean_network_notes)):
            try:
                data[name] = check(data.get(name))
            except services.ToolboxError as exc:
                self.add_error(name, exc.message)
        return data


def _date_field(label):
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": _("Please write the date as year-month-day, for example "
                                                        "2026-05-31.")})


class MedicationForm(forms.Form):
    trade_name = forms.CharField(label=_("Name on the pack"), required=False,
                                 help_text=_("For example “Sertralin Accord”. Write this, the active ingredient, or "
                                             "both."))
    active_ingredient = forms.CharField(label=_("Active ingredient"), required=False,
                                        help_text=_("For example “sertraline”."))
    strength = forms.CharField(label=_("Strength"), required=False, help_text=_("For example “50 mg”."))
    form = forms.CharField(label=_("Form"), required=False,
                           help_text=_("For example tablet, capsule, liquid or injection."))
    schedule = forms.CharField(label=_("When I take it"), required=False,
                               help_text=_("For example “1-0-1-0” (morning, midday, evening, night), or in words: "
                                           "“when I need it, at most twice a day”."))
    purpose = forms.CharField(label=_("What it is for"), required=False)
    prescriber = forms.CharField(label=_("Prescribed by"), required=False)
    started_on = _date_field(_("Started (if you know)"))
    ended_on = _date_field(_("Stopped (if you have stopped)"))
    side_effects = forms.CharField(label=_("Side effects I have noticed"), required=False, strip=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        for name in ("trade_name", "active_ingredient", "strength", "form", "schedule", "purpose", "prescriber",
                     "side_effects", "notes"):
            try:
                data[name] = services.clean_medication_field(name, data.get(name))
            except services.ToolboxError as exc:
                self.add_error(name, exc.message)
        if not self.has_error("trade_name") and not self.has_error("active_ingredient") \
                and not (data.get("trade_name") or data.get("active_ingredient")):
            self.add_error("trade_name", services.MEDICATION_NAME_MISSING)
        if data.get("started_on") and data.get("ended_on") and data["ended_on"] < data["started_on"]:
            self.add_error("ended_on", services.MEDICATION_DATES_WRONG)
        return data

    def medication_fields(self):
        return {name: self.cleaned_data.get(name) for name in self.fields}
