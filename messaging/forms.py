"""Messaging forms: they validate and clean; messaging.services does the writing (and checks again)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging import access, services
from messaging.models import SUBJECT_MAX
from reconnect.models import Role, User

ATTACHMENT_HELP = _("Optional. A PDF document or a PNG or JPEG picture, up to %(size)s MB.")


def _check(function, value):
    try:
        return function(value)
    except services.MessagingError as exc:
        raise forms.ValidationError(exc.message) from None


class _MessageFields(forms.Form):
    body = forms.CharField(
        label=_("Your message"), strip=False,
        # No maxlength attribute: the browser would silently cut a long text; the server says how long it is.
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Your message is empty. Please write something before you send it.")},
    )
    attachment = forms.FileField(
        label=_("Attach a file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )
    # A one-time token: a form sent twice (a double click, a reload) makes one message. A token that is not a
    # UUID (a tampered or damaged form) is ignored rather than refused: the person could not fix a hidden field.
    submit_token = forms.CharField(widget=forms.HiddenInput, required=False, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submit_token", uuid.uuid4())
        megabytes = services.attachment_max_bytes() / (1024 * 1024)
        self.fields["attachment"].help_text = ATTACHMENT_HELP % {"size": f"{megabytes:g}"}

    def clean_body(self):
        return _check(services.clean_body, self.cleaned_data["body"])

    def clean_submit_token(self):
        try:
            return uuid.UUID(self.cleaned_data["submit_token"][:36])
        except ValueError:
            return None

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            _check(services.read_attachment, upload)
            upload.seek(0)
        return upload or None


class ReplyForm(_MessageFields):
    pass


class EditMessageForm(forms.Form):
    body = _MessageFields.base_fields["body"]

    def clean_body(self):
        return _check(services.clean_body, self.cleaned_data["body"])


class NewConversationForm(_MessageFields):
    to = forms.ChoiceField(
        label=_("Who would you like to write to?"), widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose who you would like to write to."),
            "invalid_choice": _("Please choose someone from the list."),
        },
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=None,
        error_messages={"required": _("Please write a short subject, so you both know what the conversation is about.")},
    )

    field_order = ["to", "subject", "body", "attachment"]

    def __init__(self, *args, author, initial_to=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {}
        choices = []
        if author.role == Role.SERVICE_USER:
            providers = list(access.linked_providers_of(author))
            if len(providers) > 1:
                choices.append((services.TEAM, _("My whole care team (%(count)s people)") % {"count": len(providers)}))
            for person in providers:
                choices.append((str(person.pk), _("%(name)s, health provider") % {"name": access.display_name(author, person)}))
                self.people[str(person.pk)] = person
            for person in access.reachable_consultants():
                choices.append((str(person.pk), _("%(name)s, service user consultant") % {"name": person.pseudonym}))
                self.people[str(person.pk)] = person
        elif author.role == Role.PROVIDER:
            for person in access.linked_service_users_of(author):
                choices.append((str(person.pk), access.display_name(author, person)))
                self.people[str(person.pk)] = person
        self.fields["to"].choices = choices
        self.fields["subject"].help_text = _("A few words about what this is about (up to %(max)s characters).") % {
            "max": SUBJECT_MAX}
        self.fields["subject"].widget.attrs.update({"autocomplete": "off"})
        if not self.is_bound and initial_to and str(initial_to) in self.people:
            self.initial["to"] = str(initial_to)
        elif not self.is_bound and len(choices) == 1:
            self.initial["to"] = choices[0][0]

    @property
    def has_recipients(self):
        return bool(self.fields["to"].choices)

    def clean_to(self):
        value = self.cleaned_data["to"]
        return services.TEAM if value == services.TEAM else self.people[value]

    def clean_subject(self):
        return _check(services.clean_subject, self.cleaned_data["subject"])


class ReplyTimeForm(forms.Form):
    message_reply_time = forms.CharField(
        label=_("How soon do you usually reply?"), required=False,
        max_length=User._meta.get_field("message_reply_time").max_length,
        help_text=_('For example "within 2 working days". Leave it empty for the default sentence.'),
    )
