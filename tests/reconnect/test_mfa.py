"""The second factor: enrolment, the gate in front of every page, replay, recovery codes, re-verification."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect.models import AuditAction, AuditEvent
from reconnect.views.mfa import VERIFIED_AT_SESSION_KEY
from tests.conftest import confirmed_totp_device, signed_in_client
from tests.factories import ProviderFactory

INLINE_STYLE_OR_SCRIPT = re.compile(r"\sstyle=|<script(?![^>]*\bsrc=)|\son[a-z]+=", re.IGNORECASE)


def code_for(device, steps_ahead=0):
    """The code the person's app would show now (or `steps_ahead` periods from now)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def assert_no_inline_code(html):
    assert not INLINE_STYLE_OR_SCRIPT.search(html), INLINE_STYLE_OR_SCRIPT.search(html).group(0)


def verify_path(next_url):
    from urllib.parse import urlencode

    return f"{reverse('mfa_verify')}?{urlencode({'next': next_url})}"


# --- The gate ---------------------------------------------------------------------------------------------

def test_unverified_person_without_a_device_is_sent_to_enrolment_from_home(alice):
    client = signed_in_client(alice, verified=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))


@pytest.mark.parametrize("url_name", ["home", "account_settings", "account_email", "account_change_password",
                                      "usersessions_list", "mfa_manage", "mfa_recovery_codes", "consent"])
def test_unverified_person_with_a_device_reaches_only_verification(alice, url_name):
    confirmed_totp_device(alice)
    client = signed_in_client(alice, verified=False)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == verify_path(reverse(url_name))


def test_unverified_post_is_refused_and_changes_nothing(alice):
    confirmed_totp_device(alice)
    EmailAddress.objects.get_or_create(user=alice, email=alice.email, defaults={"verified": True, "primary": True})
    client = signed_in_client(alice, verified=False)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.test"})
    assert response["Location"] == reverse("mfa_verify")
    assert not EmailAddress.objects.filter(email="new@example.test").exists()


def test_unverified_admin_is_sent_to_verification_from_the_admin(admin_user):
    confirmed_totp_device(admin_user)
    client = signed_in_client(admin_user, verified=False)
    response = client.get("/admin/")
    assert response["Location"] == verify_path("/admin/")
    response = client.get("/admin/reconnect/user/")
    assert response["Location"].startswith(reverse("mfa_verify"))


def test_admin_site_itself_refuses_unverified_staff_even_where_mfa_is_not_required(db, settings):
    # Second layer: django-otp's admin site checks verification on its own, whatever the middleware setting.
    settings.MFA_REQUIRED_ROLES = []
    staff = ProviderFactory(is_staff=True)
    client = signed_in_client(staff, verified=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login_page = client.get(response["Location"])
    assert "otp_token" in login_page.content.decode()


def test_verified_admin_can_use_the_admin(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200


def test_password_reset_then_login_still_asks_for_the_second_factor(alice):
    confirmed_totp_device(alice)
    EmailAddress.objects.get_or_create(user=alice, email=alice.email, defaults={"verified": True, "primary": True})
    client = Client()
    client.post(reverse("account_reset_password"), {"email": alice.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new_password = "a brand new calm password 42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    # Not signed in by the reset itself.
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    client.post(reverse("account_login"), {"login": alice.email, "password": new_password})
    response = client.get(reverse("home"))
    assert response["Location"] == verify_path(reverse("home"))
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_verify"))


# --- Enrolment --------------------------------------------------------------------------------------------

def test_enrolment_end_to_end_turns_on_the_second_factor_and_shows_recovery_codes_once(alice):
    client = signed_in_client(alice, verified=False)
    page = client.get(reverse("mfa_setup"))
    html = page.content.decode()
    assert "<svg" in html and 'class="qr-code"' in html
    assert_no_inline_code(html)
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    from base64 import b32encode

    manual_key = b32encode(device.bin_key).decode()
    assert manual_key[:4] in html and manual_key[-4:] in html
    # Reloading keeps the same key, so a half-finished scan still works.
    client.get(reverse("mfa_setup"))
    assert TOTPDevice.objects.filter(user=alice).count() == 1

    response = client.post(reverse("mfa_setup"), {"code": code_for(device), "next": reverse("home")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This is the only time we show them" in html
    shown = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", html)
    assert len(shown) == 10
    stored = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert {code.replace("-", "") for code in shown} == stored
    device.refresh_from_db()
    assert device.confirmed
    actions = set(AuditEvent.objects.filter(subject_user=alice).values_list("action", flat=True))
    assert {AuditAction.MFA_ENROLLED, AuditAction.RECOVERY_CODES_CREATED} <= actions

    # The session is now verified: home is reachable (or consent, which comes after the second factor).
    assert client.get(reverse("mfa_manage")).status_code in (200, 302)
    assert not client.get(reverse("home")).get("Location", "").startswith(reverse("mfa_verify"))
    # The codes are never shown again.
    for url in (reverse("mfa_manage"), reverse("mfa_recovery_codes"), reverse("mfa_setup")):
        later = client.get(url, follow=True).content.decode()
        assert shown[0] not in later


def test_enrolment_with_a_wrong_code_explains_and_confirms_nothing(alice):
    client = signed_in_client(alice, verified=False)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=alice)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("mfa_setup"), {"code": wrong})
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'tabindex="-1"' in html
    assert "did not match" in html
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=alice).exists()


def test_enrolment_refuses_letters_with_a_clear_message(alice):
    client = signed_in_client(alice, verified=False)
    response = client.post(reverse("mfa_setup"), {"code": "abcdef"})
    assert "six digits" in response.content.decode()


def test_a_person_with_a_device_cannot_enrol_another_without_verifying(alice):
    # Someone who knows only the password must not be able to add their own authenticator.
    confirmed_totp_device(alice)
    client = signed_in_client(alice, verified=False)
    response = client.get(reverse("mfa_setup"))
    assert response["Location"].startswith(reverse("mfa_verify"))
    assert TOTPDevice.objects.filter(user=alice).count() == 1


# --- Verification and replay ------------------------------------------------------------------------------

def test_verification_with_a_current_code_lets_the_person_in_and_goes_to_next(alice):
    device = confirmed_totp_device(alice)
    client = signed_in_client(alice, verified=False)
    response = client.post(reverse("mfa_verify"), {"code": code_for(device), "next": reverse("account_settings")})
    assert response["Location"] == reverse("account_settings")
    assert client.get(reverse("account_settings")).status_code == 200


def test_verification_ignores_a_next_that_leaves_the_site(alice):
    device = confirmed_totp_device(alice)
    client = signed_in_client(alice, verified=False)
    response = client.post(reverse("mfa_verify"), {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_used_code_is_refused_when_replayed_in_a_new_session(alice):
    device = confirmed_totp_device(alice)
    code = code_for(device)
    first = signed_in_client(alice, verified=False)
    assert first.post(reverse("mfa_verify"), {"code": code})["Location"] == reverse("home")

    second = signed_in_client(alice, verified=False)
    response = second.post(reverse("mfa_verify"), {"code": code})
    assert response.status_code == 200
    assert "Each code can only be used once" in response.content.decode()
    assert second.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))


def test_wrong_codes_are_throttled(alice):
    device = confirmed_totp_device(alice)
    client = signed_in_client(alice, verified=False)
    wrong = f"{(int(code_for(device)) + 500000) % 1000000:06d}"
    client.post(reverse("mfa_verify"), {"code": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Straight after a failure even the right code waits: brute force gets slower with every miss.
    response = client.post(reverse("mfa_verify"), {"code": code_for(device)})
    assert "wait" in response.content.decode()
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))


# --- Recovery codes ---------------------------------------------------------------------------------------

def make_codes(user):
    from reconnect.services import create_recovery_codes

    return create_recovery_codes(user=user)


def test_a_recovery_code_works_once(alice):
    confirmed_totp_device(alice)
    codes = make_codes(alice)
    client = signed_in_client(alice, verified=False)
    typed = f"{codes[0][:5].upper()}-{codes[0][5:]}"  # as someone might copy it from paper
    response = client.post(reverse("mfa_recovery"), {"code": typed, "next": reverse("account_settings")})
    assert response["Location"] == reverse("account_settings")
    assert "you have 9 left" in client.get(reverse("account_settings")).content.decode()

    other = signed_in_client(alice, verified=False)
    response = other.post(reverse("mfa_recovery"), {"code": codes[0]})
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    assert other.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))


# --- Manage and re-verification ---------------------------------------------------------------------------

def test_manage_page_says_the_second_factor_is_on_and_counts_codes(alice, alice_client):
    make_codes(alice)
    html = alice_client.get(reverse("mfa_manage")).content.decode()
    assert "Your second factor is on" in html
    assert "You have 10 recovery codes left" in html
    assert_no_inline_code(html)


def test_new_recovery_codes_need_a_fresh_code(alice, alice_client):
    old = make_codes(alice)
    response = alice_client.post(reverse("mfa_recovery_codes"))
    assert response["Location"] == verify_path(reverse("mfa_recovery_codes"))
    assert set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)) == set(old)

    device = TOTPDevice.objects.get(user=alice)
    verify_page = alice_client.get(response["Location"]).content.decode()
    assert "Confirm it is you" in verify_page
    response = alice_client.post(reverse("mfa_verify"), {"code": code_for(device), "next": reverse("mfa_recovery_codes")})
    assert response["Location"] == reverse("mfa_recovery_codes")
    html = alice_client.post(reverse("mfa_recovery_codes")).content.decode()
    assert "This is the only time we show them" in html
    new = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)


def test_re_verification_expires(alice, alice_client, settings):
    device = TOTPDevice.objects.get(user=alice)
    alice_client.post(reverse("mfa_verify"), {"code": code_for(device)})
    session = alice_client.session
    session[VERIFIED_AT_SESSION_KEY] = time.time() - settings.MFA_REVERIFY_SECONDS - 1
    session.save()
    response = alice_client.post(reverse("mfa_recovery_codes"))
    assert response["Location"].startswith(reverse("mfa_verify"))


def test_changing_email_needs_a_fresh_code(alice, alice_client):
    EmailAddress.objects.get_or_create(user=alice, email=alice.email, defaults={"verified": True, "primary": True})
    response = alice_client.post(reverse("account_email"), {"action_add": "", "email": "alice.new@example.test"})
    assert response["Location"] == verify_path(reverse("account_email"))
    assert not EmailAddress.objects.filter(email="alice.new@example.test").exists()

    device = TOTPDevice.objects.get(user=alice)
    alice_client.post(reverse("mfa_verify"), {"code": code_for(device), "next": reverse("account_email")})
    response = alice_client.post(reverse("account_email"), {"action_add": "", "email": "alice.new@example.test"})
    assert response.status_code == 302
    assert response["Location"] != verify_path(reverse("account_email"))
    assert EmailAddress.objects.filter(email="alice.new@example.test", user=alice).exists()


def test_new_authenticator_needs_a_fresh_code_and_replaces_the_old_one(alice, alice_client):
    old = TOTPDevice.objects.get(user=alice)
    response = alice_client.get(reverse("mfa_setup"))
    assert response["Location"] == verify_path(reverse("mfa_setup"))
    alice_client.post(reverse("mfa_verify"), {"code": code_for(old), "next": reverse("mfa_setup")})
    page = alice_client.get(reverse("mfa_setup")).content.decode()
    assert "Set up a new authenticator app" in page
    new = TOTPDevice.objects.get(user=alice, confirmed=False)
    response = alice_client.post(reverse("mfa_setup"), {"code": code_for(new)})
    assert "This is the only time we show them" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=alice).values_list("pk", flat=True)) == [new.pk]
    assert AuditEvent.objects.filter(subject_user=alice, action=AuditAction.MFA_RESET).exists()
    # The session moved over to the new device and is still verified.
    assert alice_client.get(reverse("mfa_manage")).status_code == 200
