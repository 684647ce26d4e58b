"""Forum forms: they validate and clean; forum.services does the writing."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import BODY_MAX, REPORT_NOTE_MAX, TITLE_MAX, PostReport

MARKDOWN_HELP = _(
    "You can use simple formatting: *italic*, **bold**, lists starting with -, quotes starting with >, "
    "and links written as [text](https://...). Images and HTML are not shown."
)


def _cleaned_by(service_clean, value):
    """`value` as forum.services' `service_clean` tidies it; its refusal becomes this field's error, so the form
    and the service say the same thing."""
    from forum.services import ForumError

    try:
        return service_clean(value)
    except ForumError as exc:
        raise forms.ValidationError(exc.message) from None


class _PostFormMixin(forms.Form):
    body = forms.CharField(
        label=_("Your text"), help_text=MARKDOWN_HELP, strip=False,
        # No maxlength attribute: the browser would silently cut a long text; the server says how long it is.
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Your post is empty. Please write something before you send it.")},
    )
    # A one-time token: a form sent twice (a double click, a reload) makes one post.
    submit_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # Set by the "Post anyway" button after the writing checks found something.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submit_token", uuid.uuid4())

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Your post is empty. Please write something before you send it."))
        if len(body) > BODY_MAX:
            raise forms.ValidationError(
                _("Your post is %(length)s characters long. Please shorten it to %(max)s characters or fewer, "
                  "or split it into two posts."), params={"length": len(body), "max": BODY_MAX},
            )
        return body


class ReplyForm(_PostFormMixin):
    pass


class EditPostForm(_PostFormMixin):
    pass


class NewThreadForm(_PostFormMixin):
    title = forms.CharField(
        label=_("Title"), max_length=None,
        error_messages={"required": _("Please give your thread a title.")},
    )
    local_only = forms.BooleanField(
        label=_("Only for members of my community"), required=False,
        help_text=_("Only people from %(community)s and the service user consultant will see this thread."),
    )

    field_order = ["title", "body", "local_only"]

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update({"autocomplete": "off"})
        self.fields["title"].help_text = _(
            "A short title that tells others what the thread is about (up to %(max)s characters)."
        ) % {"max": TITLE_MAX}
        if community is None:
            del self.fields["local_only"]
        else:
            field = self.fields["local_only"]
            field.help_text = field.help_text % {"community": community.name}

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Please give your thread a title."))
        if len(title) > TITLE_MAX:
            raise forms.ValidationError(
                _("The title is %(length)s characters long. Please shorten it to %(max)s characters or fewer."),
                params={"length": len(title), "max": TITLE_MAX},
            )
        return title


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=BODY_MAX * 2)


class PostReportForm(forms.Form):
    """Why a member reports a post to the service user consultant."""

    reason = forms.ChoiceField(
        label=_("What worries you about this post?"), choices=PostReport.Reason.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Please choose why you are reporting this post.")},
    )
    note = forms.CharField(
        label=_("Anything the consultant should know (optional)"), required=False,
        max_length=REPORT_NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Up to 1,000 characters. Only the service user consultant reads this."),
    )


class HidePostForm(forms.Form):
    """Why the service user consultant hides a post. The author reads this reason on their post."""

    reason = forms.CharField(
        label=_("Why are you hiding this post?"),
        # No maxlength attribute: the browser would cut the text silently; the form says how long it is.
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Up to 300 characters. The author will see this reason on their post, so write it kindly."),
        error_messages={"required": _("Please write a short reason. The author will read it.")},
    )

    def clean_reason(self):
        from forum.services import clean_hide_reason

        return _cleaned_by(clean_hide_reason, self.cleaned_data["reason"])


class MemberProfileForm(forms.Form):
    """What a member shows on their forum profile. Plain text: no formatting, line breaks kept."""

    about_me = forms.CharField(
        label=_("About me"), required=False, strip=False,
        # No maxlength attribute: the browser would cut the text silently; the form says how long it is.
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    show_community = forms.BooleanField(label=_("Show my community on my profile"), required=False)
    # Set by the "Save anyway" button after the privacy check found something.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, community=None, **kwargs):
        from forum.models import ABOUT_ME_MAX

        super().__init__(*args, **kwargs)
        self.fields["about_me"].help_text = _(
            "A few words others see on your profile, in plain text, up to %(max)s characters. Write only what "
            "you are comfortable with everyone in the forum knowing."
        ) % {"max": ABOUT_ME_MAX}
        self.fields["about_me"].widget.attrs["data-max-chars"] = str(ABOUT_ME_MAX)
        if community is None:
            # The consultant belongs to no community, so there is nothing to show or hide.
            del self.fields["show_community"]
        else:
            self.fields["show_community"].help_text = (
                _("Others will see that you belong to %(community)s.") % {"community": community.name}
            )

    def clean_about_me(self):
        from forum.services import clean_about_me

        return _cleaned_by(clean_about_me, self.cleaned_data["about_me"])


# --- Circles -----------------------------------------------------------------------------------------------
class CircleForm(forms.Form):
    """A new circle's name and description (forum.services.create_circle checks them again)."""

    name = forms.CharField(
        label=_("Name of the circle"), max_length=None,
        error_messages={"required": _("Please give your circle a name.")},
    )
    description = forms.CharField(
        label=_("What the circle is for (optional)"), required=False, max_length=None,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from forum.models import CIRCLE_DESCRIPTION_MAX, CIRCLE_NAME_MAX

        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "off"})
        self.fields["name"].help_text = _(
            "Only the members and the service user consultant see it (up to %(max)s characters)."
        ) % {"max": CIRCLE_NAME_MAX}
        self.fields["description"].help_text = _(
            "A sentence or two for the people you invite (up to %(max)s characters)."
        ) % {"max": CIRCLE_DESCRIPTION_MAX}

    def clean_name(self):
        from forum.services import clean_circle_name

        return _cleaned_by(clean_circle_name, self.cleaned_data["name"])

    def clean_description(self):
        from forum.services import clean_circle_description

        return _cleaned_by(clean_circle_description, self.cleaned_data["description"])


class CircleInviteForm(forms.Form):
    """Whom to invite into a circle, by pseudonym."""

    pseudonym = forms.CharField(
        label=_("Pseudonym of the person to invite"), max_length=100, strip=True,
        error_messages={
            "required": _("Please write the pseudonym of the person you want to invite."),
            "max_length": _("A pseudonym is at most 30 characters long. Please check the spelling."),
        },
        help_text=_("They will be asked whether they want to join. Nothing changes until they say yes."),
    )
