"""Forum forms: they validate and clean; forum.services does the writing."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import BODY_MAX, REPORT_NOTE_MAX, TITLE_MAX, PostReport

MARKDOWN_HELP = _(
    "You can use simple formatting: *italic*, **bold**, lists starting with -, quotes starting with >, "
    "and links written as [text](https://...). Images and HTML are not shown."
)


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
