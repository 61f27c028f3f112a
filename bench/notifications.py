"""Notification delivery through Redis, RQ workers and SMTP: before and after issue #14.

``python -m bench.notifications`` (needs ``REDIS_URL``; without it, says so and exits 0).

It starts its own loopback SMTP server (aiosmtpd) and its own ``flask --app wsgi worker``
processes, declares fatal accidents through the real service (each notifies every
inspector: one outbox row, ``--inspectors`` notifications and emails) and measures, in one
run, each worker configuration (``CONFIGS``):

- **before**: ``flask worker --fork`` (a work horse per job) and ``EMAIL_JOBS=
  per_notification`` (one email job and one SMTP conversation per notification);
- **simple worker, per notification**: what the worker change alone gives;
- **after** (the default): ``flask worker`` (RQ ``SimpleWorker``) and ``EMAIL_JOBS=
  per_notice`` (one email job per notice, one SMTP conversation for all its recipients).

For each, with ``--workers`` (default 2) workers:

- latency: declarations one at a time (the next once the previous one's emails arrived):
  the COMMIT → first email of the declaration, and COMMIT → every email, p50/p95;
- end to end: ``--throughput`` notifications (declarations back to back while the
  workers run) from the first COMMIT to the last email accepted;
- drain: the same number queued with no worker running, then the workers started: from
  the first job's start to the last email (the workers' own rate, notifications/s per
  worker);
- duplicates: Message-IDs the SMTP server accepted more than once (must be 0).

Database: when ``DATABASE_URL`` is PostgreSQL, a throw-away schema in it (dropped
afterwards; nothing else is touched), otherwise a temporary SQLite file. Redis: the
database of ``REDIS_URL`` must be empty (the queues are the app's own) — pass ``--flush``
to empty it first; use a database nobody else uses. The figures are written to
``docs/performance-notifications.md`` (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-notifications.md"


# --------------------------------------------------------------------------------------------
# SMTP sink
# --------------------------------------------------------------------------------------------


class Sink:
    """Records the arrival time of each message by notification id, and counts every
    Message-ID it accepts (a duplicate is one accepted twice)."""

    def __init__(self) -> None:
        self.arrived: dict[int, float] = {}
        self.seen: dict[str, int] = {}
        self.conversations = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.conversations += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        at = time.time()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        note_id = int(message["X-SafeCase-Notification"])
        with self.lock:
            key = message["Message-ID"]
            self.seen[key] = self.seen.get(key, 0) + 1
            self.arrived.setdefault(note_id, at)
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.arrived)

    @property
    def duplicates(self) -> int:
        with self.lock:
            return sum(n - 1 for n in self.seen.values())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Database and environment
# --------------------------------------------------------------------------------------------


@dataclass
class Setup:
    database_url: str
    label: str
    cleanup: list = field(default_factory=list)


def database() -> Setup:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        plain = url.replace("postgresql+psycopg://", "postgresql://").replace(
            "postgres://", "postgresql://"
        )
        schema = f"safecase_bench_notif_{os.getpid()}"
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            admin.execute(f'CREATE SCHEMA "{schema}"')
            version = admin.execute("SHOW server_version").fetchone()[0]

        def drop() -> None:
            with psycopg.connect(plain, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

        # Its tables in the throw-away schema (first in the path); extensions such as
        # pg_trgm (migration 0010's trigram index) stay where they are installed, in public.
        path = f"{schema}%2Cpublic"
        scoped = plain + ("&" if "?" in plain else "?") + f"options=-csearch_path%3D{path}"
        return Setup(scoped, f"PostgreSQL {version} (throw-away schema)", [drop])
    tmp = tempfile.mkdtemp(prefix="safecase-bench-notif-")
    return Setup(
        f"sqlite:///{tmp}/bench.db",
        "SQLite (temporary file)",
        [lambda: shutil.rmtree(tmp, ignore_errors=True)],
    )


def environment(setup: Setup, redis_url: str, smtp_port: int, tmp: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SAFECASE_ENV="development",
        SECRET_KEY="bench-notifications-secret-key-0123456789",
        DATABASE_URL=setup.database_url,
        REDIS_URL=redis_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        SAFECASE_INSTANCE_DIR=tmp,
        PYTHONUNBUFFERED="1",
    )
    env.pop("FLASK_DEBUG", None)
    return env


class Workers:
    def __init__(self, env: dict[str, str], tmp: str) -> None:
        self.env, self.tmp, self.procs = env, tmp, []

    def start(self, n: int, args: tuple[str, ...] = (), env: dict[str, str] | None = None):
        for _ in range(n):
            log = open(Path(self.tmp) / f"worker-{time.time_ns()}.log", "wb")
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args],
                    cwd=ROOT,
                    env={**self.env, **(env or {})},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            log.close()

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs = []


# --------------------------------------------------------------------------------------------
# The measures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    name: str
    worker_args: tuple[str, ...]
    email_jobs: str


CONFIGS = (
    Config("before: fork per job, email job per notification", ("--fork",), "per_notification"),
    Config("simple worker, email job per notification", (), "per_notification"),
    Config("after: simple worker, email job per notice (default)", (), "per_notice"),
)


@dataclass
class Figures:
    config: Config
    latency_samples: list[float] = field(default_factory=list)
    first_samples: list[float] = field(default_factory=list)
    end_to_end: tuple[int, float] = (0, 0.0)  # (notifications, seconds)
    drain: tuple[int, float] = (0, 0.0)
    duplicates: int = 0
    conversations: int = 0
    emails: int = 0
    load: float = 0.0


_seq = iter(range(1, 10**9))


def declaration(commune_code: str) -> dict:
    n = next(_seq)
    return {
        "kind": "accident",
        "occurred_at": "2026-11-20T08:30:00+07:00",
        "commune_code": commune_code,
        "location": "Xưởng cơ khí số 2",
        "description": "Công nhân bị máy dập kẹp khi đang vận hành (bench).",
        "labour_relation": True,
        "victims": [
            {
                "full_name": f"Nguyễn Văn {n}",
                "birth_date": "1990-04-02",
                "gender": "male",
                "national_id": f"{31090000000 + n:012d}",
                "occupation": "Thợ hàn",
                "outcome": "death",
                "monthly_wage_vnd": 10_000_000,
                "si_number": f"31{n:08d}",
                "si_years": 6,
            }
        ],
    }


class CommitClock:
    """Time of the last COMMIT of the app's session (the declaration's own transaction)."""

    def __init__(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        self.last = 0.0
        event.listen(Session, "after_commit", self._mark)

    def _mark(self, _session) -> None:
        self.last = time.time()


def seed(inspectors: int):
    from app.extensions import db
    from app.models import Commune, Enterprise, User
    from app.services.passwords import hash_password

    commune = Commune(code="11311", name="Phường Bench", province="HP")
    enterprise = Enterprise(
        tax_code="0201234567",
        name="Công ty Bench",
        commune_code="11311",
        workers=100,
        female_workers=10,
        industry_code="C25",
    )
    db.session.add_all([commune, enterprise])
    db.session.flush()
    password = hash_password("bench-password-1")
    declarant = User(
        username="bench-dn",
        password_hash=password,
        role="enterprise",
        enterprise_id=enterprise.id,
        email="dn@bench.local",
    )
    db.session.add(declarant)
    for i in range(inspectors):
        db.session.add(
            User(
                username=f"bench-tt{i}",
                password_hash=password,
                role="inspector",
                email=f"tt{i}@bench.local",
            )
        )
    db.session.commit()
    return declarant


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.002)


def measure_latency(declarant, sink: Sink, clock: CommitClock, n: int, per_case: int):
    from app.extensions import db
    from app.models import Notification
    from app.services.declarations import declare

    samples: list[float] = []
    firsts: list[float] = []
    commune = declarant.enterprise.commune_code
    while len(samples) < n:
        before = sink.count()
        declare(declarant, declaration(commune))
        committed = clock.last
        db.session.rollback()  # hold no transaction (SQLite: no lock) while waiting
        target = before + per_case
        wait_for(lambda t=target: sink.count() >= t, 60, "the emails of one declaration")
        ids = db.session.scalars(
            db.select(Notification.id).order_by(Notification.id.desc()).limit(per_case)
        ).all()
        db.session.rollback()
        latencies = [sink.arrived[i] - committed for i in ids]
        firsts.append(min(latencies))
        samples.extend(latencies)
    return samples[:n], firsts


def measure_throughput(declarant, sink: Sink, clock: CommitClock, cases: int, per_case: int):
    """Declarations back to back while the workers run: first COMMIT → last email."""
    from app.extensions import db
    from app.services.declarations import declare

    before = sink.count()
    start = None
    commune = declarant.enterprise.commune_code
    for _ in range(cases):
        declare(declarant, declaration(commune))
        start = start or clock.last
    db.session.rollback()
    total = cases * per_case
    wait_for(lambda: sink.count() >= before + total, 900, f"{total} emails")
    end = max(sink.arrived.values())
    return total, end - start


def measure_drain(declarant, sink, workers: Workers, config: Config, args, cases, per_case):
    """Queue every declaration's jobs with no worker running, then start the workers: from
    the first job's start (RQ's ``started_at``) to the last email."""
    from rq.job import Job

    from app.extensions import db
    from app.jobs import redis_connection
    from app.models import OutboxMessage
    from app.services.declarations import declare

    workers.stop()
    before = sink.count()
    first_outbox = db.session.scalar(db.select(db.func.max(OutboxMessage.id))) or 0
    commune = declarant.enterprise.commune_code
    for _ in range(cases):
        declare(declarant, declaration(commune))
    ids = db.session.scalars(
        db.select(OutboxMessage.id).where(OutboxMessage.id > first_outbox)
    ).all()
    db.session.rollback()
    workers.start(args.workers, config.worker_args, {"EMAIL_JOBS": config.email_jobs})
    total = cases * per_case
    wait_for(lambda: sink.count() >= before + total, 900, f"{total} emails")
    end = max(sink.arrived.values())
    jobs = Job.fetch_many([f"outbox-{i}" for i in ids], connection=redis_connection())
    started = min(
        (j.started_at if j.started_at.tzinfo else j.started_at.replace(tzinfo=UTC)).timestamp()
        for j in jobs
        if j is not None and j.started_at
    )
    return total, end - started


def measure_config(config: Config, declarant, sink, clock, workers: Workers, args) -> Figures:
    fig = Figures(config)
    loads = [os.getloadavg()[0]]
    workers.stop()
    workers.start(args.workers, config.worker_args, {"EMAIL_JOBS": config.email_jobs})
    per_case = args.inspectors
    # Warm up (worker start, imports, connections) before measuring.
    measure_latency(declarant, sink, clock, 2 * per_case, per_case)
    dup_before, conv_before, count_before = sink.duplicates, sink.conversations, sink.count()
    fig.latency_samples, fig.first_samples = measure_latency(
        declarant, sink, clock, args.latency * per_case, per_case
    )
    cases = max(1, args.throughput // per_case)
    fig.end_to_end = measure_throughput(declarant, sink, clock, cases, per_case)
    loads.append(os.getloadavg()[0])
    fig.drain = measure_drain(declarant, sink, workers, config, args, cases, per_case)
    loads.append(os.getloadavg()[0])
    fig.duplicates = sink.duplicates - dup_before
    fig.conversations = sink.conversations - conv_before
    fig.emails = sink.count() - count_before
    fig.load = max(loads)
    workers.stop()
    return fig


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def machine_info(setup: Setup, redis_version: str) -> list[str]:
    import rq

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"- Machine: {cpu}, {os.cpu_count()} CPUs{memory}, {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()}, RQ {rq.__version__}, Redis {redis_version}",
        f"- Database: {setup.label}; SMTP: aiosmtpd on loopback (accepts at once)",
        f"- Run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, load average "
        f"{os.getloadavg()[0]:.2f}",
    ]


def report(figures: list[Figures], args, info: list[str]) -> str:
    before, after = figures[0], figures[-1]

    def rate(pair: tuple[int, float]) -> float:
        return pair[0] / pair[1] / args.workers

    lines = [
        "# Notification delivery: before and after issue #14",
        "",
        "Measured by `python -m bench.notifications` (REDIS_URL set; it starts its own RQ "
        "worker processes and a loopback SMTP server), every configuration in the same run. "
        "Path measured: the declaration's COMMIT → after-commit enqueue of `outbox-<id>` → a "
        "worker runs `dispatch_outbox` (one notification per inspector) → the email job(s) → "
        f"the SMTP server accepts the message. Each fatal declaration notifies "
        f"{args.inspectors} inspectors (urgent, so never muted); {args.workers} workers.",
        "",
        *info,
        "",
        "## Summary",
        "",
        "| configuration | commit → first email p50 / p95 | every email p50 / p95 | "
        f"{args.throughput} end to end | drain, per worker | SMTP conversations | duplicates |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fig in figures:
        ms = [x * 1000 for x in fig.latency_samples]
        first = [x * 1000 for x in fig.first_samples]
        total, seconds = fig.end_to_end
        lines.append(
            f"| {fig.config.name} | {statistics.median(first):.0f} / "
            f"{percentile(first, 0.95):.0f} ms | {statistics.median(ms):.0f} / "
            f"{percentile(ms, 0.95):.0f} ms | {seconds:.1f} s ({total / seconds:.0f}/s, "
            f"{rate(fig.end_to_end):.0f}/s per worker) | {rate(fig.drain):.0f}/s | "
            f"{fig.conversations} for {fig.emails} emails | {fig.duplicates} |"
        )
    lines += [
        "",
        f"After ÷ before, notifications per second per worker: end to end "
        f"{rate(after.end_to_end) / rate(before.end_to_end):.1f}×, drain "
        f"{rate(after.drain) / rate(before.drain):.1f}×; commit → first email p50 "
        f"{statistics.median(before.first_samples) / statistics.median(after.first_samples):.1f}"
        "× faster.",
        "",
        "Columns: *commit → first email* is the path's own latency (declarations one at a "
        f"time, {args.latency} of them, idle workers); *every email* includes waiting behind "
        "the other emails of the same declaration; *end to end* is declarations back to "
        "back while the workers run, first COMMIT → last email (the declaring process "
        "shares the CPUs); *drain* is the same number of notifications queued first, then "
        "the workers started, first job start → last email, divided by the number of "
        "workers; *SMTP conversations* counts EHLOs at the server over the latency and end "
        "to end parts; *duplicates* counts Message-IDs the server accepted more than once. "
        "The highest 1-minute load average seen during each configuration: "
        + ", ".join(f"{fig.load:.1f}" for fig in figures)
        + ".",
        "",
        "## Reading the figures",
        "",
        "- A forking worker pays a fork, a fresh database connection and a cold session "
        "for every job; with one email job per notification a notice to ten people is "
        "eleven of those. RQ's `SimpleWorker` runs the job in the worker process with its "
        "pooled connection (`app.jobs.worker_class`: a clean app context and session per "
        "job, SIGALRM time limits, a failing job is recorded and the worker goes on).",
        "- One email job per notice sends all its recipients' emails over one SMTP "
        "conversation, each claimed before and recorded (`emailed_at`) as soon as the "
        "server accepts it.",
        "- Exactly-once: every email is claimed by a committed conditional UPDATE before "
        "SMTP; two workers racing on the same email send it once "
        "(`tests/jobs/test_worker_redis.py`). See docs/operations.md for what remains "
        "(a sender killed between the server's 250 and the commit).",
        "- Absolute figures depend on CPU contention: the workers, PostgreSQL, Redis, the "
        "SMTP sink and this script share the CPUs; compare the load with the CPU count.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def run(args) -> list[Figures] | None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        print(
            "bench.notifications: REDIS_URL is not set — this benchmark needs Redis and RQ "
            "workers; skipped."
        )
        return None
    from aiosmtpd.controller import Controller
    from redis import Redis

    redis = Redis.from_url(redis_url)
    if redis.dbsize() and not args.flush:
        print(
            f"bench.notifications: the Redis database of {redis_url} is not empty; "
            "use an empty one or pass --flush to empty it.",
            file=sys.stderr,
        )
        return None
    redis.flushdb()
    redis_version = redis.info("server")["redis_version"]

    setup = database()
    tmp = tempfile.mkdtemp(prefix="safecase-bench-notif-run-")
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = environment(setup, redis_url, port, tmp)
    os.environ.update(env)
    workers = Workers(env, tmp)
    figures: list[Figures] = []
    configs = [c for i, c in enumerate(CONFIGS) if args.configs is None or i in args.configs]
    try:
        from flask_migrate import upgrade

        from app import create_app

        app = create_app()
        with app.app_context():
            upgrade()
            declarant = seed(args.inspectors)
            clock = CommitClock()
            for config in configs:
                print(f"bench.notifications: {config.name}…", flush=True)
                figures.append(measure_config(config, declarant, sink, clock, workers, args))
    finally:
        workers.stop()
        controller.stop()
        redis.flushdb()
        for step in setup.cleanup:
            step()
        shutil.rmtree(tmp, ignore_errors=True)
    text = report(figures, args, machine_info(setup, redis_version))
    print(text)
    if not args.no_write:
        DOC.write_text(text, encoding="utf-8")
        print(f"written to {DOC.relative_to(ROOT)}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notifications", description=__doc__)
    parser.add_argument(
        "--latency", type=int, default=30, help="declarations timed one at a time (default 30)"
    )
    parser.add_argument(
        "--throughput", type=int, default=1000, help="notifications in the burst (default 1000)"
    )
    parser.add_argument("--inspectors", type=int, default=10, help="recipients per declaration")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--configs",
        type=lambda text: [int(i) for i in text.split(",")],
        default=None,
        help="which CONFIGS to run, e.g. 0,2 (default: all)",
    )
    parser.add_argument("--flush", action="store_true", help="empty the Redis database first")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/")
    args = parser.parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
