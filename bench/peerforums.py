"""The two peer Django forums, django-machina and Spirit, set up and served the way the portal is.

Each peer has, all made by this module on first use and kept under var/bench/peers/:

- a virtual environment of its own, var/bench/peers/<name>/, with the packages pinned in
  bench/peers/<name>/requirements.lock (from PyPI; the same Django, daphne and psycopg versions as the portal);
- a database of its own on the same embedded PostgreSQL, `reconnect_bench_<name>_<scale>`, migrated by the
  peer's own migrations and filled by bench/peers/seed.py with the portal's forum shape (the same number of
  threads on the same number of boards, each with the same number of posts, the same texts);
- our glue only in the repository: bench/peers/<name>/settings.py and urls.py, bench/peers/common.py and
  bench/peers/asgi.py. No third-party code or text is copied.

The runner serves each peer with the same daphne command line (bench/serve.py) in the same number of processes
on one socket, and drives its thread page and board page with the same wrk settings, right after the portal's.
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from bench.targets import targets_text

ROOT = Path(__file__).resolve().parent.parent
PEERS = ("machina", "spirit")
LABELS = {"machina": "django-machina 1.3.1", "spirit": "Spirit 0.14.3"}


def log(text):
    print(text, file=sys.stderr, flush=True)


def venv_dir(var, name) -> Path:
    return var / "peers" / name


def python_of(var, name) -> Path:
    return venv_dir(var, name) / "bin" / "python"


def ensure_venv(var, name) -> Path:
    """The peer's virtual environment with exactly its locked packages (made again when the lock changes)."""
    lock = ROOT / "bench" / "peers" / name / "requirements.lock"
    return _ensure_venv(venv_dir(var, name), lock, f"{LABELS.get(name, name)} environment")


def ensure_tools(var) -> Path:
    """The benchmark's own tools (the websockets client), apart from the portal's environment."""
    return _ensure_venv(var / "tools", ROOT / "bench" / "requirements-tools.lock", "benchmark tools")


def _ensure_venv(folder: Path, lock: Path, what: str) -> Path:
    stamp = folder / ".lock.sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    python = folder / "bin" / "python"
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return python
    log(f"Installing the {what} into {folder} (once) ...")
    base = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([base, "-m", "venv", "--clear", str(folder)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(lock)],
                   check=True)
    stamp.write_text(digest)
    return python


def peer_env(base_env, name, database_url) -> dict:
    env = {key: value for key, value in base_env.items() if key not in ("VIRTUAL_ENV", "PYTHONHOME")}
    env.update({"DJANGO_SETTINGS_MODULE": f"bench.peers.{name}.settings", "DATABASE_URL": database_url,
                "PYTHONPATH": str(ROOT)})
    return env


def prepare_peer(*, var, name, scale, base_url, base_env, shape_path, reseed=False) -> dict:
    """Environment, database, migrations and seed of one peer (once per scale); returns what to load."""
    import psycopg

    python = ensure_venv(var, name)
    db = f"reconnect_bench_{name}_{scale}"
    marker = var / "peers" / f"{name}-{scale}.json"
    with psycopg.connect(base_url, autocommit=True) as conn:
        if reseed:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone():
            conn.execute(f'CREATE DATABASE "{db}"')
            marker.unlink(missing_ok=True)
    url = base_url.replace("/reconnect?", f"/{db}?", 1)
    env = peer_env(base_env, name, url)
    if not marker.exists():
        log(f"Migrating and seeding {LABELS[name]} (once per scale) ...")
        try:
            subprocess.run([str(python), "-m", "django", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                           check=True)
            subprocess.run([str(python), "-m", "bench.peers.seed", name, str(shape_path), str(marker)], cwd=ROOT,
                           env=env, check=True)
        except subprocess.CalledProcessError:
            # Half a seed would be seeded again on top: start from an empty database next time.
            with psycopg.connect(base_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            marker.unlink(missing_ok=True)
            raise
    loaded = json.loads(marker.read_text())
    return {"name": name, "python": str(python), "env": env, **loaded}


def peer_pages(peer, var) -> list:
    """The peer's thread page (its longest threads, round robin) and board page, as the runner's pages."""
    name, cookies = peer["name"], peer["cookies"]
    pages = []
    for page, label, paths in (("thread", "thread, 20 posts", peer["thread_paths"]),
                               ("board", "a board's threads", [peer["board_path"]])):
        if not paths:
            continue
        rows = [("GET", paths[i % len(paths)], cookies[i % len(cookies)], "") for i in range(max(len(cookies), 1))]
        targets = var / f"targets-{name}-{page}.tsv"
        targets.write_text(targets_text(rows))
        pages.append({"name": f"{name}:{page}", "label": f"{name}: {label}", "role": "signed-in member",
                      "peer": name, "page": page, "targets": str(targets), "queries": None,
                      "first": {"method": "GET", "path": rows[0][1], "cookie": rows[0][2]}})
    return pages


def version_of(python, package) -> str:
    out = subprocess.run([str(python), "-c", f"import importlib.metadata as m; print(m.version({package!r}))"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "?"


if __name__ == "__main__":  # bench/setup: make the environments ahead of a run
    var = ROOT / "var" / "bench"
    for peer in PEERS:
        ensure_venv(var, peer)
    ensure_tools(var)
