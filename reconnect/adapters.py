from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made only by accepting an invitation (reconnect.services.accept_invitation)."""

    # Calmer wording; the same words whether or not the account exists (no enumeration).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The e-mail address or password is not right. Please check them and try again."
        ),
        "too_many_login_attempts": _(
            "There have been too many tries to sign in. To keep the account safe, please wait a few minutes "
            "and try again. If you have forgotten your password, you can reset it."
        ),
    }

    def is_open_for_signup(self, request):
        return False
