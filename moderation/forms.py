"""The workspace's forms: they validate and clean; moderation.services does the writing."""

import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.models import BODY_MAX
from moderation.access import AGE_CHOICES
from moderation.models import QueueKind

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class QueueFilterForm(forms.Form):
    """The queue's filters (GET). Anything unknown is ignored rather than refused: a filter is never an error."""

    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *QueueKind.choices])
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("open", _("Open (new or being handled)")), ("new", _("New")), ("handling", _("Being handled")),
        ("done", _("Done")),
    ])
    age = forms.TypedChoiceField(label=_("Age"), required=False, coerce=int, empty_value=None, choices=[
        ("", _("Any age")), *[(h, _("Older than %(hours)s hours") % {"hours": h}) for h in AGE_CHOICES]])

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All communities")), *[(c.pk, c.name) for c in communities]]

    def filters(self):
        """The valid filters as keyword arguments for moderation.access.queue_items_for."""
        self.is_valid()
        data = self.cleaned_data  # the fields that were valid on their own
        return {"kind": data.get("kind") or "", "community_id": data.get("community"),
                "state": data.get("state") or "open", "older_than_hours": data.get("age")}


class HandleForm(forms.Form):
    note = forms.CharField(label=_("A note for the log (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReplyFromItemForm(forms.Form):
    body = forms.CharField(label=_("Your reply in the thread"), strip=False, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("Your reply is empty. Please write something first.")})
    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submit_token", uuid.uuid4())

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) > BODY_MAX:
            raise forms.ValidationError(_("Your reply is %(length)s characters long. Please shorten it to %(max)s "
                                          "characters or fewer."), params={"length": len(body), "max": BODY_MAX})
        return body


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why is the post hidden? The author will read this."),
                             error_messages={"required": _("Please write a short reason. The author will read it.")})


class SlowModeForm(forms.Form):
    seconds = forms.TypedChoiceField(label=_("Slow mode"), coerce=int, choices=[
        (0, _("Off")), (5 * 60, _("5 minutes between one person's replies")),
        (15 * 60, _("15 minutes between one person's replies")), (60 * 60, _("1 hour between one person's replies")),
        (6 * 60 * 60, _("6 hours between one person's replies")),
    ])


class WritePrivatelyForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), initial=_("About your post in the forum"))
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("Your message is empty. Please write something first.")})
    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submit_token", uuid.uuid4())


class PauseForm(forms.Form):
    days = forms.IntegerField(label=_("Pause for how many days?"), min_value=1,
                              error_messages={"required": _("Please say for how many days."),
                                              "invalid": _("Please write a whole number of days.")})
    reason = forms.CharField(label=_("Why? The member will read this."),
                             error_messages={"required": _("Please write a short reason. The member will read it.")})

    def until(self):
        return timezone.now() + timedelta(days=self.cleaned_data["days"])


class MemberNoteForm(forms.Form):
    text = forms.CharField(label=_("A note about this member"),
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Only consultants and admins see these notes. Write what helps you support "
                                       "the member; never their real name or contact details."),
                           error_messages={"required": _("Please write the note before you save it.")})


class ReplyTemplateForm(forms.Form):
    title = forms.CharField(label=_("Name"),
                            error_messages={"required": _("Please give the template a short name.")})
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": _("Please write the text of the template.")})


class OnDutyForm(forms.Form):
    """Hours per weekday; a day with both fields empty is a day off."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        initial = {day: (starts, ends) for day, starts, ends in rows}
        for day, name in enumerate(WEEKDAYS):
            starts, ends = initial.get(day, (None, None))
            self.fields[f"starts_{day}"] = forms.TimeField(
                label=_("%(day)s from") % {"day": name}, required=False, initial=starts,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
            self.fields[f"ends_{day}"] = forms.TimeField(
                label=_("%(day)s until") % {"day": name}, required=False, initial=ends,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean(self):
        data = super().clean()
        hours = {}
        for day in range(7):
            starts, ends = data.get(f"starts_{day}"), data.get(f"ends_{day}")
            if starts is None and ends is None:
                continue
            if starts is None or ends is None or ends <= starts:
                self.add_error(f"ends_{day}", _("Please give both times, with the end after the start, or leave "
                                                "both empty for a day off."))
                continue
            hours[day] = (starts, ends)
        data["hours"] = hours
        return data

    def day_rows(self):
        return [(WEEKDAYS[day], self[f"starts_{day}"], self[f"ends_{day}"]) for day in range(7)]


class AnnouncementForm(forms.Form):
    board = forms.ChoiceField(label=_("Board"))
    community = forms.TypedChoiceField(label=_("Who sees it"), coerce=int, empty_value=None, required=False)
    title = forms.CharField(label=_("Title"))
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, boards=(), communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [(b.slug, b.name) for b in boards]
        self.fields["community"].choices = [("", _("Everyone (all communities)")),
                                            *[(c.pk, _("Only members of %(name)s") % {"name": c.name})
                                              for c in communities]]

