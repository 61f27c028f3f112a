"""Fixtures for the jobs tests: a real SMTP server on loopback, Redis, real worker processes.

- ``mailbox`` is an aiosmtpd server on a free loopback port, **not started**: the app is
  configured with its address (MAIL_SERVER/MAIL_PORT), so a test can begin with SMTP
  down and ``start()`` it later. ``smtp`` is the same server, started.
- Tests here run embedded (jobs in-process) unless marked ``redis``: then the app enqueues
  on the real Redis of REDIS_URL and ``workers.start()`` launches ``flask --app wsgi
  worker`` as a separate process, configured through the environment like production
  (SAFECASE_ENV=development with an explicit SECRET_KEY, DATABASE_URL of the test
  database — the SQLite file or PostgreSQL — REDIS_URL and MAIL_*).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email.message import Message
from pathlib import Path

import pytest

from tests.conftest import REDIS_URL, ROOT


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05, message: str = ""):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds.

    Generous timeouts, no fixed sleeps: the tests assert outcomes, never speed.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message or f"condition not met within {timeout} s")
        time.sleep(interval)


def db_read(fn):
    """Run ``fn`` against fresh data and end the transaction at once.

    Needed while another process writes: on SQLite every transaction begins with
    ``BEGIN IMMEDIATE`` (app/db_events.py), so a test that keeps one open would hold the
    write lock and stall the worker. Return plain values from ``fn``, not ORM objects.
    """
    from app.extensions import db

    db.session.expire_all()
    try:
        return fn()
    finally:
        db.session.rollback()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler:
    """Collects accepted messages; can hold the first conversation to simulate a slow server."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        # The SMTP session (one per connection) each message came in on, in the same order.
        self.conversations: list = []
        self.lock = threading.Lock()
        self.hold_first_rcpt = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self._held = False
        # Seconds to take over each DATA (a slow server: senders overlap).
        self.data_delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold_first_rcpt and not self._held:
            self._held = True
            self.holding.set()
            # Before DATA: the message is not accepted while we wait (a slow server).
            for _ in range(1200):
                if self.release.is_set():
                    break
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self.lock:
            self.messages.append(message)
            self.conversations.append(session)
        return "250 Message accepted for delivery"


class Mailbox:
    def __init__(self, **options) -> None:
        """``options`` go to aiosmtpd's Controller (TLS contexts, an authenticator…)."""
        self.port = free_port()
        self.handler = Handler()
        self.controller = None
        self.options = options

    def start(self) -> Mailbox:
        from aiosmtpd.controller import Controller

        if self.controller is None:
            self.controller = Controller(
                self.handler, hostname="127.0.0.1", port=self.port, **self.options
            )
            self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        with self.handler.lock:
            return list(self.handler.messages)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def for_notification(self, notification_id: int) -> list[Message]:
        return [m for m in self.messages if m["X-SafeCase-Notification"] == str(notification_id)]

    def wait_for(self, count: int, timeout: float = 60.0) -> list[Message]:
        wait_until(
            lambda: len(self.messages) >= count,
            timeout,
            message=f"expected {count} email(s), got {len(self.messages)}",
        )
        return self.messages


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture
def smtp(mailbox):
    return mailbox.start()


@pytest.fixture
def app_config(app_config, mailbox, request):
    """Mail goes to the loopback server; jobs run in-process unless the test is ``redis``."""
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port, MAIL_TIMEOUT=10)
    if request.node.get_closest_marker("redis") is None:
        app_config.update(REDIS_URL=None, JOBS_INLINE=True)
    return app_config


@pytest.fixture
def redis_conn(app):
    """The test's Redis database, emptied before and after (job ids restart with the DB)."""
    from redis import Redis

    conn = Redis.from_url(REDIS_URL)
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


def _children(pid: int, *, own_group: bool | None = None) -> list[int]:
    """Child processes of ``pid``; ``own_group=True``: only those leading their own process
    group (RQ's work horse calls ``setpgrp``; its scheduler child does not)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        child = int(stat.parent.name)
        if int(fields[1]) != pid:
            continue
        if own_group is not None and (int(fields[2]) == child) != own_group:
            continue
        found.append(child)
    return found


class WorkerProcess:
    def __init__(self, proc: subprocess.Popen, log_path: Path) -> None:
        self.proc = proc
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def horses(self) -> list[int]:
        return _children(self.proc.pid, own_group=True)

    def children(self) -> list[int]:
        return _children(self.proc.pid)

    def kill_horse(self) -> list[int]:
        horses = self.horses()
        for pid in horses:
            os.kill(pid, signal.SIGKILL)
        return horses

    def crash(self) -> None:
        """SIGKILL the worker, its work horse and its scheduler at once (a machine dying)."""
        horses = self.children()
        os.kill(self.proc.pid, signal.SIGKILL)
        for pid in horses:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=30)
        wait_until(lambda: not any(Path(f"/proc/{p}").exists() for p in horses), 30)

    def stop(self) -> None:
        children = self.children()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Workers:
    def __init__(self, app, tmp_path: Path) -> None:
        self.app = app
        self.tmp_path = tmp_path
        self.started: list[WorkerProcess] = []

    def env(self) -> dict[str, str]:
        config = self.app.config
        env = dict(os.environ)
        env.update(
            SAFECASE_ENV="development",
            SECRET_KEY="jobs-test-secret-key-0123456789abcdef",
            DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=REDIS_URL,
            MAIL_SERVER=str(config["MAIL_SERVER"]),
            MAIL_PORT=str(config["MAIL_PORT"]),
            SAFECASE_INSTANCE_DIR=str(self.tmp_path),
            UPLOAD_DIR=str(self.tmp_path / "uploads"),
            PYTHONUNBUFFERED="1",
        )
        env.pop("FLASK_DEBUG", None)
        return env

    def start(self, *args: str) -> WorkerProcess:
        n = len(self.started) + 1
        log_path = self.tmp_path / f"worker-{n}.log"
        handle = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        worker = WorkerProcess(proc, log_path)
        self.started.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture
def workers(app, redis_conn, tmp_path):
    pool = Workers(app, tmp_path)
    yield pool
    pool.stop_all()
