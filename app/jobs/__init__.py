"""Background jobs: RQ on Redis in production, in-process after commit when embedded.

Jobs are plain functions that take ids, reload what they need and are idempotent.
They are only ever queued after the transaction that justified them has committed
(``enqueue_after_commit``), so a worker never looks for rows that are not there yet
and a rolled-back transaction sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app

from app.services.unit_of_work import after_commit

log = logging.getLogger(__name__)

# Queues named by purpose (redash): the worker listens on all of them, most urgent first.
QUEUES = ("notifications", "deadlines", "default")


def redis_connection():
    from redis import Redis

    app = current_app._get_current_object()
    conn = app.extensions.get("safecase_redis")
    if conn is None:
        conn = Redis.from_url(app.config["REDIS_URL"])
        app.extensions["safecase_redis"] = conn
    return conn


def get_queue(name: str = "default"):
    from rq import Queue

    return Queue(name, connection=redis_connection())


def enqueue_after_commit(
    func: Callable, *args, queue: str = "default", job_id: str | None = None, **options
) -> None:
    """Queue ``func(*args)`` once the current unit of work commits.

    Embedded (no REDIS_URL): run it in-process right after commit instead. ``job_id``
    makes the enqueue idempotent: RQ keeps one job per id.
    """
    app = current_app._get_current_object()

    def run() -> None:
        if app.config.get("JOBS_INLINE", True):
            try:
                func(*args)
            except Exception:  # an in-process job must not break the request that queued it
                log.exception("in-process job %s failed", getattr(func, "__name__", func))
            return
        get_queue(queue).enqueue(func, *args, job_id=job_id, **options)

    after_commit(run)


def run_worker(burst: bool = False) -> None:
    """Run an RQ worker inside this app's context (``flask --app wsgi worker``)."""
    from rq import Worker

    app = current_app._get_current_object()
    worker = Worker([get_queue(name) for name in QUEUES], connection=redis_connection())
    with app.app_context():
        worker.work(burst=burst, with_scheduler=True)


def init_app(app: Flask) -> None:
    """Nothing to connect at start-up: Redis connections are made on first use."""
