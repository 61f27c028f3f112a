"""Periodic jobs as data, the scheduler process and the embedded in-process run."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import as_utc
from app.extensions import db
from app.jobs import scheduler
from app.jobs.scheduler import PERIODIC_JOBS, PeriodicJob, Runner
from app.models import Task
from tests.conftest import ROOT
from tests.factories import make_accident, make_user
from tests.jobs.conftest import db_read, wait_until


def test_periodic_jobs_are_data_with_stable_ids():
    ids = [job.id for job in PERIODIC_JOBS]
    assert ids == ["outbox-relay", "email-retry", "deadlines-scan", "reports-open"]
    assert len(set(ids)) == len(ids)
    for job in PERIODIC_JOBS:
        assert callable(job.resolve()) and job.every > 0 and job.description


def test_runner_runs_each_job_when_due():
    runner = Runner(
        (PeriodicJob("a", "os.getcwd", 60, "a"), PeriodicJob("b", "os.getcwd", 300, "b")),
        {"b": 120},
    )
    assert [j.id for j in runner.due(clock=1000.0)] == ["a", "b"]
    runner.last_run = {"a": 1000.0, "b": 1000.0}
    assert runner.due(clock=1059.0) == []
    assert [j.id for j in runner.due(clock=1060.0)] == ["a"]
    assert [j.id for j in runner.due(clock=1120.0)] == ["a", "b"]
    assert runner.seconds_to_next(clock=1030.0) == 30.0


def test_a_failing_job_is_logged_and_the_others_still_run(app, caplog, monkeypatch):
    # Alembic's fileConfig (run by the migrations fixture) disables existing loggers.
    monkeypatch.setattr(logging.getLogger("app.jobs.scheduler"), "disabled", False)
    runner = Runner(
        (
            PeriodicJob("boom", "app.jobs.deadlines.parse_as_of", 60, "raises: no argument"),
            PeriodicJob("ok", "os.getcwd", 60, "fine"),
        )
    )
    results = runner.run_due(app)
    assert results["boom"] is None and results["ok"] == os.getcwd()
    assert "periodic job boom failed" in caplog.text


def test_scheduler_once_runs_every_periodic_job(app, runner, smtp):
    make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("light",))
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "outbox-relay",
        "email-retry",
        "deadlines-scan",
        "reports-open",
    ]
    assert "reminded" in lines[-2]
    assert "opened" in lines[-1]


def test_scheduler_process_scans_and_stops_cleanly_on_sigterm(app, tmp_path, smtp):
    """``flask --app wsgi scheduler`` as its own process (embedded database, no Redis)."""
    make_user("inspector")
    officer = make_user("enterprise")
    case = make_accident(officer, outcomes=("light",))
    task = db.session.scalar(select(Task).where(Task.case_id == case.id))
    # Make the task overdue now, so the scheduler's first scan has something to do.
    task.due_at = as_utc(task.opened_at) - timedelta(hours=1)
    db.session.commit()
    env = dict(os.environ)
    env.update(
        SAFECASE_ENV="development",
        SECRET_KEY="scheduler-test-secret-key-0123456789",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        SAFECASE_INSTANCE_DIR=str(tmp_path),
    )
    env.pop("REDIS_URL", None)
    log_path = tmp_path / "scheduler.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "--interval", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:

        def overdue_marked():
            return db_read(lambda: db.session.get(Task, task.id).overdue_at is not None)

        wait_until(overdue_marked, 60, message="the scheduler did not scan in time")
        smtp.wait_for(2)  # the declaration notice and the overdue notice
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log_path.read_text(errors="replace")
    assert "scheduler started" in text and "scheduler stopped" in text
    assert officer.email in {m["To"] for m in smtp.messages}


@pytest.fixture
def periodic_app(app_config):
    app_config["PERIODIC_IN_PROCESS"] = True
    return app_config


def test_embedded_periodic_run_happens_after_a_response(periodic_app, app, client, smtp):
    make_user("inspector")
    case = make_accident(make_user("enterprise"), outcomes=("light",))
    task = db.session.scalar(select(Task).where(Task.case_id == case.id))
    task.due_at = as_utc(task.opened_at) - timedelta(hours=1)
    db.session.commit()
    runner = app.extensions["safecase_periodic_hook"]

    response = client.get("/healthz")
    assert response.status_code == 200
    assert db_read(lambda: db.session.get(Task, task.id).overdue_at) is None, "not before"
    response.close()  # what the WSGI server does once the response is sent
    assert db_read(lambda: db.session.get(Task, task.id).overdue_at) is not None
    assert set(runner.last_run) == {job.id for job in PERIODIC_JOBS}

    # At most once per interval: the next request does not run the jobs again.
    stamps = dict(runner.last_run)
    client.get("/healthz").close()
    assert runner.last_run == stamps


def test_the_hook_is_off_under_testing_unless_asked(app):
    assert "safecase_periodic_hook" not in app.extensions


def test_the_hook_is_off_when_jobs_go_to_redis(app_config):
    from app import create_app

    app_config.update(REDIS_URL="redis://127.0.0.1:1/0", JOBS_INLINE=False)  # never used
    app_config["PERIODIC_IN_PROCESS"] = None
    production_like = create_app(app_config)
    production_like.testing = False
    scheduler.install_request_hook(production_like)
    assert "safecase_periodic_hook" not in production_like.extensions
