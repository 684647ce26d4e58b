from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django_otp import devices_for_user

from reconnect.services import consent_is_current
from reconnect.views.mfa import recently_verified

# Paths a signed-in person may reach before the second factor and consent are done.
_ALWAYS_OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/")


def _open_path(request, *extra_names):
    path = request.path_info
    if path.startswith(_ALWAYS_OPEN_PREFIXES):
        return True
    return any(path == reverse(name) for name in extra_names)


class UserLanguageMiddleware:
    """Use the signed-in person's preferred language, whatever the browser asks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


def _redirect_with_next(request, target):
    """Send the person to `target`, coming back to this page afterwards when it was a plain GET."""
    if request.method == "GET":
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
    return redirect(reverse(target))


def mfa_required_for(user) -> bool:
    return user.is_authenticated and (user.role in settings.MFA_REQUIRED_ROLES or user.is_superuser)


class MFARequiredMiddleware:
    """Send a signed-in but unverified person to verification (or enrolment) before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if mfa_required_for(user) and not user.is_verified():
            if not _open_path(request, "mfa_verify", "mfa_setup", "mfa_recovery"):
                has_device = any(True for _ in devices_for_user(user, confirmed=True))
                return _redirect_with_next(request, "mfa_verify" if has_device else "mfa_setup")
        elif request.method == "POST" and user.is_authenticated and request.path_info == reverse("account_email"):
            # Changing the e-mail address (the way into password reset) needs a fresh second-factor code.
            if not recently_verified(request):
                return redirect(f"{reverse('mfa_verify')}?{urlencode({'next': reverse('account_email')})}")
        return self.get_response(request)


class ConsentRequiredMiddleware:
    """Nothing but the terms page is reachable until the newest terms are accepted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and (user.is_verified() or not mfa_required_for(user)):
            if not _open_path(request, "consent", "mfa_verify", "mfa_setup", "mfa_recovery"):
                if not consent_is_current(user=user):
                    return _redirect_with_next(request, "consent")
        return self.get_response(request)


class NoStoreMiddleware:
    """Signed-in pages must not stay in a shared or back-button cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or request.path_info.startswith("/accounts/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        return response
