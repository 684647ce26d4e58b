"""Settings for ReConnect, read from the environment.

RECONNECT_ENV chooses the mode: "development" (default), "test" or "production". In production every secret
and server must be given; elsewhere an embedded PostgreSQL and Redis start under var/ and secrets are
generated once into var/. A bad value stops the start with a message that names the variable.
"""

import os
import secrets
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"{name} must be set (see README, 'Running in production').")
    return default


def env_bool(name, default):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default, *, minimum=None):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name, default=()):
    value = os.environ.get(name, "").strip()
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


RECONNECT_ENV = env_str("RECONNECT_ENV", "development")
if RECONNECT_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"RECONNECT_ENV must be development, test or production, not {RECONNECT_ENV!r}."
    )
PRODUCTION = RECONNECT_ENV == "production"
DEBUG = env_bool("DEBUG", RECONNECT_ENV == "development")


def _dev_secret(filename, make):
    """A secret generated once into var/ for development; production must set it in the environment."""
    from reconnect.devservers import var_dir

    path = var_dir() / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _new_fernet_key():
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = env_str("SECRET_KEY", required=PRODUCTION) or _dev_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

# Keys for encrypted fields, newest first, comma-separated (Fernet keys).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or (
    [] if PRODUCTION else [_dev_secret("field_encryption_key", _new_fernet_key)]
)
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set (see README, 'Running in production').")


def _check_fernet_keys(keys):
    from cryptography.fernet import Fernet

    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None


_check_fernet_keys(FIELD_ENCRYPTION_KEYS)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "channels",
    "reconnect",
    "forum",
    "messaging",
    "toolbox",
    "cafes",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "reconnect.middleware.SessionMiddleware",  # Django's, writing the session row at most once a minute
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "reconnect.middleware.UserLanguageMiddleware",
    "reconnect.middleware.MFARequiredMiddleware",
    "reconnect.middleware.ConsentRequiredMiddleware",
    "reconnect.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "reconnect.middleware.UserSessionsMiddleware",  # allauth's, throttled
]

ROOT_URLCONF = "reconnect.urls"
WSGI_APPLICATION = "reconnect.wsgi.application"
ASGI_APPLICATION = "reconnect.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "reconnect.context_processors.portal",
                "moderation.context_processors.workspace",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
import dj_database_url  # noqa: E402

_database_url = env_str("DATABASE_URL", required=PRODUCTION)
if not _database_url:
    from reconnect.devservers import embedded_database_url

    _database_url = embedded_database_url()
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL ({exc}).") from None
if _db.get("ENGINE") != "django.db.backends.postgresql" or not _db.get("NAME"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/reconnect."
    )
_db["CONN_HEALTH_CHECKS"] = True
# A pool of open connections per process (psycopg's, through Django): a request borrows one and gives it back, so
# PostgreSQL does not start a new backend for every request and every live-socket call. Persistent connections
# (DB_CONN_MAX_AGE) are the other way and cannot be combined with it; under an ASGI server they pile up, one per
# worker thread. Off in tests (each test database is created and dropped around the run).
DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0 if RECONNECT_ENV == "test" else 10, minimum=0)
if DB_POOL_SIZE and _db["CONN_MAX_AGE"]:
    raise ImproperlyConfigured("Set DB_POOL_SIZE=0 to use DB_CONN_MAX_AGE: a pool and persistent connections exclude each other.")
if DB_POOL_SIZE:
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DB_POOL_SIZE),
        "max_size": DB_POOL_SIZE,
        "timeout": env_int("DB_POOL_TIMEOUT", 10, minimum=1),  # seconds a request waits for a free connection
        "max_idle": 300,
    }
_db["TEST"] = {"NAME": env_str("RECONNECT_TEST_DB", "test_reconnect")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, channel layer -------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", required=PRODUCTION)
if not REDIS_URL:
    from reconnect.devservers import embedded_redis_url

    REDIS_URL = embedded_redis_url()
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")


def _redis_db(url, number):
    """The same Redis server, another logical database: the cache can be cleared without touching queues."""
    from urllib.parse import urlsplit, urlunsplit

    if url.startswith("unix://"):
        return url.split("?", 1)[0] + f"?db={number}"
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        # Database 1; Celery's broker uses database 0 and the channel layer database 2.
        "LOCATION": _redis_db(REDIS_URL, 1),
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            # When Redis is down, pages that need only the database keep working: a cache miss instead of
            # an error. The login rate limits then fail open until Redis is back (logged as a warning).
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# The channel layer waits for events with a blocking pop of 5 s (channels_redis's brpop_timeout); redis-py 8 gives
# every connection a 5 s read timeout by default, so an idle process's wait could time out first and end the
# socket it was reading for ("Timeout reading from ...": bench/README.md). The read timeout must outlast the pop.
_CHANNEL_SOCKET_TIMEOUT = 15
if REDIS_URL.startswith("unix://"):
    CELERY_BROKER_URL = "redis+socket://" + REDIS_URL.removeprefix("unix://")
    _channel_hosts = [{"address": _redis_db(REDIS_URL, 2), "socket_timeout": _CHANNEL_SOCKET_TIMEOUT}]
else:
    CELERY_BROKER_URL = REDIS_URL
    _channel_hosts = [{"address": _redis_db(REDIS_URL, 2), "socket_timeout": _CHANNEL_SOCKET_TIMEOUT}]
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task on the queue
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Once a day: "read your crisis plan through" for plans unchanged for six months (sent once per period).
    "toolbox-crisis-plan-review": {"task": "toolbox.send_crisis_plan_review_reminders", "schedule": 24 * 60 * 60},
    # Every two minutes: reminders of planned activities that are due (each sent once, however often this runs).
    "toolbox-activity-reminders": {"task": "toolbox.send_due_activity_reminders", "schedule": 2 * 60},
    # Every five minutes: café reminders that are due (each sent once, however often this runs).
    "cafes-reminders": {"task": "cafes.send_due_reminders", "schedule": 5 * 60},
    # Every six hours: plan the coming cafés of each recurring series (each day planned once).
    "cafes-series": {"task": "cafes.plan_series_cafes", "schedule": 6 * 60 * 60},
    # Every 15 minutes: unanswered posts into the moderation queue (each once, however often this runs).
    "moderation-waiting": {"task": "moderation.sweep_waiting", "schedule": 15 * 60},
    # Statistics: every hour the current month so far; every night at 03:15 each ended month not yet counted
    # since it ended (moderation.statistics; both only replace the summary rows of the months they count).
    "moderation-statistics-hourly": {"task": "moderation.refresh_statistics_current_month", "schedule": 60 * 60},
    "moderation-statistics-nightly": {"task": "moderation.refresh_statistics_ended_months",
                                      "schedule": crontab(hour=3, minute=15)},
}
CELERY_TIMEZONE = "Europe/Oslo"

# Its own database (2), so emptying the broker's never drops live groups. Test runs with their own test
# database also get their own prefix: user ids of parallel runs overlap, their live events must not.
_channel_prefix = f"asgi-{DATABASES['default']['TEST']['NAME']}" if RECONNECT_ENV == "test" else "asgi"
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": _channel_hosts, "prefix": _channel_prefix},
    }
}

# --- Accounts -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "reconnect.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
SITE_ID = 1

ACCOUNT_ADAPTER = "reconnect.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, kept explicit: failed logins per address and per account.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
    "change_password": "5/m/user",
}
USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_SEEN_EVERY = 300  # seconds: "last seen" is written at most this often per session and client
# The client address for rate limits. By default X-Forwarded-For is NOT trusted (a client could forge it);
# behind N reverse proxies that set it, set TRUSTED_PROXY_COUNT=N (docker-compose: 1).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Roles that must enrol a second factor before reaching any page; all of them by default.
MFA_REQUIRED_ROLES = env_list(
    "MFA_REQUIRED_ROLES", ["service_user", "provider", "consultant", "admin"]
)
if _unknown_roles := set(MFA_REQUIRED_ROLES) - {"service_user", "provider", "consultant", "admin"}:
    raise ImproperlyConfigured(
        f"MFA_REQUIRED_ROLES holds unknown roles {sorted(_unknown_roles)}; "
        "use service_user, provider, consultant and admin, comma-separated."
    )
OTP_TOTP_ISSUER = "ReConnect"
# How long a re-verification with the second factor lasts before sensitive changes (seconds).
MFA_REVERIFY_SECONDS = 300

# --- Sessions and cookies ------------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=5) * 60  # idle timeout
SESSION_SAVE_EVERY_REQUEST = False  # reconnect.middleware.SessionMiddleware slides the idle timeout instead:
SESSION_REFRESH_SECONDS = 60  # the session row is written at most this often when nothing in it changes
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
_secure = env_bool("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
LANGUAGE_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", PRODUCTION) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Asking browsers to preload HSTS binds the whole domain to HTTPS for good; that is the operator's decision
# (SECURE_HSTS_PRELOAD=true), so its reminder (W021) stays quiet until then and `check --deploy` is clean.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp 4) -------------------------------------------------------------
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Language -------------------------------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "node_modules" / "htmx.org" / "dist")]
# Under daphne there is no runserver to serve static files: outside production whitenoise finds them in the
# app and STATICFILES_DIRS folders, so no collectstatic is needed (in DEBUG, edits show at once).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))  # outside the web root
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# --- E-mail ---------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ReConnect <noreply@reconnect.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_url = env_str("EMAIL_URL")
if _email_url:
    from urllib.parse import unquote, urlparse

    _parsed = urlparse(_email_url)
    if _parsed.scheme not in {"smtp", "smtps", "submission"} or not _parsed.hostname:
        raise ImproperlyConfigured("EMAIL_URL must look like smtp://user:password@host:587.")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _parsed.hostname
    EMAIL_PORT = _parsed.port or (465 if _parsed.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_parsed.username or "")
    EMAIL_HOST_PASSWORD = unquote(_parsed.password or "")
    EMAIL_USE_SSL = _parsed.scheme == "smtps"
    EMAIL_USE_TLS = not EMAIL_USE_SSL
    EMAIL_TIMEOUT = 10
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_URL must be set in production (smtp://user:password@host:587).")
else:
    EMAIL_BACKEND = "reconnect.mail.ConsoleAndOutboxBackend"

# --- Logging --------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
}

# --- Portal ---------------------------------------------------------------------------------------------
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)
CRISIS_HELPLINE_NAME = env_str("CRISIS_HELPLINE_NAME", "Mental Helse")
CRISIS_HELPLINE_NUMBER = env_str("CRISIS_HELPLINE_NUMBER", "116 123")
# Messaging: a message still unread after this many minutes brings one content-free e-mail; attachment size cap.
MESSAGE_EMAIL_DELAY_MINUTES = env_int("MESSAGE_EMAIL_DELAY_MINUTES", 15, minimum=0)
MESSAGE_ATTACHMENT_MAX_BYTES = env_int("MESSAGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# A person may send this many messages (new conversations and replies) per minute; more waits a minute.
MESSAGES_PER_MINUTE = env_int("MESSAGES_PER_MINUTE", 20, minimum=1)
# Pages open a WebSocket (/ws/live/) for new messages and counters. Off: everything works by reloading, for a server
# or proxy that cannot carry WebSockets.
LIVE_UPDATES = env_bool("LIVE_UPDATES", True)
# Moderation: a post unanswered for this many of the consultant's on-duty hours goes into the queue; a member's
# posting may be paused for at most this many days.
MODERATION_WAITING_HOURS = env_int("MODERATION_WAITING_HOURS", 12, minimum=1)
MODERATION_PAUSE_MAX_DAYS = env_int("MODERATION_PAUSE_MAX_DAYS", 14, minimum=1)

if RECONNECT_ENV == "test":
    # Speed only: tests make many users; production keeps Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A slow test must not cross the minute after which a request writes the session again: query counts
    # compared between two requests stay comparable (tests/reconnect/test_sessions.py moves the clock itself).
    SESSION_REFRESH_SECONDS = 3600
    # Test runs side by side (one test database each) share the embedded Redis: each keeps its cache keys apart,
    # and tests empty only their own (tests.conftest.clear_cache), never the whole database.
    CACHES["default"]["KEY_PREFIX"] = DATABASES["default"]["TEST"]["NAME"]
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
