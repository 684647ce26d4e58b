"""Settings: production refuses to start with a missing or bad value and says which variable; with good
values `check --deploy` has nothing to say.

Each case starts a fresh Python process, as a real start would, with an environment built from scratch.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings

BASE_DIR = Path(__file__).resolve().parents[2]
SETUP = "import django; django.setup()"

# Settings read from the environment: none of them may leak in from the shell running the tests.
SETTINGS_VARIABLES = {
    "RECONNECT_ENV", "DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
    "SITE_URL", "DATABASE_URL", "DB_CONN_MAX_AGE", "REDIS_URL", "MFA_REQUIRED_ROLES", "SESSION_IDLE_MINUTES",
    "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "BEHIND_PROXY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD",
    "MEDIA_ROOT", "DEFAULT_FROM_EMAIL", "EMAIL_URL", "LOG_LEVEL", "INVITATION_VALID_DAYS",
    "CRISIS_HELPLINE_NAME", "CRISIS_HELPLINE_NUMBER", "RECONNECT_TEST_DB", "TRUSTED_PROXY_COUNT",
}


def production_environment(**overrides):
    """Everything production needs, valid, pointing at servers that exist (only check --deploy uses them)."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="reconnect.settings",
        RECONNECT_ENV="production",
        SECRET_KEY="Kp4-xR9q_Lm2vW7zT1nB8cY3dF6gH0jQ5sA-uE4iO9pZ2wX7rV1mN8bC3kJ6tY0h",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL="postgres://reconnect:secret@db.internal:5432/reconnect",
        REDIS_URL="redis://redis.internal:6379/0",
        EMAIL_URL="smtp://localhost:25",
        ALLOWED_HOSTS="reconnect.example.org",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def start(env, code=SETUP, *args):
    return subprocess.run(
        [sys.executable, "-c", code, *args] if code else [sys.executable, *args],
        env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
    )


def test_production_starts_when_every_value_is_given():
    result = start(production_environment())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("bad_url", ["mysql://x", "not a url", "sqlite:///db.sqlite3", "postgres://"])
def test_production_refuses_a_bad_database_url_and_names_it(bad_url):
    result = start(production_environment(DATABASE_URL=bad_url))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    "variable",
    ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ALLOWED_HOSTS"],
)
def test_production_refuses_to_start_without_a_required_value_and_names_it(variable):
    result = start(production_environment(**{variable: None}))
    assert result.returncode != 0
    assert f"{variable} must be set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = start(production_environment(SECRET_KEY="too-short"))
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


@pytest.mark.parametrize("bad_keys", ["not-a-key", Fernet.generate_key().decode() + ",short"])
def test_a_field_encryption_key_that_is_not_a_fernet_key_is_refused_by_name(bad_keys):
    result = start(production_environment(FIELD_ENCRYPTION_KEYS=bad_keys))
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REDIS_URL", "http://redis:6379"),
        ("EMAIL_URL", "imap://mail.example.org"),
        ("DEBUG", "maybe"),
        ("SESSION_IDLE_MINUTES", "ten"),
        ("SESSION_IDLE_MINUTES", "1"),
        ("RECONNECT_ENV", "staging"),
        ("MFA_REQUIRED_ROLES", "service_user,superhero"),
        ("SECURE_HSTS_SECONDS", "-1"),
    ],
)
def test_a_bad_value_stops_the_start_with_a_message_naming_the_variable(variable, value):
    result = start(production_environment(**{variable: value}))
    assert result.returncode != 0
    assert variable in result.stderr.strip().splitlines()[-1]


def test_deploy_check_finds_nothing_with_production_settings():
    # The running embedded servers (or the ones the suite was given), so that nothing points nowhere.
    from reconnect import devservers

    env = production_environment(
        DATABASE_URL=os.environ.get("DATABASE_URL") or devservers.embedded_database_url(),
        REDIS_URL=django_settings.REDIS_URL,
    )
    result = start(env, None, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
