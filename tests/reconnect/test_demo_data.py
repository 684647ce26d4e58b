"""The demo data: people to show the portal with, every login printed, safe to load again."""

import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reconnect.management.commands.demo_data import (
    DEMO_PASSWORD,
    PEOPLE,
    printed_code,
    recovery_codes,
    totp_base32_key,
)
from reconnect.models import AuditEvent, CareLink, Community, ConsentAcceptance, Role, User

pytestmark = pytest.mark.django_db

TOTP_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "totp.py"


def load_demo_data():
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def current_code(base32_key):
    """The code scripts/totp.py prints, as the README tells people to get it."""
    spec = importlib.util.spec_from_file_location("totp_script", TOTP_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    code, _seconds = module.current_code(base32_key)
    return code


def row_counts():
    return {
        "communities": Community.objects.count(),
        "users": User.objects.count(),
        "care links": CareLink.objects.count(),
        "e-mail addresses": EmailAddress.objects.count(),
        "totp devices": TOTPDevice.objects.count(),
        "recovery devices": StaticDevice.objects.count(),
        "recovery codes": StaticToken.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def test_loading_the_demo_data_twice_leaves_the_same_rows():
    load_demo_data()
    first = row_counts()
    load_demo_data()
    assert row_counts() == first
    assert first["users"] == 10
    assert first["communities"] == 2


def test_demo_has_a_small_northern_and_a_large_capital_community_with_six_service_users_across_them():
    load_demo_data()
    nordvik = Community.objects.get(slug="nordvik")
    elvebyen = Community.objects.get(slug="elvebyen")
    service_users = User.objects.filter(role=Role.SERVICE_USER)
    assert service_users.count() == 6
    assert service_users.filter(community=nordvik).exists()
    assert service_users.filter(community=elvebyen).exists()
    assert User.objects.filter(role=Role.CONSULTANT).count() == 1


def test_each_demo_provider_is_linked_to_some_service_users_but_not_all():
    load_demo_data()
    providers = User.objects.filter(role=Role.PROVIDER)
    assert providers.count() == 2
    for provider in providers:
        linked = CareLink.objects.active().filter(provider=provider).count()
        assert 0 < linked < 6


def test_the_demo_admin_can_use_the_django_admin():
    load_demo_data()
    admin = User.objects.get(role=Role.ADMIN)
    assert admin.is_staff and admin.is_superuser


def test_every_demo_person_has_a_verified_primary_reserved_address_and_the_printed_password():
    load_demo_data()
    for person in PEOPLE:
        user = User.objects.get(email=person.email)
        assert person.email.endswith(".invalid")
        assert user.check_password(DEMO_PASSWORD)
        address = EmailAddress.objects.get(user=user)
        assert address.verified and address.primary and address.email == person.email


def test_the_printed_totp_key_gives_codes_the_persons_device_accepts_once():
    load_demo_data()
    person = PEOPLE[0]
    device = TOTPDevice.objects.get(user__email=person.email, confirmed=True)
    code = current_code(totp_base32_key(person.email))
    assert device.verify_token(code)
    assert not device.verify_token(code), "a used code must not work a second time"


def test_a_printed_recovery_code_works_once_and_comes_back_when_the_demo_data_is_loaded_again():
    load_demo_data()
    person = PEOPLE[3]
    code = recovery_codes(person.email)[0]
    device = StaticDevice.objects.get(user__email=person.email)
    assert device.verify_token(code)
    assert not device.verify_token(code)
    load_demo_data()
    assert StaticDevice.objects.get(user__email=person.email).verify_token(code)


def test_the_output_lists_every_login_with_password_key_and_two_recovery_codes(settings):
    output = load_demo_data()
    assert settings.SITE_URL in output
    assert DEMO_PASSWORD in output
    for person in PEOPLE:
        line = next(line for line in output.splitlines() if person.email in line)
        assert person.pseudonym in line
        assert totp_base32_key(person.email) in line
        for code in recovery_codes(person.email)[:2]:
            assert printed_code(code) in line
        assert person.real_name not in output, "real names are not needed to sign in"


def test_demo_people_still_meet_the_terms_at_first_sign_in():
    load_demo_data()
    assert not ConsentAcceptance.objects.exists()


def test_demo_data_refuses_to_run_in_production_and_creates_nothing(settings):
    settings.RECONNECT_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        load_demo_data()
    assert not User.objects.exists()


def test_demo_data_runs_in_production_only_when_forced(settings):
    settings.RECONNECT_ENV = "production"
    call_command("demo_data", "--force", stdout=StringIO())
    assert User.objects.count() == 10


def test_a_demo_service_user_can_sign_in_with_the_printed_password(client):
    load_demo_data()
    person = next(p for p in PEOPLE if p.role == Role.SERVICE_USER)
    assert client.login(email=person.email, password=DEMO_PASSWORD)


def test_a_printed_recovery_code_passes_the_portals_recovery_code_form():
    from reconnect.forms import RecoveryCodeForm

    person = PEOPLE[0]
    printed = printed_code(recovery_codes(person.email)[0])
    form = RecoveryCodeForm({"code": printed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == recovery_codes(person.email)[0]
