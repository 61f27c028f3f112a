"""Jobs the worker tests enqueue by name (``tests.jobs.worker_jobs.<name>``): the worker
process imports them from the project root, where it runs."""

from __future__ import annotations

import os
import time


def fail() -> None:
    raise RuntimeError("a job that fails")


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def leave_a_transaction_open() -> int:
    """Write inside a transaction and return without committing (a buggy job). If the worker
    kept this session for the next job, the write would be committed later or, on SQLite,
    its write lock would stall every other writer."""
    from sqlalchemy import text

    from app.extensions import db

    db.session.execute(text("UPDATE enterprise SET workers = workers + 1000"))
    db.session.execute(text("SELECT 1"))
    return os.getpid()


def report_state() -> dict:
    """What a job finds when it starts: its process, whether a transaction is already open,
    whether ``g`` carries anything from an earlier job, and the data it can read."""
    from flask import g
    from sqlalchemy import text

    from app.extensions import db

    state = {
        "pid": os.getpid(),
        "in_transaction": db.session().in_transaction(),
        "g": sorted(k for k in vars(g) if not k.startswith("_")),
    }
    state["workers"] = db.session.execute(text("SELECT SUM(workers) FROM enterprise")).scalar()
    db.session.rollback()
    return state
