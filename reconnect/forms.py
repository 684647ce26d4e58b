from django import forms  # noqa: F401
from django.utils.translation import gettext_lazy as _  # noqa: F401


# --- Second factor (MFA) -------------------------------------------------------------------------------
class TOTPCodeForm(forms.Form):
    """The six-digit code from an authenticator app; spaces people type between the digits are ignored."""

    code = forms.CharField(
        label=_("Six-digit code from your app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric", "autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Please type the six-digit code shown in your authenticator app.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(
                _("The code should be six digits, for example 123456. Please check it and try again.")
            )
        return code


class RecoveryCodeForm(forms.Form):
    """One of the printed recovery codes; dashes, spaces and capitals are forgiven."""

    code = forms.CharField(
        label=_("Recovery code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
        error_messages={"required": _("Please type one of your recovery codes.")},
    )

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"].lower() if ch.isalnum())
        if not code or len(code) > 16:
            raise forms.ValidationError(
                _("That does not look like a recovery code. They have ten letters and numbers, like abcde-23456.")
            )
        return code


# --- Terms (consent) and notification preferences -----------------------------------------------------
class ConsentForm(forms.Form):
    """Accepting the terms shown on the page; `version` makes sure the text accepted is the text read."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read and accept the terms"),
        error_messages={
            "required": _(
                "To use ReConnect, please tick the box to say that you have read and accept the terms."
            ),
        },
    )


class NotificationPreferencesForm(forms.Form):
    """Which kinds of notification also arrive by e-mail (the e-mail only says that something is new)."""

    email_kinds = forms.MultipleChoiceField(
        label=_("Also send me an e-mail about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("One of the choices is not known. Please tick from the list.")},
    )

    def __init__(self, *args, **kwargs):
        from reconnect.models import NOTIFICATION_KINDS

        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = NOTIFICATION_KINDS


# --- Invitations and accepting them --------------------------------------------------------------------
class InvitationForm(forms.Form):
    """Who to invite. The role list shows only what the inviter may choose; the service checks again."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The invitation link goes to this address only. Your name is not in the e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Please type the e-mail address of the person you invite."),
            "invalid": _("This does not look like an e-mail address. Please check it, for example name@example.no."),
        },
    )
    role = forms.ChoiceField(label=_("They join as"), error_messages={"invalid_choice": _("Please choose a role.")})
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=None,
        required=False,
        empty_label=_("Choose a community"),
        help_text=_("Service users belong to one community: they meet at its cafés."),
    )

    def __init__(self, *args, inviter, **kwargs):
        from reconnect.models import Community, Role
        from reconnect.services import roles_invitable_by

        super().__init__(*args, **kwargs)
        self.inviter = inviter
        # Every role is a valid value, so a forged role gets our kind message from the rules, not Django's.
        self.fields["role"].choices = Role.choices
        allowed = roles_invitable_by(inviter)
        self.fields["role"].widget.choices = [(value, label) for value, label in Role.choices if value in allowed]
        self.fields["role"].initial = Role.SERVICE_USER
        self.fields["community"].queryset = Community.objects.order_by("name")

    def clean(self):
        from django.core.exceptions import ValidationError

        from reconnect.services import check_can_invite

        cleaned = super().clean()
        role = cleaned.get("role")
        if role and "role" not in self.errors:
            try:
                check_can_invite(invited_by=self.inviter, role=role, community=cleaned.get("community"))
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


_LETTER_RUN = r"[^\W\d_]{3,}"  # three or more letters in a row, in any alphabet


def pseudonym_problem(pseudonym, *, email="", real_name=""):
    """The friendly reason `pseudonym` cannot be used, or None. The database constraints keep the truth."""
    import re

    from reconnect.models import User
    from reconnect.services import PSEUDONYM_TAKEN_MESSAGE, pseudonym_is_taken

    if len(pseudonym) < User.PSEUDONYM_MIN:
        return _("Your pseudonym needs at least 3 characters.")
    if len(pseudonym) > User.PSEUDONYM_MAX:
        return _("Your pseudonym can have at most 30 characters.")
    if not re.fullmatch(r"[\w\- ]+", pseudonym):
        return _("Please use only letters, digits, spaces, hyphens (-) and underscores (_).")
    lowered = pseudonym.casefold()
    local_part = email.partition("@")[0].casefold()
    email_parts = set(re.findall(_LETTER_RUN, local_part))
    if len(local_part) >= 3:
        email_parts.add(local_part)
    if any(part in lowered for part in email_parts):
        return _("Your pseudonym must not contain part of your e-mail address: others could find out who you are.")
    if any(part in lowered for part in re.findall(_LETTER_RUN, real_name.casefold())):
        return _("Your pseudonym must not contain part of your real name: others could find out who you are.")
    if pseudonym_is_taken(pseudonym):
        return PSEUDONYM_TAKEN_MESSAGE
    return None


class AcceptInvitationForm(forms.Form):
    """Pseudonym, real name, password and language for the account an invitation offers."""

    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=200,  # the friendly length message comes from pseudonym_problem
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_("3 to 30 letters, digits, spaces, hyphens or underscores."),
        error_messages={"required": _("Please choose a pseudonym.")},
    )
    real_name = forms.CharField(
        label=_("Your real name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few ordinary words in a row are easy to remember and hard to guess."),
        error_messages={"required": _("Please choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Please type the password a second time.")},
    )
    preferred_language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, invitation, **kwargs):
        from django.conf import settings
        from django.utils import translation

        from reconnect.models import Role

        super().__init__(*args, **kwargs)
        self.invitation = invitation
        # Providers and staff are known by name to the people they work with, and a provider who invited
        # someone must recognise them. A service user invited by the consultant or an admin has no care team
        # yet, so they may stay fully anonymous until they want a provider.
        self.real_name_required = invitation.role != Role.SERVICE_USER or invitation.care_provider_id is not None
        field = self.fields["real_name"]
        field.required = self.real_name_required
        field.error_messages["required"] = _("Please write your real name.")
        if invitation.role == Role.SERVICE_USER:
            field.help_text = (
                _("Only the providers in your own care team see it. Other members and the consultant never do.")
                if self.real_name_required
                else _("Optional. Only providers in your own care team would see it; other members and the "
                       "consultant never do.")
            )
        else:
            field.help_text = _("The people you work with in ReConnect see it. Members see your pseudonym.")
        self.fields["preferred_language"].choices = settings.LANGUAGES
        self.fields["preferred_language"].initial = translation.get_language() or settings.LANGUAGE_CODE

    def clean_real_name(self):
        return " ".join(self.cleaned_data["real_name"].split())

    def clean_pseudonym(self):
        return " ".join(self.cleaned_data["pseudonym"].split())

    def clean(self):
        from django.contrib.auth import password_validation

        from reconnect.models import User

        cleaned = super().clean()
        pseudonym = cleaned.get("pseudonym")
        if pseudonym is not None and "pseudonym" not in self.errors:
            problem = pseudonym_problem(
                pseudonym, email=self.invitation.email, real_name=cleaned.get("real_name") or ""
            )
            if problem:
                self.add_error("pseudonym", problem)
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same. Please type them again."))
        elif password1:
            probe = User(email=self.invitation.email, pseudonym=pseudonym or "", real_name=cleaned.get("real_name") or "")
            try:
                password_validation.validate_password(password1, user=probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
