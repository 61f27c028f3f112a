"""One transaction per service call, with callbacks that run only after commit.

``with unit_of_work():`` commits on success and rolls back on any exception (superset's
``@transaction``). Code inside may ``flush()`` but never ``commit()``. Jobs are queued
through ``after_commit`` so a worker never looks for rows that are not committed yet,
and nothing is sent for a transaction that rolled back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import g

from app.extensions import db


def _pending() -> list[Callable[[], None]]:
    if "after_commit" not in g:
        g.after_commit = []
    return g.after_commit


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current unit of work has committed (dropped on rollback)."""
    _pending().append(callback)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit on success, roll back on error, then run after-commit callbacks.

    Nested use joins the outer unit: only the outermost commits.
    """
    depth = g.get("uow_depth", 0)
    g.uow_depth = depth + 1
    try:
        yield
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
            g.after_commit = []
        raise
    finally:
        g.uow_depth = depth
    if depth == 0:
        callbacks, g.after_commit = _pending(), []
        for callback in callbacks:
            callback()


def is_nested() -> bool:
    """True inside a unit of work that joined an outer one (the outer one commits)."""
    return g.get("uow_depth", 0) > 1


def transactional(fn: Callable) -> Callable:
    """Decorator form of ``unit_of_work``."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper
