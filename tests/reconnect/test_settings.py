"""Settings: production refuses to start with a missing or bad value and says which variable; with good
values `check --deploy` has nothing to say.

Each case starts a fresh process with an environment built from scratch. A start that succeeds, `check
--deploy` and one refusal run as real `python -c` starts; the many refusals are forks of one helper process
that has imported the libraries (Django, Celery, ...) but none of the portal's code, so each fork reads the
settings module from scratch, with its own environment, as a real start does, without paying ~0.7 s of
Python start and library imports each (test_a_forked_start_says_what_a_real_start_says keeps the two alike).
"""

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

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


# The helper: reads one JSON request a line ({"env": ..., "code": ...}), forks, the child takes the environment
# and runs the code as `python -c` would (an uncaught exception: its traceback on stderr and exit status 1);
# answers one JSON line with the child's exit status, stdout and stderr.
FORK_SERVER = r"""
import json, os, sys, tempfile, traceback

# Libraries only: importing any of the portal's modules here would let a fork skip reading the settings.
import celery, celery.schedules, cryptography.fernet, csp.constants, dj_database_url  # noqa: E401
import django, django.core.exceptions, django.db.models, django.http, django.urls, django.utils.translation  # noqa: E401
assert not any(name == "reconnect" or name.startswith("reconnect.") for name in sys.modules)

for line in sys.stdin:
    request = json.loads(line)
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        os.environ.clear()
        os.environ.update(request["env"])
        status = 0
        try:
            exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__"})
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    out.seek(0)
    err.seek(0)
    answer = {"returncode": os.waitstatus_to_exitcode(wait_status),
              "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
"""


@pytest.fixture(scope="module")
def forked_start():
    """start(env) for refusals, as a fork of one helper process (see the module's docstring)."""
    helper_env = production_environment()
    helper = subprocess.Popen([sys.executable, "-c", FORK_SERVER], env=helper_env, cwd=BASE_DIR,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def start_forked(env, code=SETUP):
        helper.stdin.write(json.dumps({"env": env, "code": code}) + "\n")
        helper.stdin.flush()
        ready, _, _ = select.select([helper.stdout], [], [], 60)
        line = helper.stdout.readline() if ready else ""
        assert line, f"the start helper gave no answer: {helper.poll()=} {helper.stderr.read() if not ready else ''}"
        return SimpleNamespace(**json.loads(line))

    yield start_forked
    helper.stdin.close()
    helper.wait(timeout=30)
    helper.stdout.close()
    helper.stderr.close()


def test_a_forked_start_says_what_a_real_start_says(forked_start):
    env = production_environment(SESSION_IDLE_MINUTES="ten")
    real, forked = start(env), forked_start(env)
    assert real.returncode == forked.returncode == 1
    assert "SESSION_IDLE_MINUTES" in real.stderr.strip().splitlines()[-1]
    assert real.stderr.strip().splitlines()[-1] == forked.stderr.strip().splitlines()[-1]
    # And a good environment starts in a fork too, so a refusal there is the value's doing, not the fork's.
    assert forked_start(production_environment()).returncode == 0


def test_production_starts_when_every_value_is_given():
    result = start(production_environment())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("bad_url", ["mysql://x", "not a url", "sqlite:///db.sqlite3", "postgres://"])
def test_production_refuses_a_bad_database_url_and_names_it(bad_url, forked_start):
    result = forked_start(production_environment(DATABASE_URL=bad_url))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    "variable",
    ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ALLOWED_HOSTS"],
)
def test_production_refuses_to_start_without_a_required_value_and_names_it(variable, forked_start):
    result = forked_start(production_environment(**{variable: None}))
    assert result.returncode != 0
    assert f"{variable} must be set" in result.stderr


def test_production_refuses_a_short_secret_key(forked_start):
    result = forked_start(production_environment(SECRET_KEY="too-short"))
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


@pytest.mark.parametrize("bad_keys", ["not-a-key", Fernet.generate_key().decode() + ",short"])
def test_a_field_encryption_key_that_is_not_a_fernet_key_is_refused_by_name(bad_keys, forked_start):
    result = forked_start(production_environment(FIELD_ENCRYPTION_KEYS=bad_keys))
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
def test_a_bad_value_stops_the_start_with_a_message_naming_the_variable(variable, value, forked_start):
    result = forked_start(production_environment(**{variable: value}))
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


def test_the_example_environment_file_starts_production_once_its_secrets_are_filled_in():
    # Every value .env.example sets (docker compose reads it), over a valid environment: the secrets it leaves
    # empty come from there. Settings that refuse each other (a pool beside DB_CONN_MAX_AGE) would show here.
    example = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        key, _, value = line.partition("=")
        if line and not line.startswith("#") and value:
            example[key.strip()] = value.strip()
    assert {"DB_POOL_SIZE", "ALLOWED_HOSTS", "EMAIL_URL"} <= example.keys()
    result = start(production_environment(**{k: v for k, v in example.items() if k != "POSTGRES_PASSWORD"}))
    assert result.returncode == 0, result.stderr
