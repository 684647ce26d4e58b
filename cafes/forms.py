"""Café forms: they validate and clean; cafes.services does the writing (and checks again)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from cafes import services
from cafes.models import CAPACITY_MAX, EARLY_CHOICES, LATE_CHOICES, CafeSeries, Rsvp
from reconnect.models import Community


def _check(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except services.CafeError as exc:
        raise forms.ValidationError(exc.message) from None


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will you come?"), choices=Rsvp.Answer.choices, widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose one of the answers: going, maybe or can't come."),
            "invalid_choice": _("Please choose one of the answers: going, maybe or can't come."),
        },
    )
    show_me = forms.BooleanField(
        label=_("Show my pseudonym to the others who are going"), required=False,
        help_text=_("If you leave this off, the others see only how many are coming, not who."),
    )


class CafeForm(forms.Form):
    """The consultant's form for a café: a date with start and end times in the portal's time zone."""

    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.order_by("name"),
        error_messages={"required": _("Please choose the community the café is for."),
                        "invalid_choice": _("Please choose a community from the list.")},
    )
    title = forms.CharField(label=_("Title"), max_length=None,
                            error_messages={"required": _("Please give the café a title.")})
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Please give the date of the café."),
                        "invalid": _("Please write the date as year, month and day, for example 2026-03-14.")},
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Please give the time the café starts."),
                        "invalid": _("Please write the time as hours and minutes, for example 18:00.")},
    )
    end_time = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Please give the time the café ends."),
                        "invalid": _("Please write the time as hours and minutes, for example 20:00.")},
    )
    venue_name = forms.CharField(label=_("Venue"), max_length=None,
                                 help_text=_("The name of the place, for example a library or a café."),
                                 error_messages={"required": _("Please write where the café is held (the name of "
                                                               "the place).")})
    address = forms.CharField(label=_("Address"), max_length=None,
                              error_messages={"required": _("Please write the address, so people can find the "
                                                            "place.")})
    getting_there = forms.CharField(
        label=_("How to get there"), required=False, max_length=None, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Buses, parking, a landmark to look for."),
    )
    accessibility = forms.CharField(
        label=_("Accessibility"), required=False, max_length=None, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Steps, lift, toilets, a quiet corner."),
    )
    entrance = forms.CharField(
        label=_("The entrance"), required=False, max_length=None, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the door looks like and where to go inside, so arriving feels easier."),
    )
    capacity = forms.IntegerField(
        label=_("Number of places"), required=False, min_value=0, max_value=CAPACITY_MAX,
        help_text=_("Leave empty for no limit. When the places are taken, people can join a waitlist."),
        error_messages={
            "invalid": _("The number of places must be a whole number, 0 or more (or empty for no limit)."),
            "min_value": _("The number of places must be a whole number, 0 or more (or empty for no limit)."),
            "max_value": _("The number of places can be at most %(limit_value)s."),
        },
    )
    host = forms.ModelChoiceField(
        label=_("Host"), required=False, queryset=None, empty_label=_("Not decided yet"),
        error_messages={"invalid_choice": _("The host must be a service user consultant. Please choose from the "
                                            "list.")},
    )
    topic = forms.CharField(label=_("Topic"), required=False, max_length=None,
                            help_text=_("Optional. Something to talk about, if people would like to."))
    what_to_expect = forms.CharField(
        label=_("What to expect"), required=False, max_length=None, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to show the usual words: who hosts, how it usually goes, and that it is fine to "
                    "arrive late, leave early and just listen."),
    )
    open_to_visitors = forms.BooleanField(
        label=_("Members of other communities are welcome too"), required=False,
    )

    def __init__(self, *args, cafe=None, **kwargs):
        if cafe is not None and kwargs.get("data") is None and not (args and args[0] is not None):
            kwargs["initial"] = self.initial_for(cafe)
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = services.active_consultants()
        self.fields["host"].label_from_instance = lambda user: user.pseudonym

    @staticmethod
    def initial_for(cafe):
        starts, ends = timezone.localtime(cafe.starts_at), timezone.localtime(cafe.ends_at)
        initial = {name: getattr(cafe, name) for name in services.EDITABLE_FIELDS
                   if name not in ("starts_at", "ends_at")}
        initial.update(date=starts.date(), start_time=starts.time().replace(second=0, microsecond=0),
                       end_time=ends.time().replace(second=0, microsecond=0))
        return initial

    def clean_title(self):
        return _check(services.clean_text, "title", self.cleaned_data["title"])

    def clean_venue_name(self):
        return _check(services.clean_text, "venue_name", self.cleaned_data["venue_name"])

    def clean_address(self):
        return _check(services.clean_text, "address", self.cleaned_data["address"])

    def clean_topic(self):
        return _check(services.clean_text, "topic", self.cleaned_data["topic"])

    def clean_getting_there(self):
        return _check(services.clean_text, "getting_there", self.cleaned_data["getting_there"])

    def clean_accessibility(self):
        return _check(services.clean_text, "accessibility", self.cleaned_data["accessibility"])

    def clean_entrance(self):
        return _check(services.clean_text, "entrance", self.cleaned_data["entrance"])

    def clean_what_to_expect(self):
        return _check(services.clean_text, "what_to_expect", self.cleaned_data["what_to_expect"])

    def clean(self):
        data = super().clean()
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            zone = timezone.get_default_timezone()  # Europe/Oslo: the time on the poster at the venue
            try:
                data["starts_at"] = timezone.make_aware(datetime.datetime.combine(date, start), zone)
                data["ends_at"] = timezone.make_aware(datetime.datetime.combine(date, end), zone)
            except (OverflowError, ValueError):
                raise forms.ValidationError(_("Please choose a date that exists, for example 2026-03-14.")) from None
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("The café ends before it starts. Please check the start and end times."))
        return data

    def service_fields(self):
        """The cleaned data as cafes.services takes it."""
        data = self.cleaned_data
        return {name: data[name] for name in services.EDITABLE_FIELDS}


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel this café and tell everyone who answered"),
        error_messages={"required": _("Please tick the box to confirm that the café is cancelled.")},
    )



class SeriesForm(CafeForm):
    """The consultant's form for a recurring café: the rule ("the first Tuesday of every month") and times,
    and the café fields every café of the series starts from."""

    date = None
    week = forms.TypedChoiceField(
        label=_("Which week of the month"), coerce=int, choices=CafeSeries.Week.choices,
        error_messages={"required": _("Please choose which week of the month: the first, second, third, fourth "
                                      "or last."),
                        "invalid_choice": _("Please choose which week of the month: the first, second, third, "
                                            "fourth or last.")},
    )
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), coerce=int, choices=[(number, name) for number, name in WEEKDAYS.items()],
        error_messages={"required": _("Please choose the day of the week."),
                        "invalid_choice": _("Please choose the day of the week.")},
    )
    field_order = ["community", "title", "week", "weekday", "start_time", "end_time"]

    def __init__(self, *args, series=None, **kwargs):
        if series is not None and kwargs.get("data") is None and not (args and args[0] is not None):
            kwargs["initial"] = {name: getattr(series, name) for name in services.SERIES_FIELDS}
        super().__init__(*args, **kwargs)
        self.fields["what_to_expect"].help_text = _(
            "Leave empty to show the usual words on each café's page.")

    def clean(self):
        data = forms.Form.clean(self)
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The café ends before it starts. Please check the start and end times."))
        return data

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in services.SERIES_FIELDS}


class StopSeriesForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, stop this series: plan no more cafés from it"),
        error_messages={"required": _("Please tick the box to confirm that the series stops.")},
    )
    cancel_planned = forms.BooleanField(
        label=_("Also cancel its cafés that are already planned, and tell everyone who answered"), required=False,
    )


class ReminderSettingsForm(forms.Form):
    early_hours = forms.TypedChoiceField(
        label=_("Early reminder"), coerce=int, choices=EARLY_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": _("Please choose when the early reminder comes, or no early reminder."),
                        "invalid_choice": _("Please choose when the early reminder comes, or no early reminder.")},
    )
    late_hours = forms.TypedChoiceField(
        label=_("Reminder on the day"), coerce=int, choices=LATE_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": _("Please choose when the reminder on the day comes, or no reminder on the "
                                      "day."),
                        "invalid_choice": _("Please choose when the reminder on the day comes, or no reminder on "
                                            "the day.")},
    )
    remind_maybe = forms.BooleanField(
        label=_("When I answer maybe, remind me once, gently"), required=False,
        help_text=_("One reminder, at the time of the early reminder (or on the day if that is off)."),
    )
    by_email = forms.BooleanField(
        label=_("Also send me an e-mail"), required=False,
        help_text=_("The e-mail says only that there is something new in ReConnect, nothing about the café."),
    )


# --- Getting there together ---------------------------------------------------------------------------
class CompanionRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like?"), widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose what you would like: company or a ride, asked for or offered."),
            "invalid_choice": _("Please choose what you would like: company or a ride, asked for or offered."),
        },
    )
    note = forms.CharField(
        label=_("A short note (optional)"), required=False, max_length=200 * 4,
        help_text=_("For example “I'll come by bus” or “I'm a bit nervous”. Please no phone numbers, e-mail "
                    "addresses or real names."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cafes.models import CompanionRequest

        self.fields["kind"].choices = CompanionRequest.Kind.choices

    def clean_note(self):
        return _check(services.clean_note, self.cleaned_data.get("note"))


class MatchMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        help_text=_("Up to 500 characters, for example where to meet. No phone numbers or e-mail addresses."),
        error_messages={"required": _("Please write a message before sending it.")},
    )


class AttendanceForm(forms.Form):
    came = forms.MultipleChoiceField(label=_("Who came"), required=False, widget=forms.CheckboxSelectMultiple)
    add = forms.CharField(
        label=_("Also came, without answering (pseudonyms, separated by commas)"), required=False, max_length=2000,
    )

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["came"].choices = [
            (str(pk), f"{pseudonym} ({answer})" if answer else pseudonym) for pk, pseudonym, answer, _came in checklist
        ]
        if not self.is_bound:
            self.initial["came"] = [str(pk) for pk, _p, _a, came in checklist if came]

    def pseudonyms(self):
        return [p for p in (self.cleaned_data.get("add") or "").split(",") if p.strip()]


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("How was it?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        help_text=_("Up to 1,000 characters. Your note goes to the service user consultant without your "
                    "pseudonym: nobody can see who wrote it."),
        error_messages={"required": _("Please write a few words before sending.")},
    )


class ForumThreadForm(forms.Form):
    thread = forms.TypedChoiceField(label=_("Link a thread in the Café corner"), required=False, coerce=int,
                                    empty_value=None)

    def __init__(self, *args, threads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thread"].choices = [("", _("No thread"))] + [(t.pk, t.title) for t in threads]


class SharePhoneForm(forms.Form):
    share = forms.BooleanField(label=_("Share my phone number"), required=False,
                               help_text=_("Only the person you are going with sees it, and only if they share "
                                           "theirs too. Untick to stop sharing."))
    phone = forms.CharField(label=_("My phone number"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if data.get("share"):
            data["phone"] = _check(services.clean_phone, data.get("phone"))
        else:
            data["phone"] = ""
        return data
