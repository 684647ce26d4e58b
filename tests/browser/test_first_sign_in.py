"""A person's first sign-in in a real browser: password, second factor, terms, language, home."""

import importlib
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps as django_apps
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect.models import ConsentVersion
from tests.conftest import PASSWORD
from tests.factories import CommunityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_member(live_server):
    """Like a demo service user: Norwegian by default, e-mail verified, an authenticator app set up.

    The first terms come from a data migration; an earlier test with a transactional database empties every
    table when it ends, so they are published again here, as the migration does, if they are gone.
    """
    if not ConsentVersion.objects.exists():
        first_terms = importlib.import_module("reconnect.migrations.0003_first_terms")
        first_terms.publish_first_terms(django_apps, None)
    community = CommunityFactory(name="Nordby", municipality="Nordby kommune", slug="nordby")
    user = UserFactory(
        email="tuva@example.test", pseudonym="Morningtide", real_name="Tuva Strand", community=community,
        preferred_language="nb",
    )
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    return user, device


def current_code(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(device.digits)


def _path(page):
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def _assert_labelled(page, field_id):
    label = page.locator(f"label[for='{field_id}']")
    assert label.count() == 1 and label.inner_text().strip(), f"#{field_id} has no visible label"


def _serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_member_signs_in_with_second_factor_accepts_terms_switches_language_and_sees_home(
    page, live_server, demo_member, screenshot
):
    user, device = demo_member
    page.goto(f"{live_server.url}/")
    assert _path(page) == "/accounts/login/", "an anonymous visitor is sent to sign in"
    screenshot("01-login-1280")

    page.locator("input[name='login']").fill(user.email)
    page.locator("input[name='password']").fill(PASSWORD)
    _assert_labelled(page, "id_login")
    _assert_labelled(page, "id_password")
    page.locator("form:has(input[name='password']) [type='submit']").click()

    page.wait_for_url(re.compile(r"/mfa/verify/"))
    _assert_labelled(page, "id_code")
    screenshot("02-mfa-verify-1280")
    page.locator("#id_code").fill(current_code(device))
    page.locator("form:has(#id_code) [type='submit']").click()

    page.wait_for_url(re.compile(r"/consent/"))
    _assert_labelled(page, "id_accept")
    screenshot("03-consent-1280")
    page.locator("#id_accept").check()
    page.locator("form:has(#id_accept) [type='submit']").click()

    page.wait_for_url(lambda url: _path_of(url) == "/")
    assert page.locator("html").get_attribute("lang") == "nb"

    page.locator(".language-switcher button[value='en']").click()
    page.wait_for_load_state("load")
    assert _path(page) == "/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().strip() == "Welcome, Morningtide"
    assert "Tuva Strand" not in page.content()
    user.refresh_from_db()
    assert user.preferred_language == "en", "the choice is remembered on the account"

    screenshot("04-home-1280")
    violations = _serious_violations(page)
    assert not violations, "axe-core found serious or critical problems on the home page:\n" + "\n".join(violations)

    screenshot("05-home-360", width=360)
    # At 360 px nothing may stick out sideways (a horizontal scrollbar hides the page's edge).
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the home page is {overflow}px wider than a 360px screen"

    static = {}
    for url, status in page.problems.loaded:
        if "/static/" in url:
            static.setdefault(url.rsplit("/", 1)[-1], set()).add(status)
    # 304 is the browser revalidating its cached copy on a later page.
    for name in ("htmx.min.js", "reconnect.css", "reconnect.js"):
        assert static.get(name) and static[name] <= {200, 304}, f"{name}: {static.get(name)}"
    assert not page.problems.failed_responses, page.problems.failed_responses
    assert not page.problems.console_errors, page.problems.console_errors


def _path_of(url):
    return re.sub(r"^https?://[^/]+", "", url).split("?")[0]


def test_sign_in_pages_fit_a_small_screen(page, live_server, screenshot):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot("06-login-360")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the sign-in page is {overflow}px wider than a 360px screen"
    violations = _serious_violations(page)
    assert not violations, "axe-core found serious or critical problems on the sign-in page:\n" + "\n".join(violations)
    assert not page.problems.console_errors, page.problems.console_errors
