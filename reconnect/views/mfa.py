"""The second factor: enrolment, verification, recovery codes and re-verification (django-otp)."""

import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect import services
from reconnect.forms import RecoveryCodeForm, TOTPCodeForm

# When the person last proved they hold the second factor, in this session (seconds since the epoch).
VERIFIED_AT_SESSION_KEY = "reconnect_mfa_verified_at"


def recently_verified(request) -> bool:
    """True when this session passed the second factor within MFA_REVERIFY_SECONDS."""
    verified_at = request.session.get(VERIFIED_AT_SESSION_KEY)
    return bool(
        request.user.is_authenticated
        and request.user.is_verified()
        and verified_at
        and 0 <= time.time() - verified_at < settings.MFA_REVERIFY_SECONDS
    )


def _mark_verified(request, device) -> None:
    django_otp.login(request, device)
    request.session[VERIFIED_AT_SESSION_KEY] = time.time()


def _next_url(request, default="home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(url_name, next_url) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def _throttle_message(device):
    allowed, _info = device.verify_is_allowed()
    if allowed:
        return None
    return _(
        "Several codes in a row did not work, so we are asking you to wait a little before the next try. "
        "Please wait a minute and try again."
    )


def _qr_svg(device) -> str:
    # segno writes presentation attributes only (no style=""), which the Content-Security-Policy allows.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, svgclass="qr-code", lineclass="qr-line", title=_("QR code for your authenticator app")
    )


def _manual_key(device) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrol an authenticator app; for someone who already has one, replace it after a fresh code."""
    user = request.user
    existing = _confirmed_totp(user)
    if existing is not None:
        # Only the holder of the current second factor may set up a new one.
        if not user.is_verified():
            return redirect(_with_next("mfa_verify", _next_url(request)))
        if not recently_verified(request):
            return redirect(_with_next("mfa_verify", reverse("mfa_setup")))
    device = services.start_totp_enrolment(user=user)
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        waiting = _throttle_message(device)
        if waiting:
            form.add_error("code", waiting)
        elif django_otp.verify_token(user, device.persistent_id, form.cleaned_data["code"]):
            device.refresh_from_db()
            services.confirm_totp_device(user=user, device=device)
            _mark_verified(request, device)
            codes = services.create_recovery_codes(user=user)
            return render(
                request,
                "reconnect/mfa/codes_shown.html",
                {"codes": _display_codes(codes), "next_url": _next_url(request), "first_time": existing is None},
            )
        else:
            form.add_error(
                "code",
                _(
                    "That code did not match. Codes change every 30 seconds: please type the newest one. "
                    "If it still does not work, check that the clock on your phone is right."
                ),
            )
    return render(
        request,
        "reconnect/mfa/setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "manual_key": _manual_key(device),
            "replacing": existing is not None,
            "next_url": _next_url(request),
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    """Enter a code from the authenticator app: to finish signing in, or to confirm it is you again."""
    user = request.user
    device = _confirmed_totp(user)
    if device is None:
        return redirect(_with_next("mfa_setup", _next_url(request)))
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        waiting = _throttle_message(device)
        if waiting:
            form.add_error("code", waiting)
        else:
            verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["code"])
            if verified is not None:
                _mark_verified(request, verified)
                return redirect(_next_url(request))
            # A code already used (even in another session) is refused too: the device remembers the last one.
            form.add_error(
                "code",
                _(
                    "That code did not work. Please wait for a new code to appear in your app and type that one. "
                    "Each code can only be used once."
                ),
            )
    return render(
        request,
        "reconnect/mfa/verify.html",
        {"form": form, "next_url": _next_url(request), "reverifying": user.is_verified()},
    )


@require_http_methods(["GET", "POST"])
def recovery(request):
    """Sign in with one of the printed recovery codes when the phone is not at hand."""
    user = request.user
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and _confirmed_totp(user) is None:
        return redirect(_with_next("mfa_setup", _next_url(request)))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        waiting = _throttle_message(device) if device is not None else None
        if waiting:
            form.add_error("code", waiting)
        elif device is not None and django_otp.verify_token(
            user, device.persistent_id, form.cleaned_data["code"]
        ):
            device.refresh_from_db()
            _mark_verified(request, device)
            left = device.token_set.count()
            messages.success(
                request,
                _("You are signed in with a recovery code. That code is now used up; you have %(left)s left.")
                % {"left": left},
            )
            if left <= 3:
                messages.info(
                    request, _("You are running low on recovery codes. You can make new ones under Second factor.")
                )
            return redirect(_next_url(request))
        else:
            form.add_error(
                "code",
                _("That recovery code did not work. Each code works only once; please try another from your list."),
            )
    return render(request, "reconnect/mfa/recovery.html", {"form": form, "next_url": _next_url(request)})


def manage(request):
    """What protects the account now, with the ways to renew it."""
    user = request.user
    return render(
        request,
        "reconnect/mfa/manage.html",
        {
            "device": _confirmed_totp(user),
            "codes_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
            "recently_verified": recently_verified(request),
            "reverify_minutes": max(1, settings.MFA_REVERIFY_SECONDS // 60),
        },
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Make a new set of recovery codes (the old ones stop working); asks for a fresh code first."""
    if not recently_verified(request):
        if request.method == "POST":
            messages.info(
                request, _("Please type a current code from your app first. Then you can make new recovery codes.")
            )
        return redirect(_with_next("mfa_verify", reverse("mfa_recovery_codes")))
    if request.method == "POST":
        codes = services.create_recovery_codes(user=request.user)
        return render(
            request,
            "reconnect/mfa/codes_shown.html",
            {"codes": _display_codes(codes), "next_url": reverse("mfa_manage"), "first_time": False},
        )
    return render(request, "reconnect/mfa/recovery_codes.html")


def _display_codes(codes):
    return [f"{code[:5]}-{code[5:]}" for code in codes]
