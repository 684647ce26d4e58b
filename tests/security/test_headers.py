"""Security headers, cookie flags and a page markup the Content-Security-Policy can hold (SECURITY.md, headers).

Every HTML page of the matrix, for every role, is checked for inline script, style and event handlers by the
matrix's own GET requests (test_authz_matrix.py), which open each page as each role anyway; the detector they
use is tested here.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.security.harness import inline_markup_problems

SIGNED_IN_PAGES = ["home", "account_settings", "notifications", "notification_preferences", "access_log",
                   "consent", "mfa_manage", "care_team"]


def _directives(response):
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_security_headers(response, where):
    csp = _directives(response)
    assert csp, f"{where}: no Content-Security-Policy header"
    assert any(re.fullmatch(r"'nonce-[A-Za-z0-9+/_=-]{16,}'", v) for v in csp.get("script-src", [])), (
        f"{where}: script-src has no nonce: {csp.get('script-src')}"
    )
    assert "'unsafe-inline'" not in csp.get("script-src", []) and "'unsafe-inline'" not in csp.get("style-src", [])
    assert csp.get("object-src") == ["'none'"], f"{where}: object-src is {csp.get('object-src')}"
    assert csp.get("base-uri") == ["'none'"], f"{where}: base-uri is {csp.get('base-uri')}"
    assert csp.get("frame-ancestors") == ["'none'"], f"{where}: frame-ancestors is {csp.get('frame-ancestors')}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), f"{where}: no Referrer-Policy"
    assert response.headers.get("X-Frame-Options") == "DENY", where


def _assert_cookie_flags(response, name, where):
    cookie = response.cookies.get(name)
    assert cookie is not None, f"{where}: the {name} cookie was not set"
    assert cookie["httponly"], f"{where}: the {name} cookie is not HttpOnly"
    assert cookie["samesite"] in ("Lax", "Strict"), f"{where}: the {name} cookie has SameSite={cookie['samesite']!r}"


def test_the_inline_markup_check_finds_what_the_policy_would_block():
    html = '<p style="color:red" onclick="x()"><script>alert(1)</script><script src="/s.js"></script>'
    found = inline_markup_problems(html)
    assert len(found) == 3, found


def test_sign_in_page_sends_security_headers_and_a_protected_csrf_cookie(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    _assert_security_headers(response, "login page")
    _assert_cookie_flags(response, "csrftoken", "login page")
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert not inline_markup_problems(response.content.decode())


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_send_security_headers_no_store_and_protected_cookies(name, alice):
    client = signed_in_client(alice)
    response = client.get(reverse(name))
    assert response.status_code == 200, f"{name} answered {response.status_code}"
    _assert_security_headers(response, name)
    assert "no-store" in response.headers.get("Cache-Control", ""), f"{name} may be cached"
    # The session is saved on every request (idle timeout), so its cookie comes with every page.
    _assert_cookie_flags(response, "sessionid", name)
    # Each response gets its own nonce: a nonce that repeats is no protection.
    again = client.get(reverse(name))
    assert _directives(again)["script-src"] != _directives(response)["script-src"]


def test_plain_http_gets_no_hsts_header(alice_client):
    # Browsers ignore HSTS over plain HTTP; sending it there would only hide a misconfiguration.
    assert "Strict-Transport-Security" not in alice_client.get(reverse("home")).headers


def test_https_with_production_settings_sends_hsts_and_secure_cookies(alice, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True

    anonymous = Client().get(reverse("account_login"), secure=True)
    assert anonymous.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert anonymous.cookies["csrftoken"]["secure"]

    client = signed_in_client(alice)
    response = client.get(reverse("home"), secure=True)
    assert response.status_code == 200
    assert "includeSubDomains" in response.headers["Strict-Transport-Security"]
    assert response.cookies["sessionid"]["secure"]
    _assert_cookie_flags(response, "sessionid", "home over https")

    # And plain HTTP is sent to HTTPS.
    insecure = Client().get(reverse("account_login"))
    assert insecure.status_code == 301 and insecure["Location"].startswith("https://")
