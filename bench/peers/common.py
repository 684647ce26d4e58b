"""Settings every peer forum project shares (bench/peers/<name>/settings.py starts from these).

This module runs inside a peer's own virtual environment (var/bench/peers/<name>/), with that forum's Django
and nothing of ReConnect: it imports only Django and the standard library. The runner (bench/peers.py, in the
portal's environment) hands it the database, the secret and the hosts in the environment, as it does for the
portal. What is set here is set the same for both peers and is said in bench/README.md:

- DEBUG off, database sessions, the same PostgreSQL server as the portal (a database of the peer's own);
- a per-process in-memory cache (the portal's cache is Redis: a local cache only helps the peers);
- no whitenoise or other static file serving: the load fetches only the HTML of each page.
"""

import os
from urllib.parse import parse_qs, urlparse


def database_from_url(url):
    """postgresql://user:password@host:port/name?host=/socket/dir, as the embedded PostgreSQL gives it."""
    parts = urlparse(url)
    query = parse_qs(parts.query)
    pool_size = int(os.environ.get("DB_POOL_SIZE") or 0)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": query.get("host", [parts.hostname or ""])[0],
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 0,  # as the portal runs (see bench/README.md: persistent connections fail under ASGI)
        # The same connection pool as the portal's, when the benchmark gives the portal one (DB_POOL_SIZE).
        "OPTIONS": {"pool": {"min_size": min(2, pool_size), "max_size": pool_size, "timeout": 10}} if pool_size else {},
    }


DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeded people never sign in by password
LOGGING = {
    "version": 1, "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
