"""Background jobs: RQ on Redis in production, in-process after commit when embedded.

Jobs are plain functions that take ids, reload what they need and are idempotent.
They are only ever queued after the transaction that justified them has committed
(``enqueue_after_commit``), so a worker never looks for rows that are not there yet
and a rolled-back transaction sends nothing.

Delivery is at-least-once at the queue level: a job may run twice (a relay re-enqueues
one whose worker died, RQ retries a failure), so every job checks the database before
acting (``dispatched_at``, the email claim ``email_claimed_at`` and ``emailed_at``,
unique keys). Enqueueing never breaks the request that committed: when Redis is unreachable
the error is logged and the periodic relay (``app.jobs.scheduler``) enqueues the job again
from the database. Workers run jobs in their own process (``worker_class``; ``flask worker
--fork`` for a work horse per job).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app

from app.services.unit_of_work import after_commit

log = logging.getLogger(__name__)

# Queues named by purpose (redash): the worker listens on all of them, most urgent first.
QUEUES = ("notifications", "deadlines", "default")
# Every job gets an explicit time limit (STYLE 16); SMTP jobs set their own, shorter one.
DEFAULT_JOB_TIMEOUT = 300


def jobs_inline(app: Flask | None = None) -> bool:
    """True when jobs run in-process (no REDIS_URL): the embedded shape."""
    app = app or current_app
    return bool(app.config.get("JOBS_INLINE", True)) or not app.config.get("REDIS_URL")


def redis_connection():
    from redis import Redis

    app = current_app._get_current_object()
    conn = app.extensions.get("safecase_redis")
    if conn is None:
        conn = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=5)
        app.extensions["safecase_redis"] = conn
    return conn


def get_queue(name: str = "default"):
    from rq import Queue

    return Queue(name, connection=redis_connection())


def enqueue(func: Callable, *args, queue: str = "default", job_id: str | None = None, **options):
    """Put ``func(*args)`` on an RQ queue now; returns the job, or None if Redis is down.

    A job with the same id is replaced (RQ keeps one hash per id); callers that must not
    duplicate work check the job's status first (see ``app.jobs.notifications``) and the
    job itself is idempotent anyway.
    """
    from redis.exceptions import RedisError

    options.setdefault("job_timeout", DEFAULT_JOB_TIMEOUT)
    try:
        return get_queue(queue).enqueue(func, *args, job_id=job_id, **options)
    except RedisError:
        # The row that justified the job is committed: the relay will enqueue it again.
        log.exception("could not enqueue %s (%s); the periodic relay will retry", job_id, queue)
        return None


def run_inline(func: Callable, *args) -> bool:
    """Run a job in-process; a failure is logged, never raised into the caller's request."""
    try:
        func(*args)
    except Exception:
        log.exception("in-process job %s%r failed", getattr(func, "__name__", func), args)
        return False
    return True


def enqueue_after_commit(
    func: Callable, *args, queue: str = "default", job_id: str | None = None, **options
) -> None:
    """Queue ``func(*args)`` once the current unit of work commits (dropped on rollback).

    Embedded (no REDIS_URL): run it in-process right after commit instead (``options``
    such as ``retry`` are RQ's and do not apply; the periodic run retries instead).
    """
    app = current_app._get_current_object()

    def run() -> None:
        if jobs_inline(app):
            run_inline(func, *args)
        else:
            enqueue(func, *args, queue=queue, job_id=job_id, **options)

    after_commit(run)


def job_status(job_id: str) -> str | None:
    """The RQ status of ``job_id`` ('queued', 'started', 'failed'…), or None if unknown."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=redis_connection())
    except NoSuchJobError:
        return None
    status = job.get_status(refresh=False)
    return getattr(status, "value", status)


def worker_class(fork: bool = False):
    """An RQ worker class that runs every job in a fresh app context (STYLE 18).

    Default (``fork=False``): RQ's ``SimpleWorker``, which runs each job in the worker
    process itself. No fork, no new database connection and no re-import per job: the
    pooled connections and configured mappers serve job after job (issue #14: about ten times
    the throughput of a fork per job). What a fork gave for free is done here instead:

    - **a clean slate per job**: each job gets a new app context (``g``, the unit of work's
      after-commit list) and its own session, which is rolled back and removed after the job
      whatever happened, so no transaction, lock or identity map leaks into the next job;
    - **time limits**: RQ's death penalty for a ``SimpleWorker`` is the platform default,
      ``UnixSignalDeathPenalty`` (SIGALRM, RQ 2.12 ``rq.timeouts``), which works because the
      job runs in the worker's main thread; it raises ``JobTimeoutException`` inside the job,
      which RQ records as a failure (and retries if the job has a ``Retry``);
    - **a failing job does not stop the worker**: RQ's ``perform_job`` catches every
      exception of the job and records the failure; the session is cleaned in ``finally``.

    What it does not give: a job that crashes the interpreter (a segfault in a C extension)
    or leaks memory takes the worker with it; ``flask worker --fork`` keeps RQ's forking
    ``Worker`` for such jobs, at a fork per job.
    """
    from rq import SimpleWorker, Worker

    from app.extensions import db

    base = Worker if fork else SimpleWorker

    class AppWorker(base):
        flask_app: Flask | None = None

        def perform_job(self, job, queue) -> bool:
            with self.flask_app.app_context():
                if fork:
                    # In the forked work horse: forget the parent's pooled connections (never
                    # share a socket across fork).
                    db.engine.dispose(close=False)
                try:
                    return super().perform_job(job, queue)
                finally:
                    _clean_session()

    return AppWorker


def _clean_session() -> None:
    """End whatever the job left open (rolled back) and drop its session; a broken connection
    is logged and discarded, never raised into the worker loop."""
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback after a job failed; discarding its session", exc_info=True)
    finally:
        db.session.remove()


def _warm_up(app: Flask) -> None:
    """Do once at start what every job would otherwise redo: configure the ORM mappers and
    initialise the database dialect (one connection, closed again before any fork so no
    socket is shared)."""
    from sqlalchemy.orm import configure_mappers

    from app.extensions import db

    configure_mappers()
    try:
        with db.engine.connect():
            pass
    except Exception:  # the database may be down at start-up; jobs will retry
        log.warning("worker start: database not reachable yet", exc_info=True)
    db.engine.dispose()


def run_worker(burst: bool = False, queues: tuple[str, ...] = QUEUES, fork: bool = False) -> None:
    """Run an RQ worker for ``queues`` (default: every queue of the app; ``flask --app wsgi
    worker [--queue NAME]… [--fork]``). A deployment may dedicate workers to a queue, e.g.
    one for the mail so that long exports on ``default`` never delay a notice.

    ``fork`` chooses RQ's forking ``Worker`` (a work horse per job) over the default
    ``SimpleWorker`` (jobs in this process; see ``worker_class``).

    ``with_scheduler`` makes the worker move RQ-scheduled retries (``Retry(interval=…)``)
    back onto their queues; it is RQ's ordinary scheduler, not the beta cron one. It runs in
    a forked child process: the child forgets the pooled database connections (it never
    uses them) so no socket is shared across the fork.
    """
    import os

    from app.extensions import db

    app = current_app._get_current_object()
    _warm_up(app)
    engine = db.engine
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    cls = worker_class(fork=fork)
    cls.flask_app = app
    worker = cls([get_queue(name) for name in queues], connection=redis_connection())
    worker.work(burst=burst, with_scheduler=True)


def init_app(app: Flask) -> None:
    """Install the in-process periodic run when embedded (see ``app.jobs.scheduler``)."""
    from app.jobs.scheduler import install_request_hook

    install_request_hook(app)
