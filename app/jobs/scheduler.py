"""Periodic jobs, declared as data with stable ids, and the two ways they are run.

- **Production** (Redis): ``flask --app wsgi scheduler`` is one small process beside the
  RQ workers. It loops, runs each periodic job when it is due (in its own app context, so
  a failure is logged and the loop goes on) and stops cleanly between jobs on SIGTERM or
  SIGINT. It enqueues nothing itself except what the jobs enqueue (outbox dispatches and
  emails go to the workers). RQ's beta cron scheduler is not used (STYLE 19).
- **Embedded** (no REDIS_URL): there is no extra process. After a response has been sent,
  a request hook runs whatever is due, at most once per job interval per process, in the
  request's thread, one thread at a time (a process-local lock). Quiet hours with no
  requests run nothing; the first request afterwards catches up — every periodic job
  works from the database, so a late run does the same work. Tests switch it on with
  ``PERIODIC_IN_PROCESS=True`` (off by default under TESTING).

Two schedulers at once are harmless: the deadline scan claims each step with a
conditional UPDATE and the relays only enqueue jobs whose work is still undone.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    id: str
    func: str  # dotted path, resolved at run time (no import cycles, easy to patch in tests)
    every: int  # seconds
    description: str

    def resolve(self) -> Callable[[], object]:
        module, _, name = self.func.rpartition(".")
        return getattr(importlib.import_module(module), name)


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "outbox-relay",
        "app.jobs.notifications.relay_outbox",
        60,
        "Re-enqueue outbox rows committed but not dispatched after a minute",
    ),
    PeriodicJob(
        "email-retry",
        "app.jobs.notifications.retry_pending_emails",
        60,
        "Send (embedded) or re-enqueue (Redis) emails whose delivery is still pending",
    ),
    PeriodicJob(
        "deadlines-scan",
        "app.jobs.deadlines.scan",
        300,
        "Task reminders, overdue notices and escalation (flask deadlines scan)",
    ),
    PeriodicJob(
        "reports-open",
        "app.jobs.reports.open_reports",
        86_400,
        "Open the statutory periodic reports of the periods ended by today (idempotent)",
    ),
)


class Runner:
    """Runs the periodic jobs that are due; remembers when each last ran (monotonic clock)."""

    def __init__(
        self, jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS, every: dict[str, int] | None = None
    ) -> None:
        self.jobs = jobs
        self.every = {job.id: (every or {}).get(job.id, job.every) for job in jobs}
        self.last_run: dict[str, float] = {}

    def due(self, clock: float | None = None) -> list[PeriodicJob]:
        clock = time.monotonic() if clock is None else clock
        return [
            job
            for job in self.jobs
            if job.id not in self.last_run or clock - self.last_run[job.id] >= self.every[job.id]
        ]

    def seconds_to_next(self, clock: float | None = None) -> float:
        clock = time.monotonic() if clock is None else clock
        waits = [
            self.every[job.id] - (clock - self.last_run[job.id]) if job.id in self.last_run else 0
            for job in self.jobs
        ]
        return max(0.0, min(waits, default=60.0))

    def run_due(self, app: Flask, stop: threading.Event | None = None) -> dict[str, object]:
        """Run every due job, each in a fresh app context; returns their results by id."""
        from app.extensions import db

        results: dict[str, object] = {}
        for job in self.due():
            if stop is not None and stop.is_set():
                break
            self.last_run[job.id] = time.monotonic()
            with app.app_context():
                try:
                    results[job.id] = job.resolve()()
                    log.info("periodic job %s: %s", job.id, _describe(results[job.id]))
                except Exception:
                    log.exception("periodic job %s failed; next try in %ss", job.id, job.every)
                    results[job.id] = None
                finally:
                    db.session.remove()
        return results


def _describe(result: object) -> str:
    summary = getattr(result, "summary", None)
    return summary() if callable(summary) else str(result)


def run_forever(app: Flask, runner: Runner, stop: threading.Event | None = None) -> None:
    """The scheduler process's loop; returns once ``stop`` is set (SIGTERM/SIGINT)."""
    stop = stop or threading.Event()

    def request_stop(signum, _frame) -> None:
        log.info("scheduler: signal %s received, stopping after the current job", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
    log.info("scheduler started: %s", ", ".join(f"{j}/{s}s" for j, s in runner.every.items()))
    while not stop.is_set():
        runner.run_due(app, stop)
        stop.wait(max(1.0, runner.seconds_to_next()))
    log.info("scheduler stopped")


def install_request_hook(app: Flask) -> None:
    """Embedded shape: run due periodic jobs after responses (see the module docstring)."""
    from app.jobs import jobs_inline

    enabled = app.config.get("PERIODIC_IN_PROCESS")
    if enabled is None:
        enabled = jobs_inline(app) and not app.testing
    if not enabled or app.extensions.get("safecase_periodic_hook"):
        return
    runner = Runner()
    lock = threading.Lock()
    app.extensions["safecase_periodic_hook"] = runner

    def run_in_background() -> None:
        if not lock.acquire(blocking=False):
            return  # another thread of this process is already on it
        try:
            runner.run_due(app)
        finally:
            lock.release()

    @app.after_request
    def schedule_periodic_jobs(response):
        if runner.due():
            response.call_on_close(run_in_background)
        return response
