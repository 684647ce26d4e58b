import hashlib
import time

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.cache import cache
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


_REFRESHED = "_refreshed"  # when the session row was last written (seconds since the epoch)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, with the idle timeout slid forward at most once a minute.

    The session row is written when its data changes, and otherwise only when the last write is
    SESSION_REFRESH_SECONDS old, instead of on every request (three queries each time). A session then ends between
    SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the person's last request.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        # A session that was never read, or is empty (signed out, or a stale cookie), is left alone: touching it
        # would start a new one.
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if session.modified or now - session.get(_REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[_REFRESHED] = now
        return super().process_response(request, response)


class UserSessionsMiddleware:
    """allauth's record of where a person is signed in (last seen, IP address, browser), kept up to date without a
    write on every request: at most once every USERSESSIONS_SEEN_EVERY seconds per session, and at once when the IP
    address or browser changes (allauth then tells the person).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.session_key and _seen_due(request):
            UserSession.objects.create_from_request(request)
        return self.get_response(request)


def _seen_due(request) -> bool:
    client = "\n".join([request.session.session_key, get_adapter().get_client_ip(request),
                        request.META.get("HTTP_USER_AGENT", "")])
    key = "usersession-seen:" + hashlib.sha256(client.encode()).hexdigest()[:40]
    # add() is False when the key is there (seen lately); None when Redis could not answer: then write, as before.
    return cache.add(key, 1, timeout=settings.USERSESSIONS_SEEN_EVERY) is not False
