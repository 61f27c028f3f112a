"""Connection settings per database: SQLite gets foreign keys, WAL and a busy timeout.

WAL lets readers go on while one writer commits; the busy timeout makes a second writer
wait instead of failing at once with "database is locked".
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _configure_sqlite(dbapi_connection, _record) -> None:
    # pysqlite starts transactions lazily; take manual control so BEGIN IMMEDIATE works.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_sqlite(connection) -> None:
    # Take the write lock at BEGIN: a read-then-write transaction can then never fail
    # half way with SQLITE_BUSY; concurrent writers queue on the busy timeout instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
    if engine.dialect.name == "sqlite" and not getattr(engine, "_safecase_configured", False):
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        engine._safecase_configured = True
