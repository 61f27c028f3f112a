"""``python -m bench.load``: the production shape under a growing load, and its ceiling.

1. **Database**: drops and creates ``--database`` (default ``safecase_load``) on the loopback
   PostgreSQL, then ``flask db upgrade``, ``flask codes load-defaults`` and ``python -m
   bench.seed --cases N`` (default 100,000), each timed (``--reuse`` keeps a database that
   already holds cases, for a quick rerun).
2. **The shape**, as ``docs/operations.md`` runs it, as subprocesses on this machine only:
   ``gunicorn -w 4`` bound to 127.0.0.1 on a free port, 2 × ``flask --app wsgi worker`` and
   ``flask --app wsgi scheduler``, with ``SAFECASE_ENV=production``, a throw-away
   ``SECRET_KEY``, the Redis database of ``--redis-url`` (default db 12, emptied before and
   after) and no mail server (notifications are in-app; the outbox still goes through the
   workers).
3. **Sign-in, once**: an API token for the inspector, the union officer, the communes and
   ``--enterprises`` enterprises, and a web session for the inspector and ``--web-enterprises``
   of them, through ``POST /api/v1/tokens`` and the login form (the sign-in limits count
   only failures, so nothing is loosened).
4. **Two ladders** of headless Locust stages (``bench/load/locustfile.py``): ``--users`` clients
   (each one request, then 0.5–1.5 s of think time), all started within about 2 s, statistics
   reset once they are, then ``--stage-seconds`` measured. A stage *holds* when its p95 over
   all requests is under ``--p95-ms`` (1,000) and no request failed. Beside it, as a
   diagnostic, the same p95 without one action's requests (``--also-without``, default
   ``search``, the slow one issue #14 names), so a single slow action does not hide what the
   rest of the mix gets; the ladder climbs while either holds, and stops when neither does or
   when its half of ``--budget-minutes`` would be exceeded.
   First the ordinary mix (``mix.MIX``), then the same with the declarations' share ×
   ``--surge`` (10). Between stages the pools of cases are read again from the database.
5. **Report**: ``docs/performance-load.md`` (``--no-write`` to skip): the machine, the data
   set, the mix, each stage (rate, percentiles, errors, load average, who used the CPUs, RQ
   backlog) and the highest rate that held.

Every process started here is stopped at the end, on an error and on Ctrl-C or SIGTERM
(SIGTERM, then SIGKILL of its own process group after 20 s).
"""

from __future__ import annotations

import argparse
import csv
import html
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.load import mix as M

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "performance-load.md"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_USERS = (2, 4, 6, 8, 10, 15, 20, 30, 40, 60, 80, 100)
QUEUES = ("notifications", "deadlines", "default")


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------


def _ladder(text: str) -> tuple[int, ...]:
    try:
        steps = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not steps or any(n < 1 for n in steps) or list(steps) != sorted(set(steps)):
        raise argparse.ArgumentTypeError("give growing positive user counts, e.g. 5,10,20")
    return steps


def _loopback_url(text: str) -> str:
    host = urlsplit(text).hostname
    if host not in LOOPBACK:
        raise argparse.ArgumentTypeError(f"only this machine (127.0.0.1): {text!r}")
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n\n")[0]
    )
    add = parser.add_argument
    add("--cases", type=_positive, default=100_000, help="cases to seed (default 100000)")
    add("--database", default="safecase_load", help="database to create (default safecase_load)")
    add(
        "--server",
        type=_loopback_url,
        default="postgresql://postgres@127.0.0.1:5432",
        help="PostgreSQL server, loopback only (default postgresql://postgres@127.0.0.1:5432)",
    )
    add(
        "--redis-url",
        type=_loopback_url,
        default="redis://127.0.0.1:6379/12",
        help="Redis database the shape uses, emptied before and after (default db 12)",
    )
    add("--reuse", action="store_true", help="keep the database if it already holds cases")
    add("--users", type=_ladder, default=DEFAULT_USERS, help="the ladder of client counts")
    add("--stage-seconds", type=_positive, default=40, help="measured seconds per stage")
    add("--surge", type=_positive, default=10, help="declarations' share × this (default 10)")
    add("--p95-ms", type=_positive, default=1000, help="a stage holds under this p95 (ms)")
    add(
        "--also-without",
        choices=[a.name for a in M.MIX],
        default="search",
        help="also report the p95 without this action's requests (default search, the slow "
        "one issue #14 names); the ladder climbs while either p95 holds",
    )
    add("--budget-minutes", type=_positive, default=14, help="bound on both ladders together")
    add("--enterprises", type=_positive, default=100, help="enterprises signed in (API)")
    add("--web-enterprises", type=_positive, default=20, help="of them, also on the web")
    add("--gunicorn-workers", type=_positive, default=4, help="web processes (default 4)")
    add("--rq-workers", type=_positive, default=2, help="RQ workers (default 2)")
    add("--no-write", action="store_true", help="print the report, do not write docs/")
    add("--keep-logs", action="store_true", help="keep the processes' logs and Locust's CSVs")
    args = parser.parse_args(argv)
    if args.web_enterprises > args.enterprises:
        parser.error("--web-enterprises cannot exceed --enterprises")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and _ only")
    return args


# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Every subprocess this run starts, each in its own session, stopped by ``stop_all``."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "wb") as log:
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.running.append((name, proc))
        return proc

    def check_alive(self) -> None:
        for name, proc in self.running:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited ({proc.returncode}):\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop_all(self) -> None:
        for _name, proc in self.running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _name, proc in self.running:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: only what it started
                proc.wait()
        self.running = []


def run_step(cmd: list[str], env: dict[str, str], log: Path) -> float:
    """Run a preparation command to the end; its seconds. Raises with the log's tail."""
    start = time.monotonic()
    with open(log, "wb") as out:
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeError(f"{' '.join(cmd[-3:])} failed ({done.returncode}):\n{tail}")
    return time.monotonic() - start


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


# --------------------------------------------------------------------------------------------
# Database and environment
# --------------------------------------------------------------------------------------------


def database_url(args) -> str:
    return f"{args.server.rstrip('/')}/{args.database}"


def environment(args, tmp: Path, *, redis: bool) -> dict[str, str]:
    env = dict(os.environ)
    for unset in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "FLASK_DEBUG", "REDIS_URL"):
        env.pop(unset, None)
    env.update(
        SAFECASE_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=database_url(args),
        SAFECASE_INSTANCE_DIR=str(tmp / "instance"),
        UPLOAD_DIR=str(tmp / "instance" / "uploads"),
        EXPORT_DIR=str(tmp / "instance" / "exports"),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    if redis:
        env["REDIS_URL"] = args.redis_url
    return env


def holds_cases(args) -> bool:
    import psycopg

    try:
        with psycopg.connect(database_url(args), connect_timeout=5) as conn:
            return bool(conn.execute('SELECT EXISTS (SELECT 1 FROM "case")').fetchone()[0])
    except psycopg.Error:
        return False


def prepare_database(args, env: dict[str, str], logs: Path) -> dict[str, float]:
    """A fresh database: migrations, code lists, the seeded city; seconds of each step."""
    import psycopg

    with psycopg.connect(f"{args.server.rstrip('/')}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.database}"')
    seed = [sys.executable, "-m", "bench.seed", "--cases", str(args.cases)]
    return {
        "migrations": run_step(flask("db", "upgrade"), env, logs / "migrate.log"),
        "code lists": run_step(flask("codes", "load-defaults"), env, logs / "codes.log"),
        f"seed ({args.cases:,} cases)": run_step(seed, env, logs / "seed.log"),
        "periodic catch-up": catch_up(env, logs),
    }


def catch_up(env: dict[str, str], logs: Path, most: int = 12) -> float:
    """Run the periodic jobs the seeded city never ran, in-process (``env`` has no Redis), so
    the measured shape starts steady instead of working off years of them: at least twice
    (the first run opens the periodic reports, the second scans their deadlines), then until
    the outbox relay finds nothing left (it takes 500 rows a run); seconds spent."""
    spent = 0.0
    for n in range(1, most + 1):
        log = logs / f"catch-up-{n}.log"
        spent += run_step(flask("scheduler", "--once"), env, log)
        relayed = re.search(r"^outbox-relay: (\d+)$", log.read_text(errors="replace"), re.M)
        if n >= 2 and (relayed is None or relayed.group(1) == "0"):
            break
    return spent


def settle(redis_url: str, procs: Processes, timeout: float = 180) -> tuple[int, float]:
    """Wait for the workers to empty the queues; (jobs queued at first, seconds waited)."""
    start = time.monotonic()
    first = backlog(redis_url)
    while backlog(redis_url) and time.monotonic() - start < timeout:
        procs.check_alive()
        time.sleep(1)
    return first, time.monotonic() - start


def data_set(app) -> dict[str, int]:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Case, Enterprise, User, Victim

    with app.app_context():
        counts = dict(db.session.execute(select(Case.kind, func.count()).group_by(Case.kind)).all())
        for label, model in (("victim", Victim), ("enterprise", Enterprise), ("user", User)):
            counts[label] = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return counts


# --------------------------------------------------------------------------------------------
# HTTP: health and sign-in
# --------------------------------------------------------------------------------------------


# What the load balancer in front of the shape says of each request: TLS ended there. In
# production plain HTTP is redirected to HTTPS (FORCE_HTTPS, app/headers.py) unless this
# header says the client's side was HTTPS; the Locust clients send it too (locustfile.py).
BALANCER_HEADERS = {"X-Forwarded-Proto": "https"}


def request(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={**BALANCER_HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read()
    finally:
        conn.close()


def wait_healthy(port: int, procs: Processes, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check_alive()
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def api_token(port: int, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    status, _cookie, data = request(
        port, "POST", "/api/v1/tokens", body, {"Content-Type": "application/json"}
    )
    if status != 201:
        raise RuntimeError(f"POST /api/v1/tokens for {username}: {status} {data[:200]!r}")
    return json.loads(data)["token"]


def _session_cookie(set_cookie: str) -> str:
    """The session cookie as a ``Cookie`` header: ``session`` in development, ``__Host-session``
    in production (config.py)."""
    match = re.search(r"(?:^|[ ,])((?:__Host-)?session)=([^;]+)", set_cookie)
    if not match:
        raise RuntimeError(f"no session cookie in {set_cookie!r}")
    return f"{match.group(1)}={match.group(2)}"


def web_session(port: int, username: str, password: str) -> str:
    """Sign in through the login form (CSRF token from the page); the ``Cookie`` header."""
    status, set_cookie, page = request(port, "GET", "/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if status != 200 or not token:
        raise RuntimeError(f"GET /login: {status}, no CSRF token")
    form = urlencode(
        {"csrf_token": html.unescape(token.group(1).decode()), "username": username,
         "password": password, "next": ""}
    ).encode()  # fmt: skip
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": _session_cookie(set_cookie),
        # gunicorn trusts X-Forwarded-Proto from 127.0.0.1, so the request is HTTPS to the app
        # and Flask-WTF checks that the form came from this site, as a browser says.
        "Referer": f"https://127.0.0.1:{port}/login",
    }
    status, set_cookie, _ = request(port, "POST", "/login", form, headers)
    if status != 302:
        raise RuntimeError(f"POST /login for {username}: {status}")
    cookie = _session_cookie(set_cookie)
    if request(port, "GET", "/cases/", headers={"Cookie": cookie})[0] != 200:
        raise RuntimeError(f"the web session of {username} does not open /cases/")
    return cookie


def sign_in(port: int, args, enterprises: list[tuple[str, str]], communes: list[str]) -> dict:
    """Tokens and web sessions for every identity the clients use (4 at a time: the web
    processes hash passwords in parallel)."""
    from bench.seed import BENCH_PASSWORD, STAFF

    inspector, union = STAFF[0], STAFF[1]
    web = enterprises[: args.web_enterprises]
    with ThreadPoolExecutor(max_workers=args.gunicorn_workers) as pool:

        def token(name: str):
            return pool.submit(api_token, port, name, BENCH_PASSWORD)

        def cookie(name: str):
            return pool.submit(web_session, port, name, BENCH_PASSWORD)

        pending = {
            "tokens": {
                "inspector": [token(inspector)],
                "union": [token(union)],
                "commune": [token(f"xa_{code}") for code in communes[:5]],
                "enterprise": {tax: token(user) for tax, user in enterprises},
            },
            "cookies": {
                "inspector": [cookie(inspector)],
                "enterprise": {tax: cookie(user) for tax, user in web},
            },
        }
        return {
            group: {
                role: (
                    {k: f.result() for k, f in found.items()}
                    if isinstance(found, dict)
                    else [f.result() for f in found]
                )
                for role, found in roles.items()
            }
            for group, roles in pending.items()
        }


# --------------------------------------------------------------------------------------------
# CPU accounting
# --------------------------------------------------------------------------------------------


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (/proc/stat)."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(fields[:8])
    idle = fields[3] + fields[4]
    return (total - idle) / ticks, total / ticks


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its living descendants and the children they reaped."""
    import psutil

    try:
        root = psutil.Process(pid)
        seconds = 0.0
        for proc in [root, *root.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                seconds += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                pass
        return seconds
    except psutil.Error:
        return 0.0


def _postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each living PostgreSQL backend serving ``database`` (by process title)."""
    import psutil

    found: dict[int, float] = {}
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info.get("cmdline") or ())
        if cmdline.startswith("postgres:") and f" {database} " in cmdline:
            try:
                t = proc.cpu_times()
                found[proc.pid] = t.user + t.system
            except psutil.Error:
                pass
    return found


@dataclass
class CpuSample:
    at: float
    machine_busy: float
    shape: float
    locust: float
    postgres: dict[int, float]


class CpuMeter:
    """Who used the CPUs during a stage: the shape, its PostgreSQL backends, Locust, the rest.

    Backends that ended during the stage (a work horse's connection) are not counted in
    PostgreSQL's share, so that share is a lower bound and "the rest" an upper one."""

    def __init__(self, procs: Processes, database: str) -> None:
        self.procs, self.database = procs, database

    def sample(self, locust_pid: int | None = None) -> CpuSample:
        busy, _total = _machine_busy()
        shape = sum(
            _tree_cpu(p.pid) for name, p in self.procs.running if not name.startswith("locust")
        )
        return CpuSample(
            time.monotonic(),
            busy,
            shape,
            _tree_cpu(locust_pid) if locust_pid else 0.0,
            _postgres_cpu(self.database),
        )

    @staticmethod
    def shares(before: CpuSample, after: CpuSample, locust_cpu: float) -> dict[str, float]:
        """Percent of all CPUs over the interval."""
        capacity = (after.at - before.at) * (os.cpu_count() or 1)
        pg = sum(v - before.postgres.get(pid, 0.0) for pid, v in after.postgres.items())
        shape = after.shape - before.shape
        busy = after.machine_busy - before.machine_busy
        rest = max(0.0, busy - shape - pg - locust_cpu)
        return {
            "machine": 100 * busy / capacity,
            "shape": 100 * shape / capacity,
            "postgres": 100 * pg / capacity,
            "locust": 100 * locust_cpu / capacity,
            "rest": 100 * rest / capacity,
        }


# --------------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float


@dataclass
class Stage:
    users: int
    total: Row
    actions: list[Row]
    failures: list[str]
    load: tuple[float, float, float]
    cpu: dict[str, float]
    backlog: int
    skipped: dict[str, int] = field(default_factory=dict)
    histograms: dict[str, dict[int, int]] = field(default_factory=dict)
    window: float = 0.0  # seconds the CPU shares were taken over

    def holds(self, p95_ms: int) -> bool:
        return self.total.requests > 0 and self.total.failures == 0 and self.total.p95 < p95_ms

    def cpu_ms_per_request(self) -> float:
        """CPU milliseconds the shape and its PostgreSQL backends spent per request (the
        stage's rate over the CPU window), a figure less sensitive than the rate to how much
        of the machine the other work left us."""
        if not self.total.rps or not self.window:
            return 0.0
        ours = (self.cpu["shape"] + self.cpu["postgres"]) / 100 * (os.cpu_count() or 1)
        return 1000 * ours / self.total.rps

    def p95_without(self, left_out: str) -> float:
        """The p95 over every request but ``left_out``'s (a diagnostic: what the rest of the
        mix gets)."""
        merged: dict[int, int] = {}
        for name, hist in self.histograms.items():
            if name != left_out:
                for ms, n in hist.items():
                    merged[ms] = merged.get(ms, 0) + n
        return percentile(merged, 0.95)

    def rest_holds(self, left_out: str, p95_ms: int) -> bool:
        failures = sum(r.failures for r in self.actions if r.name != left_out)
        return self.total.requests > 0 and failures == 0 and self.p95_without(left_out) < p95_ms


def percentile(histogram: dict[int, int], q: float) -> float:
    """Locust's percentile of a ``{rounded ms: count}`` histogram: the smallest bucket with
    at most ``(1 - q)`` of the requests above it (``locust.stats``); 0 when empty."""
    count = sum(histogram.values())
    allowed_above = count - int(count * q)
    above = 0
    for ms in sorted(histogram, reverse=True):
        above += histogram[ms]
        if above >= allowed_above:
            return float(ms)
    return 0.0


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def read_stats(prefix: Path) -> tuple[Row, list[Row], list[str]]:
    """Locust's ``<prefix>_stats.csv`` (the aggregate and each action) and its failures."""
    rows: list[Row] = []
    total = None
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            row = Row(
                rec["Name"], int(_number(rec["Request Count"])),
                int(_number(rec["Failure Count"])), _number(rec["Requests/s"]),
                _number(rec["50%"]), _number(rec["95%"]), _number(rec["99%"]),
                _number(rec["Max Response Time"]),
            )  # fmt: skip
            if rec["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    failures: list[str] = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with open(failures_csv, newline="", encoding="utf-8") as handle:
            for rec in csv.DictReader(handle):
                failures.append(f"{rec['Occurrences']} × {rec['Name']}: {rec['Error'][:160]}")
    if total is None:
        total = Row("Aggregated", 0, 0, 0, 0, 0, 0, 0)
    return total, rows, failures


def backlog(redis_url: str) -> int:
    from redis import Redis

    redis = Redis.from_url(redis_url)
    return sum(redis.llen(f"rq:queue:{q}") for q in QUEUES)


def run_stage(ctx: Context, users: int, factor: int, index: int) -> Stage:
    ctx.refresh_fixture(index)
    prefix = ctx.tmp / "locust" / f"{'surge' if factor > 1 else 'mix'}-{users:03d}"
    prefix.parent.mkdir(exist_ok=True)
    rate = max(1, users // 2)
    ramp = -(-users // rate)
    cmd = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-u", str(users), "-r", str(rate), "-t", f"{ctx.args.stage_seconds + ramp + 1}s",
        "--host", ctx.base_url, "--csv", str(prefix), "--reset-stats", "--only-summary",
        "--stop-timeout", "10", "--loglevel", "WARNING", "--exit-code-on-error", "0",
        "--safecase-fixture", str(ctx.fixture), "--safecase-surge", str(factor),
    ]  # fmt: skip
    before = ctx.meter.sample()
    locust = ctx.procs.start(f"locust-{prefix.name}", cmd, ctx.shape_env)
    locust_cpu = 0.0
    while locust.poll() is None:
        locust_cpu = max(locust_cpu, _tree_cpu(locust.pid))
        time.sleep(1)
    after = ctx.meter.sample()
    ctx.procs.running = [(n, p) for n, p in ctx.procs.running if p is not locust]
    if locust.returncode not in (0, 1):
        raise RuntimeError(f"locust exited {locust.returncode}:\n{ctx.procs.tail(prefix.name)}")
    ctx.procs.check_alive()
    total, rows, failures = read_stats(prefix)
    counts_path = Path(str(ctx.fixture) + ".out.json")
    counts = json.loads(counts_path.read_text()) if counts_path.exists() else {}
    histograms = {
        name: {int(ms): n for ms, n in hist.items()}
        for name, hist in counts.get("histograms", {}).items()
    }
    return Stage(
        users, total, rows, failures, os.getloadavg(),
        CpuMeter.shares(before, after, locust_cpu), backlog(ctx.args.redis_url),
        counts.get("skipped", {}), histograms, after.at - before.at,
    )  # fmt: skip


@dataclass
class Context:
    args: argparse.Namespace
    tmp: Path
    procs: Processes
    meter: CpuMeter
    app: object
    base_url: str
    shape_env: dict[str, str]
    fixture: Path
    credentials: dict
    tax_codes: list[str]

    def refresh_fixture(self, index: int) -> None:
        from app.extensions import db
        from bench.load.fixture import read_pools

        with self.app.app_context():
            pools = read_pools(self.tax_codes, seed=index)
            db.session.remove()
        body = {**self.credentials, "pools": pools, "seq_start": 1 + index * 1_000_000}
        self.fixture.write_text(json.dumps(body), encoding="utf-8")
        Path(str(self.fixture) + ".out.json").unlink(missing_ok=True)


def climb(ctx: Context, factor: int, budget_s: float, first_index: int) -> list[Stage]:
    """Stages up the ladder while the stage holds, or the mix without ``--also-without``
    does (so a single slow action does not hide what the rest gets), and the budget allows."""
    stages: list[Stage] = []
    started = time.monotonic()
    per_stage = ctx.args.stage_seconds + 15
    left_out, limit = ctx.args.also_without, ctx.args.p95_ms
    for n, users in enumerate(ctx.args.users):
        if time.monotonic() - started + per_stage > budget_s:
            print(f"  budget reached before {users} clients")
            break
        stage = run_stage(ctx, users, factor, first_index + n)
        stages.append(stage)
        t = stage.total
        print(
            f"  {users:4d} clients: {t.rps:6.1f} req/s  p50 {t.p50:5.0f} ms  p95 {t.p95:6.0f} ms"
            f"  (without {left_out} {stage.p95_without(left_out):5.0f} ms)  errors {t.failures}"
            f"  load {stage.load[0]:.1f}  backlog {stage.backlog}"
            f"  → {'holds' if stage.holds(limit) else 'DOES NOT HOLD'}",
            flush=True,
        )
        if not stage.holds(limit) and not stage.rest_holds(left_out, limit):
            break
    return stages


def best(stages: list[Stage], p95_ms: int) -> Stage | None:
    """The highest stage such that it and every stage below it held: on a shared machine a
    stage above a failed one may hold by luck, and "sustains" means it held all the way up."""
    return _last_of_first_run(stages, lambda s: s.holds(p95_ms))


def best_without(stages: list[Stage], left_out: str, p95_ms: int) -> Stage | None:
    """``best`` for the diagnostic: the mix's p95 without ``left_out``'s requests."""
    return _last_of_first_run(stages, lambda s: s.rest_holds(left_out, p95_ms))


def _last_of_first_run(stages: list[Stage], held) -> Stage | None:
    found = None
    for stage in stages:
        if not held(stage):
            break
        found = stage
    return found


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def machine_info(args) -> list[str]:
    from importlib.metadata import version

    import psycopg
    from redis import Redis

    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    kb = int(Path("/proc/meminfo").read_text().split()[1])
    with psycopg.connect(database_url(args)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    redis_version = Redis.from_url(args.redis_url).info("server")["redis_version"]
    return [
        f"- Machine: {cpu}, {os.cpu_count()} CPUs, {kb / 1024 / 1024:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, gunicorn {version('gunicorn')} (sync workers), "
        f"RQ {version('rq')}, PostgreSQL {pg}, Redis {redis_version}, Locust "
        f"{version('locust')} (FastHttpUser)",
    ]


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def _stage_table(stages: list[Stage], args) -> list[str]:
    left_out = args.also_without
    lines = [
        f"| clients | req/s | p50 | p95 | p99 | max | errors | p95 without {left_out} "
        "| load avg (1 min) | CPU: machine / shape / PostgreSQL / Locust / rest "
        "| CPU per request | RQ backlog | slowest p95 | holds |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|",
    ]
    for s in stages:
        t, c = s.total, s.cpu
        slowest = max(s.actions, key=lambda r: r.p95, default=None)
        worst = f"{slowest.name} {_ms(slowest.p95)}" if slowest else "—"
        lines.append(
            f"| {s.users} | {t.rps:.1f} | {_ms(t.p50)} | {_ms(t.p95)} | {_ms(t.p99)} | "
            f"{_ms(t.max)} | {t.failures} | {_ms(s.p95_without(left_out))} | {s.load[0]:.1f} | "
            f"{c['machine']:.0f} % / {c['shape']:.0f} / {c['postgres']:.0f} / {c['locust']:.0f}"
            f" / {c['rest']:.0f} | {_ms(s.cpu_ms_per_request())} | {s.backlog} | {worst} | "
            f"{'yes' if s.holds(args.p95_ms) else '**no**'} |"
        )
    return lines


def _action_table(stage: Stage) -> list[str]:
    lines = [
        "| action | requests | req/s | p50 | p95 | p99 | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(stage.actions, key=lambda r: -r.requests):
        lines.append(
            f"| {r.name} | {r.requests:,} | {r.rps:.1f} | {_ms(r.p50)} | {_ms(r.p95)} | "
            f"{_ms(r.p99)} | {r.failures} |"
        )
    return lines


def _ladder_section(title: str, stages: list[Stage], args) -> list[str]:
    top = best(stages, args.p95_ms)
    rest = best_without(stages, args.also_without, args.p95_ms)
    lines = [f"## {title}", ""]
    if top is None:
        lines += [
            "**Not sustained even at the first stage** (p95 over all requests under the limit, "
            "no error).",
            "",
        ]
    else:
        lines += [
            f"**Highest rate sustained: {top.total.rps:.1f} requests/s** with {top.users} "
            f"clients (p95 {_ms(top.total.p95)}, p99 {_ms(top.total.p99)}, 0 errors, "
            f"{top.total.requests:,} requests in {args.stage_seconds} s; load average "
            f"{top.load[0]:.1f}; the shape and PostgreSQL spent "
            f"{_ms(top.cpu_ms_per_request())} of CPU per request).",
            "",
        ]
    if rest is not None:
        lines += [
            f"Without the {args.also_without} requests (a diagnostic, not the target): "
            f"{rest.total.rps:.1f} requests/s of the whole mix with {rest.users} clients, "
            f"where the other actions' p95 was {_ms(rest.p95_without(args.also_without))} with "
            "no error.",
            "",
        ]
    lines += _stage_table(stages, args) + [""]
    shown: set[int] = set()
    for stage, why in (
        (top, "the highest sustained"),
        (rest, f"the highest where the mix without {args.also_without} held"),
        (stages[-1] if stages else None, "the last stage"),
    ):
        if stage is not None and stage.users not in shown:
            shown.add(stage.users)
            lines += [f"Per action at {stage.users} clients ({why}):", ""]
            lines += _action_table(stage) + [""]
            if stage.failures:
                lines += ["Errors there:", ""] + [f"- {f}" for f in stage.failures[:10]] + [""]
    skipped = {k: v for s in stages for k, v in s.skipped.items() if v}
    if skipped:
        lines += [
            "Actions skipped for an empty pool (no request sent): "
            + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items()))
            + ".",
            "",
        ]
    return lines


def _mix_table(factor: int) -> list[str]:
    base, surged = M.shares(M.MIX), M.shares(M.surge(M.MIX, factor))
    lines = [
        f"| action | share | share in the surge (declarations × {factor}) | sent by | what |",
        "|---|---:|---:|---|---|",
    ]
    for a in M.MIX:
        total = sum(w for _, w in a.roles)
        roles = ", ".join(f"{r} {100 * w / total:.0f} %" for r, w in a.roles)
        lines.append(
            f"| {a.name} | {100 * base[a.name]:.1f} % | {100 * surged[a.name]:.1f} % | "
            f"{roles} | {a.what} |"
        )
    return lines


def report(result: dict, args) -> str:
    counts = result["data_set"]
    prep = result["prepare"]
    seeded = ", ".join(f"{k} {v:.0f} s" for k, v in prep.items())
    if "migrations" not in prep:
        seeded = f"reused (--reuse); {seeded}"
    queued, waited = result["settle"]
    rows = ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items()))
    ordinary, surge = result["ordinary"], result["surge"]
    top, top_surge = best(ordinary, args.p95_ms), best(surge, args.p95_ms)

    def said(stage: Stage | None) -> str:
        if stage is None:
            return "not at the first stage"
        return f"{stage.total.rps:.1f} req/s ({stage.users} clients)"

    left_out = args.also_without
    rest, rest_surge = (best_without(s, left_out, args.p95_ms) for s in (ordinary, surge))

    lines = [
        "# Load test: the production shape under the request mix, and a declaration surge",
        "",
        "Measured by `python -m bench.load` (`bench/load/`, Locust). It builds its own "
        "database, starts the production shape on this machine (loopback only), signs every "
        "client in once, then climbs a ladder of client counts. A stage *holds* when the p95 "
        f"over all its requests is under {args.p95_ms:,} ms and no request failed; beside it "
        f"the same p95 without the {args.also_without} requests is shown as a diagnostic, and "
        "the ladder climbs while either holds. Then the same with the declarations' share × "
        f"{args.surge}.",
        "",
        *result["machine"],
        f"- Run: {result['started']} – {result['ended']}, load average before the run "
        f"{result['load_before'][0]:.2f} / {result['load_before'][1]:.2f} / "
        f"{result['load_before'][2]:.2f} (1 / 5 / 15 min)",
        f"- Shape: `gunicorn -w {args.gunicorn_workers} -b 127.0.0.1:<free port> wsgi:app`, "
        f"{args.rq_workers} × `flask --app wsgi worker`, `flask --app wsgi scheduler`; "
        "`SAFECASE_ENV=production`, Redis db of `--redis-url`, no mail server (in-app "
        "notifications through the outbox and the workers)",
        f"- Data: `python -m bench.seed --cases {args.cases}` into a fresh `{args.database}` "
        f"({seeded}): {rows}",
        f"- Before the first stage: {queued} jobs queued when the shape started, emptied by "
        f"the workers in {waited:.0f} s (the catch-up ran the periodic jobs in-process first)",
        f"- Clients: Locust, one request then 0.5–1.5 s of think time each; signed in once "
        f"before the load ({args.enterprises} enterprises, {args.web_enterprises} of them on "
        "the web too, the inspector, the union officer, 5 communes); each stage starts its "
        f"clients within ~2 s, resets the statistics, then measures {args.stage_seconds} s",
        "",
        "## Summary",
        "",
        f"| mix | highest rate sustained with p95 < {args.p95_ms:,} ms and 0 errors | the same, "
        "p95 "
        f"taken without the {left_out} requests (diagnostic) |",
        "|---|---|---|",
        f"| ordinary | {said(top)} | {said(rest)} |",
        f"| surge (declarations × {args.surge}) | {said(top_surge)} | {said(rest_surge)} |",
        "",
        "## The mix",
        "",
        *_mix_table(args.surge),
        "",
        *_ladder_section("The ordinary mix", ordinary, args),
        *_ladder_section(f"The surge: declarations × {args.surge}", surge, args),
        "## Reading the figures",
        "",
        "- The machine has 2 CPUs, shared with other work (other test runs); the load "
        'average and the CPU split of each stage say how much was ours. "Machine" is every '
        'CPU\'s busy time over the stage; "shape" is gunicorn, the RQ workers (with their work '
        'horses) and the scheduler; "PostgreSQL" the backends serving this database that '
        'lived through the stage (a lower bound); "rest" everything else, the other work '
        "on the machine included. A rerun on a busy machine gives lower rates: treat the "
        "figures as noisy, to within perhaps ±30 %.",
        '- "Sustained" is the highest stage such that it and every stage below it held; a '
        "stage above one that did not hold may hold by luck on a shared machine (its row says "
        "so) but does not count.",
        '- "CPU per request" is the CPU time of the shape and its PostgreSQL backends '
        "divided by the requests: what one request of the mix costs, whoever else uses the "
        "machine. Two CPUs given wholly to the shape could not serve more than 2,000 ms ÷ that "
        "figure requests per second (a ceiling: latency reaches the limit before the CPUs "
        "are full).",
        "- Locust runs on the same 2 CPUs as the server, so part of what the server could "
        "have used goes to generating the load.",
        '- "RQ backlog" is the jobs still queued when the stage ended: the workers keeping '
        "up with the notifications of the declarations and transitions, or not.",
        "- Percentiles are Locust's (response times rounded to 2 significant digits above 100 ms).",
        "",
        "## Rerun",
        "",
        "    .venv/bin/pip install -r requirements-dev.txt        # Locust is a dev dependency",
        "    .venv/bin/python -m bench.load                       # fresh database, both ladders",
        "    .venv/bin/python -m bench.load --reuse --users 10,20,40 --stage-seconds 30",
        "",
        "It needs PostgreSQL and Redis on 127.0.0.1 (`--server`, `--redis-url`; the Redis "
        "database is emptied before and after: give it one nobody else uses). `--help` lists "
        "the rest. Everything it starts stops at the end, on an error and on Ctrl-C.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run(args) -> dict:
    from redis import Redis

    tmp = Path(tempfile.mkdtemp(prefix="safecase-load-"))
    logs = tmp / "logs"
    logs.mkdir()
    procs = Processes(logs)
    redis = Redis.from_url(args.redis_url)
    # SIGINT too: a shell starts background jobs with SIGINT ignored, and Python then installs
    # no KeyboardInterrupt of its own.
    stops = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in stops}
    failed = True
    result: dict = {"load_before": os.getloadavg(), "started": _now()}
    try:
        prep_env = environment(args, tmp, redis=False)
        if args.reuse and holds_cases(args):
            print(f"Reusing {args.database}.")
            # Brought to the code's schema first: a database kept from an older run may lack a
            # later migration.
            result["prepare"] = {
                "migrations": run_step(flask("db", "upgrade"), prep_env, logs / "migrate.log"),
                "periodic catch-up": catch_up(prep_env, logs),
            }
        else:
            print(f"Preparing {args.database} ({args.cases:,} cases)…", flush=True)
            result["prepare"] = prepare_database(args, prep_env, logs)
            print("  " + ", ".join(f"{k}: {v:.0f} s" for k, v in result["prepare"].items()))
        redis.flushdb()
        shape_env = environment(args, tmp, redis=True)
        os.environ.update(shape_env)  # this process reads the pools through the app
        from app import create_app

        app = create_app()
        result["data_set"] = data_set(app)
        port = free_port()
        procs.start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "-w", str(args.gunicorn_workers),
             "-b", f"127.0.0.1:{port}", "wsgi:app"],
            shape_env,
        )  # fmt: skip
        for i in range(args.rq_workers):
            procs.start(f"worker-{i}", flask("worker"), shape_env)
        procs.start("scheduler", flask("scheduler"), shape_env)
        wait_healthy(port, procs)
        result["settle"] = settle(args.redis_url, procs)
        print(f"Shape up on 127.0.0.1:{port}; signing in…", flush=True)
        from bench.load.fixture import choose_enterprises

        with app.app_context():
            enterprises = choose_enterprises(args.enterprises, seed=7)
            communes = read_communes()
        credentials = sign_in(port, args, enterprises, communes)
        ctx = Context(
            args, tmp, procs, CpuMeter(procs, args.database), app, f"http://127.0.0.1:{port}",
            shape_env, tmp / "fixture.json", credentials, [tax for tax, _ in enterprises],
        )  # fmt: skip
        budget = args.budget_minutes * 60 / 2
        print("The ordinary mix:", flush=True)
        result["ordinary"] = climb(ctx, 1, budget, 0)
        print(f"The surge (declarations × {args.surge}):", flush=True)
        result["surge"] = climb(ctx, args.surge, budget, 100)
        result["machine"] = machine_info(args)
        result["ended"] = _now()
        failed = False
        return result
    finally:
        procs.stop_all()
        try:
            redis.flushdb()
        except Exception as exc:  # the report matters more than the cleanup message
            print(f"could not empty {args.redis_url}: {exc}", file=sys.stderr)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if failed or args.keep_logs:
            print(f"Logs kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def read_communes() -> list[str]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Commune

    return list(db.session.scalars(select(Commune.code).order_by(Commune.code)))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = run(args)
    except KeyboardInterrupt:
        print("Interrupted; every process stopped.", file=sys.stderr)
        return 130
    text = report(result, args)
    print(text)
    if not args.no_write:
        DOC.write_text(text, encoding="utf-8")
        print(f"written to {DOC.relative_to(ROOT)}")
    return 0
