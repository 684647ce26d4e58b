"""Signing in and the account pages: no account enumeration, rate limits that hold and expire, calm pages."""

import re
import time
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core import mail
from django.test import Client as DjangoClient
from django.urls import reverse
from django_redis import get_redis_connection

from tests.conftest import PASSWORD, clear_cache, signed_in_client

INLINE_CODE = re.compile(r"\sstyle=|<script(?![^>]*\bsrc=)|\son[a-z]+=", re.IGNORECASE)
WRONG = "not the right password at all"


class Client(DjangoClient):
    """A visitor whose browser asks for English. The portal's default language is Norwegian, and these tests
    read the English wording; test_translations.py checks the Norwegian."""

    def __init__(self, **defaults):
        defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        super().__init__(**defaults)


@pytest.fixture
def client():
    return Client()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def alice_with_email(alice):
    EmailAddress.objects.get_or_create(user=alice, email=alice.email, defaults={"verified": True, "primary": True})
    return alice


def attempt(client, email, password, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, headers=headers)


def page_text(response):
    """The visible page without the per-request parts (CSRF token, CSP nonce)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def assert_calm_page(html):
    assert not INLINE_CODE.search(html), INLINE_CODE.search(html).group(0)
    assert "113" in html  # the crisis strip of our own layout, not allauth's bare one
    assert 'class="site-header"' in html


# --- Login ------------------------------------------------------------------------------------------------

def test_login_page_uses_our_layout_with_labels_and_a_privacy_line(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert_calm_page(html)
    assert '<label for="id_login">' in html and '<label for="id_password">' in html
    assert "Other members only ever see your pseudonym" in html


def test_correct_password_signs_in_and_then_asks_for_the_second_factor(alice_with_email):
    from tests.conftest import confirmed_totp_device

    confirmed_totp_device(alice_with_email)
    client = Client()
    response = attempt(client, alice_with_email.email, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))


def test_wrong_password_and_unknown_account_get_the_same_answer(alice_with_email):
    known = attempt(Client(), alice_with_email.email, WRONG)
    clear_cache()
    unknown = attempt(Client(), "nobody@example.test", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert "The e-mail address or password is not right" in known.content.decode()
    assert 'class="error-summary"' in known.content.decode()
    assert page_text(known).replace(alice_with_email.email, "X") == page_text(unknown).replace("nobody@example.test", "X")


def test_repeated_failures_for_one_account_hit_the_limit_even_with_the_right_password(alice_with_email):
    client = Client()
    for _ in range(5):
        assert "not right" in attempt(client, alice_with_email.email, WRONG).content.decode()
    response = attempt(client, alice_with_email.email, PASSWORD)
    html = response.content.decode()
    assert "too many tries to sign in" in html
    assert not client.session.get("_auth_user_id")


def test_the_account_lock_holds_from_another_address_and_for_an_unknown_account(alice_with_email):
    for _ in range(5):
        attempt(Client(REMOTE_ADDR="10.0.0.1"), alice_with_email.email, WRONG)
    response = attempt(Client(REMOTE_ADDR="10.0.0.2"), alice_with_email.email, PASSWORD)
    assert "too many tries" in response.content.decode()
    # The per-account limit applies to addresses without an account too, so the answer reveals nothing.
    for _ in range(5):
        attempt(Client(REMOTE_ADDR="10.0.0.3"), "nobody@example.test", WRONG)
    assert "too many tries" in attempt(Client(REMOTE_ADDR="10.0.0.3"), "nobody@example.test", WRONG).content.decode()


def test_a_different_forwarded_for_header_each_time_does_not_get_around_the_address_limit(alice_with_email):
    client = Client(REMOTE_ADDR="192.0.2.10")
    # Different accounts each time, so only the per-address limit (10 a minute) can stop this.
    for n in range(10):
        response = attempt(client, f"guess{n}@example.test", WRONG, X_Forwarded_For=f"203.0.113.{n}")
        assert "not right" in response.content.decode()
    response = attempt(client, alice_with_email.email, PASSWORD, X_Forwarded_For="198.51.100.99")
    assert "too many tries" in response.content.decode()
    assert not client.session.get("_auth_user_id")
    # Someone else, at another address, is not affected.
    other = attempt(Client(REMOTE_ADDR="192.0.2.77"), alice_with_email.email, PASSWORD)
    assert other.status_code == 302


def test_the_lock_expires_so_nobody_is_shut_out_for_good(alice_with_email, monkeypatch):
    client = Client()
    for _ in range(5):
        attempt(client, alice_with_email.email, WRONG)
    assert "too many tries" in attempt(client, alice_with_email.email, PASSWORD).content.decode()
    # The limit is a five-minute window; the entries in Redis carry an expiry as well.
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(
        allauth_ratelimit, "time", SimpleNamespace(time=lambda: later, monotonic=time.monotonic, sleep=time.sleep)
    )
    response = attempt(client, alice_with_email.email, PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(alice_with_email.pk)


def test_rate_limit_entries_in_redis_expire(alice_with_email):
    attempt(Client(), alice_with_email.email, WRONG)
    redis = get_redis_connection("default")
    keys = [key for key in redis.keys("*") if b"login_failed" in key]
    assert keys
    assert all(0 < redis.ttl(key) <= 5 * 60 for key in keys)


# --- Password reset ---------------------------------------------------------------------------------------

def test_password_reset_gives_the_same_page_for_known_and_unknown_addresses(alice_with_email):
    known = Client().post(reverse("account_reset_password"), {"email": alice_with_email.email}, follow=True)
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.test"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert page_text(known) == page_text(unknown)
    assert "If this e-mail address belongs to a ReConnect account" in known.content.decode()
    # Only the real account gets a reset link.
    links = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in links] == [[alice_with_email.email]]


def test_every_step_of_password_reset_uses_our_layout(alice_with_email, client):
    for url in (reverse("account_reset_password"), reverse("account_reset_password_done")):
        assert_calm_page(client.get(url).content.decode())
    client.post(reverse("account_reset_password"), {"email": alice_with_email.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(client.get(link)["Location"])
    html = form_page.content.decode()
    assert_calm_page(html)
    assert "Choose a new password" in html and '<label for="id_password1">' in html
    response = client.post(form_page.request["PATH_INFO"], {"password1": "short", "password2": "other"})
    assert 'class="error-summary"' in response.content.decode()
    response = client.post(
        form_page.request["PATH_INFO"], {"password1": "a calm new password 77", "password2": "a calm new password 77"},
        follow=True,
    )
    assert_calm_page(response.content.decode())
    assert "Your password is changed" in response.content.decode()
    broken = client.get("/accounts/password/reset/key/1-nonsense/", follow=True).content.decode()
    assert "This link no longer works" in broken
    assert_calm_page(broken)


def test_sign_up_is_closed_with_a_kind_explanation(client, db):
    html = client.get(reverse("account_signup")).content.decode()
    assert "Joining is by invitation" in html
    assert_calm_page(html)


# --- Account pages for a signed-in person -----------------------------------------------------------------

@pytest.mark.parametrize(
    "url_name, words",
    [
        ("account_change_password", "Change password"),
        ("account_email", "Change your e-mail address"),
        ("usersessions_list", "Where you are signed in"),
        ("account_logout", "Do you want to sign out"),
    ],
)
def test_account_pages_use_our_layout(alice_with_email, alice_client, url_name, words):
    html = alice_client.get(reverse(url_name)).content.decode()
    assert words in html
    assert_calm_page(html)
    assert alice_with_email.real_name not in html


def test_sessions_page_lets_you_end_this_session_and_sign_out_everywhere_else(alice_with_email):
    other_device = signed_in_client(alice_with_email)
    other_device.get(reverse("home"))
    this_device = signed_in_client(alice_with_email)
    this_device.get(reverse("home"))
    html = this_device.get(reverse("usersessions_list")).content.decode()
    assert "End this session" in html and "Sign out everywhere else" in html
    this_device.post(reverse("usersessions_list"))
    assert other_device.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert this_device.get(reverse("home")).status_code == 200


def test_changing_the_password_with_errors_shows_a_summary(alice_with_email, alice_client):
    response = alice_client.post(
        reverse("account_change_password"), {"oldpassword": WRONG, "password1": "x", "password2": "y"}
    )
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'tabindex="-1"' in html
    assert_calm_page(html)
