from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made only by accepting an invitation (reconnect.services.accept_invitation)."""

    def is_open_for_signup(self, request):
        return False
