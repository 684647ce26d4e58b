"""The database connection pool: on by default for the web server, refused together with persistent connections,
off in Celery's forked processes; and a pooled connection really is reused (the same PostgreSQL backend)."""

import json

from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from tests.reconnect.test_settings import production_environment, start

SHOW_POOL = "import django, json; django.setup(); from django.conf import settings; " \
            "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}).get('pool')))"


def test_production_pools_connections_by_default_and_the_size_can_be_set():
    default = start(production_environment(DB_POOL_SIZE=None), SHOW_POOL)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout)["max_size"] == 10
    off = start(production_environment(DB_POOL_SIZE="0"), SHOW_POOL)
    assert json.loads(off.stdout) is None


def test_a_pool_and_persistent_connections_together_are_refused_by_name():
    result = start(production_environment(DB_POOL_SIZE="5", DB_CONN_MAX_AGE="60"))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "DB_POOL_SIZE" in last_line and "DB_CONN_MAX_AGE" in last_line


def test_celerys_processes_open_plain_connections():
    code = "import sys; sys.argv[0] = '/usr/bin/celery'; import reconnect; " + SHOW_POOL
    result = start(production_environment(DB_POOL_SIZE="8"), code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) is None


def test_a_closed_pooled_connection_goes_back_to_the_pool_and_is_used_again(db):
    settings_dict = {**connection.settings_dict, "CONN_MAX_AGE": 0,
                     "OPTIONS": {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}}}
    # Its own wrapper beside the test connection (which has no pool), under the same alias for the postgres app.
    pooled = DatabaseWrapper(settings_dict, alias="default")
    try:
        backends = []
        for _request in range(3):
            with pooled.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.append(cursor.fetchone()[0])
            pooled.close()  # what Django does at the end of every request
        assert len(set(backends)) == 1, backends
    finally:
        pooled.close()
        pooled.close_pool()
